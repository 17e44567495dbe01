import { generateKeyPairSync } from 'node:crypto';
import { SignJWT, UnsecuredJWT } from 'jose';
import { AccessTokens, type Principal } from './access-tokens';
import { keyRingFromPem } from './signing-keys';

const pem = (type: 'ed25519' | 'ec') =>
  (type === 'ec' ? generateKeyPairSync('ec', { namedCurve: 'P-256' }) : generateKeyPairSync('ed25519')).privateKey
    .export({ type: 'pkcs8', format: 'pem' })
    .toString();

const principal: Principal = {
  userId: '0190f7a4-0000-7000-8000-000000000001',
  tenantId: '0190f7a4-0000-7000-8000-0000000000aa',
  tenantSlug: 'demo',
  permissions: ['customer.persons.read'],
  sessionId: '0190f7a4-0000-7000-8000-0000000000bb',
};
const opts = { issuer: 'https://supra.test/gw', audience: 'supra-api', ttlSeconds: 600 };

describe('AccessTokens', () => {
  let now = 1_800_000_000_000;
  let tokens: AccessTokens;
  beforeAll(async () => {
    tokens = new AccessTokens(await keyRingFromPem(pem('ed25519'), 'k1'), { ...opts, now: () => now });
  });

  it('signs EdDSA with kid and the claims the services need, and verifies them back', async () => {
    const { token, expiresIn } = await tokens.sign(principal);
    expect(expiresIn).toBe(600);
    const [h, p] = token.split('.').slice(0, 2).map((s) => JSON.parse(Buffer.from(s, 'base64url').toString()));
    expect(h).toEqual({ alg: 'EdDSA', kid: 'k1', typ: 'JWT' });
    expect(p).toMatchObject({ sub: principal.userId, tid: principal.tenantId, tslug: 'demo', sid: principal.sessionId, iss: opts.issuer, aud: opts.audience });
    expect(p.exp - p.iat).toBe(600);
    await expect(tokens.verify(token)).resolves.toEqual(principal);
    expect(tokens.jwks().keys).toEqual([expect.objectContaining({ kid: 'k1', alg: 'EdDSA', kty: 'OKP', crv: 'Ed25519', use: 'sig' })]);
    expect(tokens.jwks().keys[0]).not.toHaveProperty('d');
  });

  it('refuses an expired token', async () => {
    const { token } = await tokens.sign(principal);
    now += 601_000;
    await expect(tokens.verify(token)).rejects.toMatchObject({ code: 'AUTH.TOKEN_EXPIRED', status: 401 });
    now -= 601_000;
  });

  it('refuses alg none', async () => {
    const unsecured = new UnsecuredJWT({ tid: principal.tenantId, tslug: 'demo', perms: ['*'], sid: 's' })
      .setSubject('u')
      .setIssuer(opts.issuer)
      .setAudience(opts.audience)
      .setIssuedAt(Math.floor(now / 1000))
      .setExpirationTime(Math.floor(now / 1000) + 60)
      .encode();
    await expect(tokens.verify(unsecured)).rejects.toMatchObject({ code: 'AUTH.TOKEN_INVALID' });
  });

  it('refuses a token signed by another key under the same kid, and an unknown kid', async () => {
    const forger = new AccessTokens(await keyRingFromPem(pem('ed25519'), 'k1'), { ...opts, now: () => now });
    const forged = (await forger.sign({ ...principal, permissions: ['*'] })).token;
    await expect(tokens.verify(forged)).rejects.toMatchObject({ code: 'AUTH.TOKEN_INVALID', details: { reason: 'bad signature' } });
    const other = new AccessTokens(await keyRingFromPem(pem('ed25519'), 'k2'), { ...opts, now: () => now });
    await expect(tokens.verify((await other.sign(principal)).token)).rejects.toMatchObject({ code: 'AUTH.TOKEN_INVALID', details: { reason: 'unknown key' } });
  });

  it('refuses a tampered payload', async () => {
    const { token } = await tokens.sign(principal);
    const [h, , s] = token.split('.');
    const p = Buffer.from(JSON.stringify({ sub: 'x', tid: principal.tenantId, tslug: 'demo', perms: ['*'], sid: 's', iss: opts.issuer, aud: opts.audience, iat: 1, exp: 9e9 })).toString('base64url');
    await expect(tokens.verify(`${h}.${p}.${s}`)).rejects.toMatchObject({ code: 'AUTH.TOKEN_INVALID' });
  });

  it('refuses a wrong audience or issuer, and HS256 with the public key as secret', async () => {
    // Same key ring as `tokens`, so only the claim differs.
    const twin = new AccessTokens((tokens as unknown as { ring: never }).ring, { ...opts, audience: 'other', now: () => now });
    await expect(tokens.verify((await twin.sign(principal)).token)).rejects.toMatchObject({ code: 'AUTH.TOKEN_INVALID', details: { reason: expect.stringContaining('aud') } });
    const twinIss = new AccessTokens((tokens as unknown as { ring: never }).ring, { ...opts, issuer: 'evil', now: () => now });
    await expect(tokens.verify((await twinIss.sign(principal)).token)).rejects.toMatchObject({ code: 'AUTH.TOKEN_INVALID', details: { reason: expect.stringContaining('iss') } });
    const hs = await new SignJWT({ tid: principal.tenantId, tslug: 'demo', perms: ['*'], sid: 's' })
      .setProtectedHeader({ alg: 'HS256', kid: 'k1' })
      .setSubject('u')
      .setIssuer(opts.issuer)
      .setAudience(opts.audience)
      .setIssuedAt(Math.floor(now / 1000))
      .setExpirationTime(Math.floor(now / 1000) + 60)
      .sign(Buffer.from(JSON.stringify(tokens.jwks().keys[0])));
    await expect(tokens.verify(hs)).rejects.toMatchObject({ code: 'AUTH.TOKEN_INVALID' });
  });

  it('supports ES256 keys from the environment', async () => {
    const es = new AccessTokens(await keyRingFromPem(pem('ec')), { ...opts, now: () => now });
    const { token } = await es.sign(principal);
    expect(JSON.parse(Buffer.from(token.split('.')[0], 'base64url').toString()).alg).toBe('ES256');
    await expect(es.verify(token)).resolves.toEqual(principal);
  });
});

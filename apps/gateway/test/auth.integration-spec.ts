import { generateKeyPairSync } from 'node:crypto';
import { UnsecuredJWT } from 'jose';
import { AccessTokens, type Principal } from '../src/keys/access-tokens';
import { keyRingFromPem, type KeyRing } from '../src/keys/signing-keys';
import { KEY_RING } from '../src/gateway.module';
import { totpAt } from '../src/crypto/totp';
import { startGateway, type Gateway } from './gateway-harness';

const claimsOf = (jwt: string) => JSON.parse(Buffer.from(jwt.split('.')[1], 'base64url').toString());
const headerOf = (jwt: string) => JSON.parse(Buffer.from(jwt.split('.')[0], 'base64url').toString());

describe('gateway auth (real PostgreSQL, NATS, Redis)', () => {
  jest.setTimeout(60_000);
  let gw: Gateway;
  let alpha: Awaited<ReturnType<Gateway['onboard']>>;
  let beta: Awaited<ReturnType<Gateway['onboard']>>;
  let alphaAdmin: string;

  beforeAll(async () => {
    gw = await startGateway({ LOGIN_MAX_FAILURES: '5', LOGIN_LOCK_MINUTES: '15' });
    alpha = await gw.onboard({ slug: 'alpha' });
    beta = await gw.onboard({ slug: 'beta' });
    alphaAdmin = (await gw.login('alpha', alpha.email, alpha.password)).body.accessToken;
  });
  afterAll(async () => gw?.close());

  const createUser = async (email: string, roles: string[], password = 'a long enough password') => {
    const r = await gw.call('POST', '/alpha/v1/admin/users', { token: alphaAdmin, body: { email, name: email, password, roles } });
    expect(r.status).toBe(201);
    return { id: r.body.id as string, email, password };
  };

  describe('login', () => {
    it('issues an EdDSA access token verifiable with the JWKS, and a refresh token', async () => {
      const r = await gw.login('alpha', alpha.email, alpha.password, { deviceName: 'test runner' });
      expect(r.status).toBe(200);
      expect(r.body).toEqual({ accessToken: expect.any(String), refreshToken: expect.any(String), expiresIn: 600, tokenType: 'Bearer' });
      const h = headerOf(r.body.accessToken);
      const c = claimsOf(r.body.accessToken);
      expect(h.alg).toBe('EdDSA');
      expect(c).toMatchObject({ sub: alpha.adminUserId, tid: alpha.tenantId, tslug: 'alpha', perms: ['*'], aud: 'supra-api' });
      expect(c.exp - c.iat).toBe(600);
      const jwks = await gw.call('GET', '/.well-known/jwks.json');
      expect(jwks.status).toBe(200);
      expect(jwks.body.keys.map((k: { kid: string }) => k.kid)).toContain(h.kid);
      expect(jwks.body.keys.every((k: Record<string, unknown>) => !('d' in k))).toBe(true);
      const me = await gw.call('GET', '/auth/me', { token: r.body.accessToken });
      expect(me.body).toMatchObject({ email: alpha.email, tenant: 'alpha', roles: ['admin'], sessionId: c.sid });
    });

    it('refuses a wrong password, an unknown email and an unknown tenant alike', async () => {
      for (const [t, e, p] of [
        ['alpha', alpha.email, 'wrong password'],
        ['alpha', 'nobody@alpha.supra.local', alpha.password],
        ['no-such-tenant', alpha.email, alpha.password],
        ['beta', alpha.email, alpha.password],
      ]) {
        const r = await gw.login(t, e, p);
        expect(r.status).toBe(401);
        expect(r.body.code).toBe('AUTH.INVALID_CREDENTIALS');
      }
    });

    it('locks the account after 5 consecutive failures, even for the right password, until an admin unlocks it', async () => {
      const u = await createUser('lockme@alpha.supra.local', ['operador']);
      for (let i = 0; i < 5; i++) expect((await gw.login('alpha', u.email, 'wrong password')).body.code).toBe('AUTH.INVALID_CREDENTIALS');
      const locked = await gw.login('alpha', u.email, u.password);
      expect(locked.status).toBe(423);
      expect(locked.body.code).toBe('AUTH.ACCOUNT_LOCKED');
      expect(new Date(locked.body.details.lockedUntil).getTime()).toBeGreaterThan(Date.now() + 14 * 60_000);
      const list = await gw.call('GET', '/alpha/v1/admin/users?q=lockme', { token: alphaAdmin });
      expect(list.body.data[0].lockedUntil).not.toBeNull();
      expect((await gw.call('PATCH', `/alpha/v1/admin/users/${u.id}`, { token: alphaAdmin, body: { unlock: true } })).status).toBe(200);
      expect((await gw.login('alpha', u.email, u.password)).status).toBe(200);
    });

    it('resets the failure count on success (4 failures, success, 4 failures: not locked)', async () => {
      const u = await createUser('flaky@alpha.supra.local', ['lector']);
      for (let i = 0; i < 4; i++) await gw.login('alpha', u.email, 'nope nope');
      expect((await gw.login('alpha', u.email, u.password)).status).toBe(200);
      for (let i = 0; i < 4; i++) await gw.login('alpha', u.email, 'nope nope');
      expect((await gw.login('alpha', u.email, u.password)).status).toBe(200);
    });

    it('refuses a disabled user and ends their sessions', async () => {
      const u = await createUser('leaver@alpha.supra.local', ['lector']);
      const s = (await gw.login('alpha', u.email, u.password)).body;
      expect((await gw.call('POST', `/alpha/v1/admin/users/${u.id}/disable`, { token: alphaAdmin })).body.status).toBe('disabled');
      expect((await gw.login('alpha', u.email, u.password)).body.code).toBe('AUTH.ACCOUNT_DISABLED');
      expect((await gw.call('POST', '/auth/refresh', { body: { refreshToken: s.refreshToken } })).status).toBe(401);
      expect((await gw.call('GET', '/auth/me', { token: s.accessToken })).body.code).toBe('AUTH.SESSION_REVOKED');
    });

    it('answers 422 with per-field errors for a malformed login body', async () => {
      const r = await gw.call('POST', '/auth/login', { body: { tenant: 'Alpha!', email: 'not-an-email', password: '', extra: 1 } });
      expect(r.status).toBe(422);
      expect(r.body.code).toBe('VALIDATION_FAILED');
      expect(r.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(expect.arrayContaining(['email', 'extra', 'password', 'tenant']));
    });
  });

  describe('access tokens', () => {
    const mint = async (now: number, ring?: KeyRing, over: Partial<Principal> = {}) => {
      const tokens = new AccessTokens(ring ?? gw.rt.app.get<KeyRing>(KEY_RING), {
        issuer: gw.rt.env.JWT_ISSUER,
        audience: gw.rt.env.JWT_AUDIENCE,
        ttlSeconds: 600,
        now: () => now,
      });
      const me = claimsOf(alphaAdmin);
      return (await tokens.sign({ userId: me.sub, tenantId: me.tid, tenantSlug: 'alpha', permissions: ['*'], sessionId: me.sid, ...over })).token;
    };

    it('accepts a freshly minted token with the gateway key (control)', async () => {
      expect((await gw.call('GET', '/auth/me', { token: await mint(Date.now()) })).status).toBe(200);
    });

    it('refuses an expired token', async () => {
      const r = await gw.call('GET', '/auth/me', { token: await mint(Date.now() - 11 * 60_000) });
      expect(r.status).toBe(401);
      expect(r.body.code).toBe('AUTH.TOKEN_EXPIRED');
      expect(r.headers.get('www-authenticate')).toContain('Bearer');
    });

    it('refuses a token signed with another key under the gateway kid', async () => {
      const kid = headerOf(alphaAdmin).kid;
      const foreign = await keyRingFromPem(generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), kid);
      const r = await gw.call('GET', '/auth/me', { token: await mint(Date.now(), foreign) });
      expect(r.status).toBe(401);
      expect(r.body).toMatchObject({ code: 'AUTH.TOKEN_INVALID', details: { reason: 'bad signature' } });
    });

    it('refuses alg none', async () => {
      const c = claimsOf(alphaAdmin);
      const none = new UnsecuredJWT({ tid: c.tid, tslug: 'alpha', perms: ['*'], sid: c.sid })
        .setSubject(c.sub)
        .setIssuer(c.iss)
        .setAudience(c.aud)
        .setIssuedAt()
        .setExpirationTime('5m')
        .encode();
      const r = await gw.call('GET', '/alpha/v1/admin/users', { token: none });
      expect(r.status).toBe(401);
      expect(r.body.code).toBe('AUTH.TOKEN_INVALID');
    });

    it('refuses a request without a token on a protected route', async () => {
      const r = await gw.call('GET', '/alpha/v1/admin/users');
      expect(r.status).toBe(401);
      expect(r.body.code).toBe('AUTH.UNAUTHENTICATED');
    });

    it("refuses tenant A's token on tenant B's URL with 403 AUTH.TENANT_MISMATCH", async () => {
      const r = await gw.call('GET', '/beta/v1/admin/users', { token: alphaAdmin });
      expect(r.status).toBe(403);
      expect(r.body).toMatchObject({ code: 'AUTH.TENANT_MISMATCH', details: { urlTenant: 'beta', tokenTenant: 'alpha' } });
      expect((await gw.call('GET', '/alpha/v1/admin/users', { token: alphaAdmin })).status).toBe(200);
    });
  });

  describe('refresh tokens', () => {
    it('rotate: each refresh gives a new pair and the previous refresh token stops working', async () => {
      const first = (await gw.login('alpha', alpha.email, alpha.password)).body;
      const second = await gw.call('POST', '/auth/refresh', { body: { refreshToken: first.refreshToken } });
      expect(second.status).toBe(200);
      expect(second.body.refreshToken).not.toBe(first.refreshToken);
      expect(claimsOf(second.body.accessToken).sid).toBe(claimsOf(first.accessToken).sid);
      const third = await gw.call('POST', '/auth/refresh', { body: { refreshToken: second.body.refreshToken } });
      expect(third.status).toBe(200);
      expect((await gw.call('GET', '/auth/me', { token: third.body.accessToken })).status).toBe(200);
    });

    it('reuse of a rotated token revokes the whole family (401 AUTH.REFRESH_REUSED)', async () => {
      const first = (await gw.login('alpha', alpha.email, alpha.password)).body;
      const second = (await gw.call('POST', '/auth/refresh', { body: { refreshToken: first.refreshToken } })).body;
      const reuse = await gw.call('POST', '/auth/refresh', { body: { refreshToken: first.refreshToken } });
      expect(reuse.status).toBe(401);
      expect(reuse.body.code).toBe('AUTH.REFRESH_REUSED');
      // The legitimate-looking current token of the family is dead too, and so are its access tokens.
      expect((await gw.call('POST', '/auth/refresh', { body: { refreshToken: second.refreshToken } })).body.code).toBe('AUTH.REFRESH_INVALID');
      expect((await gw.call('GET', '/auth/me', { token: second.accessToken })).body.code).toBe('AUTH.SESSION_REVOKED');
      // Other device sessions of the same user are not affected.
      expect((await gw.call('GET', '/auth/me', { token: alphaAdmin })).status).toBe(200);
    });

    it('refuses garbage and a forged secret for a real session', async () => {
      const first = (await gw.login('alpha', alpha.email, alpha.password)).body;
      const [t, s] = first.refreshToken.split('.');
      for (const bad of ['garbage', `${t}.${s}.${'A'.repeat(43)}`]) {
        const r = await gw.call('POST', '/auth/refresh', { body: { refreshToken: bad } });
        expect(r.status).toBe(401);
        expect(r.body.code).toBe('AUTH.REFRESH_INVALID');
      }
      expect((await gw.call('POST', '/auth/refresh', { body: { refreshToken: first.refreshToken } })).status).toBe(200);
    });

    it('carry role changes into the next access token', async () => {
      const u = await createUser('promoted@alpha.supra.local', ['lector']);
      const s = (await gw.login('alpha', u.email, u.password)).body;
      expect(claimsOf(s.accessToken).perms).not.toContain('customer.persons.create');
      await gw.call('PUT', `/alpha/v1/admin/users/${u.id}/roles`, { token: alphaAdmin, body: { roles: ['lector', 'operador'] } });
      const next = (await gw.call('POST', '/auth/refresh', { body: { refreshToken: s.refreshToken } })).body;
      expect(claimsOf(next.accessToken).perms).toEqual(expect.arrayContaining(['customer.persons.*', 'customer.persons.read']));
    });
  });

  it('logout revokes the session: its refresh token and its access tokens stop working', async () => {
    const s = (await gw.login('alpha', alpha.email, alpha.password)).body;
    const out = await gw.call('POST', '/auth/logout', { token: s.accessToken });
    expect(out.status).toBe(204);
    expect((await gw.call('POST', '/auth/refresh', { body: { refreshToken: s.refreshToken } })).body.code).toBe('AUTH.REFRESH_INVALID');
    expect((await gw.call('GET', '/auth/me', { token: s.accessToken })).body.code).toBe('AUTH.SESSION_REVOKED');
  });

  describe('RBAC', () => {
    it('answers 403 AUTH.FORBIDDEN naming the missing permission', async () => {
      const u = await createUser('reader@alpha.supra.local', ['lector']);
      const token = (await gw.login('alpha', u.email, u.password)).body.accessToken;
      const r = await gw.call('POST', '/alpha/v1/admin/users', { token, body: { email: 'x@alpha.supra.local', name: 'x', password: 'x'.repeat(12), roles: [] } });
      expect(r.status).toBe(403);
      expect(r.body).toMatchObject({ code: 'AUTH.FORBIDDEN', details: { required: 'admin.users.manage' } });
      const create = await gw.call('POST', '/alpha/v1/persons', { token, body: { personType: 'fisica', name: 'Juan Pérez' } });
      expect(create.status).toBe(403);
      expect(create.body.details.required).toBe('customer.persons.create');
    });

    it('unions the permissions of several roles', async () => {
      const u = await createUser('twohats@alpha.supra.local', ['lecturista', 'cajero']);
      const perms: string[] = claimsOf((await gw.login('alpha', u.email, u.password)).body.accessToken).perms;
      expect(perms).toEqual(expect.arrayContaining(['metering.readings.create', 'payments.*']));
    });

    it('lets a tenant admin manage roles, refusing unknown permissions', async () => {
      const bad = await gw.call('POST', '/alpha/v1/admin/roles', { token: alphaAdmin, body: { name: 'typo', permissions: ['customer.persns.read'] } });
      expect(bad.status).toBe(422);
      expect(bad.body.errors[0].code).toBe('ADMIN.PERMISSION_UNKNOWN');
      const ok = await gw.call('POST', '/alpha/v1/admin/roles', { token: alphaAdmin, body: { name: 'atencion', permissions: ['customer.arco.*', 'customer.persons.read'] } });
      expect(ok.status).toBe(201);
      const upd = await gw.call('PATCH', `/alpha/v1/admin/roles/${ok.body.id}`, { token: alphaAdmin, body: { permissions: ['customer.persons.read'] } });
      expect(upd.body.permissions).toEqual(['customer.persons.read']);
      const roles = await gw.call('GET', '/alpha/v1/admin/roles', { token: alphaAdmin });
      expect(roles.body.map((r: { name: string }) => r.name)).toEqual(expect.arrayContaining(['admin', 'operador', 'lector', 'cajero', 'atencion']));
      // Beta does not see alpha's role (RLS).
      const betaAdmin = (await gw.login('beta', beta.email, beta.password)).body.accessToken;
      const betaRoles = await gw.call('GET', '/beta/v1/admin/roles', { token: betaAdmin });
      expect(betaRoles.body.map((r: { name: string }) => r.name)).not.toContain('atencion');
    });

    it('creates tenants only for platform operators, not for a tenant admin holding *', async () => {
      const body = { slug: 'gamma-x', name: 'Gamma', adminEmail: 'admin@gamma-x.supra.local', adminPassword: 'a long enough password' };
      const denied = await gw.call('POST', '/alpha/v1/admin/tenants', { token: alphaAdmin, body });
      expect(denied.status).toBe(403);
      const platform = await gw.onboard({ slug: 'platform' });
      const op = (await gw.login('platform', platform.email, platform.password)).body.accessToken;
      const created = await gw.call('POST', '/platform/v1/admin/tenants', { token: op, body });
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({ slug: 'gamma-x', timeZone: 'America/Mexico_City', requireTotpForAdmins: true, status: 'active' });
      expect((await gw.call('POST', '/platform/v1/admin/tenants', { token: op, body })).body.code).toBe('ADMIN.TENANT_EXISTS');
      const list = await gw.call('GET', '/platform/v1/admin/tenants', { token: op });
      expect(list.body.data.map((t: { slug: string }) => t.slug)).toEqual(expect.arrayContaining(['alpha', 'beta', 'gamma-x', 'platform']));
    });
  });

  describe('TOTP', () => {
    it('is required for admins: a setup-only token, enrolment, then sign-in with a code (no replay)', async () => {
      const g = await gw.onboard({ slug: 'secure', requireTotpForAdmins: true });
      const first = await gw.login('secure', g.email, g.password);
      expect(first.status).toBe(200);
      expect(first.body).toMatchObject({ scope: 'totp_setup', tokenType: 'Bearer' });
      expect(first.body.refreshToken).toBeUndefined();
      const setupToken = first.body.accessToken;
      expect(claimsOf(setupToken).perms).toEqual([]);
      const blocked = await gw.call('GET', '/secure/v1/admin/users', { token: setupToken });
      expect(blocked.status).toBe(403);
      expect(blocked.body.code).toBe('AUTH.TOTP_SETUP_REQUIRED');
      expect((await gw.call('GET', '/auth/me', { token: setupToken })).body.code).toBe('AUTH.TOTP_SETUP_REQUIRED');

      const setup = await gw.call('POST', '/auth/totp/setup', { token: setupToken });
      expect(setup.status).toBe(200);
      expect(setup.body.otpauthUri).toMatch(/^otpauth:\/\/totp\//);
      const secret: string = setup.body.secret;
      const now = Math.floor(Date.now() / 1000);
      expect((await gw.call('POST', '/auth/totp/verify', { token: setupToken, body: { code: totpAt(secret, now - 120) } })).body.code).toBe('AUTH.TOTP_INVALID');
      const enrolCode = totpAt(secret, now);
      expect((await gw.call('POST', '/auth/totp/verify', { token: setupToken, body: { code: enrolCode } })).body).toEqual({ totpEnabled: true });

      expect((await gw.login('secure', g.email, g.password)).body.code).toBe('AUTH.TOTP_REQUIRED');
      expect((await gw.login('secure', g.email, g.password, { totp: enrolCode })).body.code).toBe('AUTH.TOTP_INVALID'); // replay of a used step
      const ok = await gw.login('secure', g.email, g.password, { totp: totpAt(secret, now + 30) });
      expect(ok.status).toBe(200);
      expect(ok.body.refreshToken).toEqual(expect.any(String));
      expect((await gw.call('GET', '/secure/v1/admin/users', { token: ok.body.accessToken })).status).toBe(200);
    });

    it('is optional for non-admins and not forced on tenants that turned the requirement off', async () => {
      const r = await gw.login('alpha', alpha.email, alpha.password);
      expect(r.body.scope).toBeUndefined();
      expect(r.body.refreshToken).toEqual(expect.any(String));
    });
  });
});

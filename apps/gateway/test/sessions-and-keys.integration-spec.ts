import { bootstrapService, type ServiceRuntime } from '@supra/platform/runtime';
import { testInfra } from '@supra/platform/testing';
import { gatewayService, type GatewayEnv } from '../src/service.definition';
import { startGateway, type Gateway } from './gateway-harness';

const claimsOf = (jwt: string) => JSON.parse(Buffer.from(jwt.split('.')[1], 'base64url').toString());
const kidOf = (jwt: string): string => JSON.parse(Buffer.from(jwt.split('.')[0], 'base64url').toString()).kid;

describe('device sessions and signing-key rotation (real PostgreSQL, NATS, Redis)', () => {
  jest.setTimeout(60_000);
  let gw: Gateway;
  let alpha: Awaited<ReturnType<Gateway['onboard']>>;
  let alphaAdmin: string;

  beforeAll(async () => {
    gw = await startGateway({ SIGNING_KEY_REFRESH_SECONDS: '5' });
    alpha = await gw.onboard({ slug: 'alpha' });
    await gw.onboard({ slug: 'beta' });
    alphaAdmin = (await gw.login('alpha', alpha.email, alpha.password)).body.accessToken;
  });
  afterAll(async () => gw?.close());

  const newUser = async (email: string, roles: string[]) => {
    const password = 'a long enough password';
    const r = await gw.call('POST', '/alpha/v1/admin/users', { token: alphaAdmin, body: { email, name: email, password, roles } });
    expect(r.status).toBe(201);
    return { id: r.body.id as string, email, password };
  };

  describe('a user’s own sessions', () => {
    it('lists where the user is signed in, without any token material, and marks the current one', async () => {
      const u = await newUser('two-devices@alpha.supra.local', ['lector']);
      const phone = (await gw.login('alpha', u.email, u.password, { deviceName: 'phone' })).body;
      const laptop = (await gw.login('alpha', u.email, u.password, { deviceName: 'laptop' })).body;
      const r = await gw.call('GET', '/auth/sessions', { token: laptop.accessToken });
      expect(r.status).toBe(200);
      expect(r.body).toHaveLength(2);
      const byDevice = Object.fromEntries(r.body.map((s: { deviceName: string }) => [s.deviceName, s]));
      expect(byDevice.laptop).toMatchObject({ id: claimsOf(laptop.accessToken).sid, current: true, rotations: 0 });
      expect(byDevice.phone).toMatchObject({ id: claimsOf(phone.accessToken).sid, current: false });
      expect(JSON.stringify(r.body)).not.toMatch(/hash|token/i);
    });

    it('signs out another of its own sessions: that refresh token and its access tokens stop working', async () => {
      const u = await newUser('lost-phone@alpha.supra.local', ['lector']);
      const phone = (await gw.login('alpha', u.email, u.password, { deviceName: 'phone' })).body;
      const laptop = (await gw.login('alpha', u.email, u.password, { deviceName: 'laptop' })).body;
      const out = await gw.call('DELETE', `/auth/sessions/${claimsOf(phone.accessToken).sid}`, { token: laptop.accessToken });
      expect(out.status).toBe(204);
      expect((await gw.call('GET', '/auth/me', { token: phone.accessToken })).body.code).toBe('AUTH.SESSION_REVOKED');
      expect((await gw.call('POST', '/auth/refresh', { body: { refreshToken: phone.refreshToken } })).body.code).toBe('AUTH.REFRESH_INVALID');
      expect((await gw.call('GET', '/auth/me', { token: laptop.accessToken })).status).toBe(200);
      const left = await gw.call('GET', '/auth/sessions', { token: laptop.accessToken });
      expect(left.body.map((s: { deviceName: string }) => s.deviceName)).toEqual(['laptop']);
    });

    it('cannot end another user’s session (404), and a malformed id is a 422', async () => {
      const u = await newUser('curious@alpha.supra.local', ['lector']);
      const mine = (await gw.login('alpha', u.email, u.password)).body.accessToken;
      const adminSid = claimsOf(alphaAdmin).sid;
      const r = await gw.call('DELETE', `/auth/sessions/${adminSid}`, { token: mine });
      expect(r.status).toBe(404);
      expect(r.body.code).toBe('AUTH.SESSION_NOT_FOUND');
      expect((await gw.call('GET', '/auth/me', { token: alphaAdmin })).status).toBe(200);
      const bad = await gw.call('DELETE', '/auth/sessions/not-a-uuid', { token: mine });
      expect(bad.status).toBe(422);
      expect(bad.body.errors[0]).toMatchObject({ field: 'id', code: 'isUuid' });
    });
  });

  describe('an admin and another user’s sessions', () => {
    it('lists them and revokes one, then all', async () => {
      const u = await newUser('managed@alpha.supra.local', ['lector']);
      const a = (await gw.login('alpha', u.email, u.password, { deviceName: 'a' })).body;
      const b = (await gw.login('alpha', u.email, u.password, { deviceName: 'b' })).body;
      const c = (await gw.login('alpha', u.email, u.password, { deviceName: 'c' })).body;
      const list = await gw.call('GET', `/alpha/v1/admin/users/${u.id}/sessions`, { token: alphaAdmin });
      expect(list.status).toBe(200);
      expect(list.body.map((s: { deviceName: string }) => s.deviceName).sort()).toEqual(['a', 'b', 'c']);

      const one = await gw.call('POST', `/alpha/v1/admin/users/${u.id}/sessions/${claimsOf(a.accessToken).sid}/revoke`, { token: alphaAdmin });
      expect(one.body).toEqual({ revoked: 1 });
      expect((await gw.call('GET', '/auth/me', { token: a.accessToken })).body.code).toBe('AUTH.SESSION_REVOKED');
      expect((await gw.call('GET', '/auth/me', { token: b.accessToken })).status).toBe(200);
      // The same session again, or a session of another user, is not one of this user's open sessions.
      const again = await gw.call('POST', `/alpha/v1/admin/users/${u.id}/sessions/${claimsOf(a.accessToken).sid}/revoke`, { token: alphaAdmin });
      expect(again.body.code).toBe('ADMIN.SESSION_NOT_FOUND');

      const all = await gw.call('POST', `/alpha/v1/admin/users/${u.id}/sessions/revoke`, { token: alphaAdmin });
      expect(all.body).toEqual({ revoked: 2 });
      for (const s of [b, c]) {
        expect((await gw.call('GET', '/auth/me', { token: s.accessToken })).body.code).toBe('AUTH.SESSION_REVOKED');
        expect((await gw.call('POST', '/auth/refresh', { body: { refreshToken: s.refreshToken } })).body.code).toBe('AUTH.REFRESH_INVALID');
      }
      expect((await gw.call('GET', `/alpha/v1/admin/users/${u.id}/sessions`, { token: alphaAdmin })).body).toEqual([]);
    });

    it('needs admin.sessions.manage, and never reaches another tenant’s users', async () => {
      const u = await newUser('plain@alpha.supra.local', ['lector']);
      const token = (await gw.login('alpha', u.email, u.password)).body.accessToken;
      const denied = await gw.call('GET', `/alpha/v1/admin/users/${alpha.adminUserId}/sessions`, { token });
      expect(denied.status).toBe(403);
      expect(denied.body.details.required).toBe('admin.sessions.manage');
      const beta = await gw.login('beta', 'admin@beta.supra.local', 'correct horse battery');
      const cross = await gw.call('POST', `/beta/v1/admin/users/${u.id}/sessions/revoke`, { token: beta.body.accessToken });
      expect(cross.status).toBe(404);
      expect(cross.body.code).toBe('ADMIN.USER_NOT_FOUND');
      expect((await gw.call('GET', '/auth/me', { token })).status).toBe(200);
    });
  });

  describe('signing keys (platform operators)', () => {
    let second: ServiceRuntime<GatewayEnv> | undefined;
    afterAll(async () => second?.close());

    it('rotates: the new key signs at once, old tokens keep working until the old key is retired', async () => {
      const platform = await gw.onboard({ slug: 'platform' });
      const op = (await gw.login('platform', platform.email, platform.password)).body.accessToken;
      // A second instance on the same database: it must move to the new key by itself.
      second = await bootstrapService(gatewayService, {
        envOverrides: {
          DATABASE_URL: gw.tdb.url,
          NATS_URL: (await testInfra()).natsUrl,
          SUPRA_NAMESPACE: gw.ns,
          HTTP_PORT: '0',
          LOG_LEVEL: 'silent',
          SUPRA_SECRET_KEY: '5a'.repeat(32),
          SIGNING_KEY_REFRESH_SECONDS: '5',
          MIGRATE_ON_BOOT: 'false',
        },
      });
      const loginAt = async (url: string) =>
        (await (await fetch(`${url}/auth/login`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ tenant: 'alpha', email: alpha.email, password: alpha.password }),
        })).json()) as { accessToken: string };

      const before = await gw.call('GET', '/platform/v1/admin/signing-keys', { token: op });
      expect(before.status).toBe(200);
      expect(before.body).toHaveLength(1);
      const oldKid: string = before.body[0].kid;
      expect(before.body[0]).toMatchObject({ status: 'active', signing: true, safeToRetireAfter: null });
      const oldToken = alphaAdmin;
      expect(kidOf(oldToken)).toBe(oldKid);

      const rotated = await gw.call('POST', '/platform/v1/admin/signing-keys/rotate', { token: op });
      expect(rotated.status).toBe(200);
      const newKey = rotated.body.find((k: { signing: boolean }) => k.signing);
      expect(newKey.kid).not.toBe(oldKid);
      expect(rotated.body.find((k: { kid: string }) => k.kid === oldKid)).toMatchObject({ status: 'active', signing: false, safeToRetireAfter: expect.any(String) });

      expect(kidOf((await gw.login('alpha', alpha.email, alpha.password)).body.accessToken)).toBe(newKey.kid);
      const jwks = (await gw.call('GET', '/.well-known/jwks.json')).body.keys.map((k: { kid: string }) => k.kid);
      expect(jwks).toEqual(expect.arrayContaining([oldKid, newKey.kid]));
      expect((await gw.call('GET', '/auth/me', { token: oldToken })).status).toBe(200);

      let secondKid = kidOf((await loginAt(second.url)).accessToken);
      for (let i = 0; i < 30 && secondKid !== newKey.kid; i++) {
        await new Promise((r) => setTimeout(r, 500));
        secondKid = kidOf((await loginAt(second.url)).accessToken);
      }
      expect(secondKid).toBe(newKey.kid);

      // The signing key cannot be retired; the old one not before its tokens expired, unless forced.
      expect((await gw.call('POST', `/platform/v1/admin/signing-keys/${newKey.kid}/retire`, { token: op, body: {} })).body.code).toBe('GATEWAY.SIGNING_KEY_IN_USE');
      const early = await gw.call('POST', `/platform/v1/admin/signing-keys/${oldKid}/retire`, { token: op, body: {} });
      expect(early.status).toBe(409);
      expect(early.body).toMatchObject({ code: 'GATEWAY.SIGNING_KEY_STILL_VERIFYING', details: { safeToRetireAfter: expect.any(String) } });
      expect((await gw.call('GET', '/auth/me', { token: oldToken })).status).toBe(200);
      expect((await gw.call('POST', '/platform/v1/admin/signing-keys/nope/retire', { token: op, body: {} })).body.code).toBe('GATEWAY.SIGNING_KEY_NOT_FOUND');

      const retired = await gw.call('POST', `/platform/v1/admin/signing-keys/${oldKid}/retire`, { token: op, body: { force: true } });
      expect(retired.status).toBe(200);
      expect(retired.body.find((k: { kid: string }) => k.kid === oldKid)).toMatchObject({ status: 'retired', retiredAt: expect.any(String) });
      const after = await gw.call('GET', '/auth/me', { token: oldToken });
      expect(after.status).toBe(401);
      expect(after.body).toMatchObject({ code: 'AUTH.TOKEN_INVALID' });
      expect((await gw.call('GET', '/.well-known/jwks.json')).body.keys.map((k: { kid: string }) => k.kid)).toEqual([newKey.kid]);
    });

    it('is refused to a tenant admin holding *', async () => {
      const r = await gw.call('POST', '/alpha/v1/admin/signing-keys/rotate', { token: (await gw.login('alpha', alpha.email, alpha.password)).body.accessToken });
      expect(r.status).toBe(403);
      expect(r.body.code).toBe('AUTH.FORBIDDEN');
    });
  });
});

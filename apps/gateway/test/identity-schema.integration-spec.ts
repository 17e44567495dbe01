import { ServiceDatabase, findTenancyViolations } from '@supra/platform/database';
import { createTestDatabase, type TestDatabase } from '@supra/platform/testing';
import { Identity1764000000000 } from '../src/migrations/1764000000000-identity';
import { onboardTenant } from '../src/onboarding/onboard-tenant';

describe('identity schema', () => {
  jest.setTimeout(60_000);
  let tdb: TestDatabase;
  let db: ServiceDatabase;
  beforeAll(async () => {
    tdb = await createTestDatabase('gw_schema');
    db = new ServiceDatabase({ url: tdb.url, schema: 'identity', migrations: [Identity1764000000000] });
    await db.migrate();
    await db.connect();
  });
  afterAll(async () => {
    await db?.close();
    await tdb?.drop();
  });

  it('has tenant_id, forced RLS and a policy on every tenant-owned table', async () => {
    expect(await findTenancyViolations(db.system, ['identity'])).toEqual([]);
  });

  it('onboards idempotently: tenant, default roles, admin with the admin role; nothing overwritten', async () => {
    const a = await onboardTenant(db, { slug: 'demo', name: 'Demo', adminEmail: 'admin@demo.supra.local', adminPassword: 'supra-demo' });
    const b = await onboardTenant(db, { slug: 'demo', name: 'Renamed', adminEmail: 'admin@demo.supra.local', adminPassword: 'other-password' });
    expect(a.created).toBe(true);
    expect(b).toEqual({ ...a, created: false });
    const [t] = await db.asSystem((em) => em.query(`SELECT name, time_zone, settings FROM identity.tenants WHERE slug = 'demo'`));
    expect(t).toEqual({ name: 'Demo', time_zone: 'America/Mexico_City', settings: { requireTotpForAdmins: true } });
    const roles = await db.withTenant(a.tenantId, (em) => em.query(`SELECT name FROM identity.roles ORDER BY name`));
    expect(roles.map((r: { name: string }) => r.name)).toEqual(['admin', 'cajero', 'lector', 'lecturista', 'operador', 'supervisor']);
    const grants = await db.withTenant(a.tenantId, (em) =>
      em.query(`SELECT r.name FROM identity.user_roles ur JOIN identity.roles r ON r.id = ur.role_id WHERE ur.user_id = $1`, [a.adminUserId]),
    );
    expect(grants).toEqual([{ name: 'admin' }]);
    await expect(onboardTenant(db, { slug: 'Bad Slug', name: '', adminEmail: 'x', adminPassword: '1' })).rejects.toMatchObject({ code: 'VALIDATION_FAILED', status: 422 });
  });

  it('keeps tenants apart: another tenant sees none of demo’s users, and without a tenant none at all', async () => {
    const other = await onboardTenant(db, { slug: 'demo2', name: 'Demo 2', adminEmail: 'admin@demo2.supra.local', adminPassword: 'supra-demo' });
    const seen = await db.withTenant(other.tenantId, (em) => em.query(`SELECT email FROM identity.users`));
    expect(seen).toEqual([{ email: 'admin@demo2.supra.local' }]);
    expect(await db.app.query(`SELECT email FROM identity.users`)).toEqual([]);
  });

  it('migrates down and up again', async () => {
    await db.revert(1);
    const [{ n }] = await db.asSystem((em) => em.query(`SELECT count(*)::int AS n FROM information_schema.tables WHERE table_schema = 'identity' AND table_name <> 'migrations'`));
    expect(n).toBe(0);
    await db.migrate();
    expect(await findTenancyViolations(db.system, ['identity'])).toEqual([]);
  });
});

import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { Client } from 'pg';
import { createTestDatabase, type TestDatabase } from '@supra/platform/testing';

const ROOT = join(__dirname, '..', '..');

/** Runs the real command, as `npm run tenant:onboard -- ...` does. */
const onboard = (db: TestDatabase, ...args: string[]) =>
  spawnSync(process.execPath, ['-r', '@swc-node/register', 'tools/tenant/onboard.ts', '--database-url', db.url, ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, SUPRA_ONBOARD_ADMIN_PASSWORD: '' },
  });

describe('npm run tenant:onboard (real PostgreSQL)', () => {
  jest.setTimeout(120_000);
  let db: TestDatabase;

  beforeAll(async () => {
    db = await createTestDatabase('supra_onboard');
  });
  afterAll(async () => {
    await db?.drop();
  });

  it('onboards a tenant with its admin in one command, and a second run changes nothing', async () => {
    const args = ['--slug', 'cea-qro', '--name', 'CEA Querétaro', '--admin-email', 'Admin@CEA-Qro.mx', '--admin-password', 'una-clave-larga'];
    const first = onboard(db, ...args);
    expect(first.stderr).not.toMatch(/failed/);
    expect(first.status).toBe(0);
    expect(first.stdout).toMatch(/^Onboarded: tenant cea-qro \(/);
    expect(first.stdout).toContain('must enrol a TOTP');

    const second = onboard(db, ...args);
    expect(second.status).toBe(0);
    expect(second.stdout).toMatch(/^Already onboarded \(nothing changed\): tenant cea-qro/);

    const c = new Client({ connectionString: db.url });
    await c.connect();
    try {
      const tenants = await c.query(`SELECT slug, name FROM identity.tenants`);
      expect(tenants.rows).toEqual([{ slug: 'cea-qro', name: 'CEA Querétaro' }]);
      const admins = await c.query(
        `SELECT u.email FROM identity.users u JOIN identity.user_roles ur ON ur.user_id = u.id JOIN identity.roles r ON r.id = ur.role_id WHERE r.name = 'admin'`,
      );
      expect(admins.rows).toEqual([{ email: 'admin@cea-qro.mx' }]);
    } finally {
      await c.end();
    }
  });

  it('generates and prints a password when none is given', () => {
    const r = onboard(db, '--slug', 'jmas', '--name', 'JMAS', '--admin-email', 'admin@jmas.mx', '--no-totp');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/admin password \(shown once, change it\): [A-Za-z0-9_-]{16}/);
    expect(r.stdout).not.toContain('TOTP');
  });

  it('reports the tenant validation errors and exits non-zero', () => {
    const r = onboard(db, '--slug', 'Bad Slug', '--name', 'X', '--admin-email', 'not-an-email', '--admin-password', 'short');
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('VALIDATION_FAILED');
    expect(r.stderr).toMatch(/slug:/);
    expect(r.stderr).toMatch(/adminEmail:/);
  });

  it('prints the usage on a wrong command line (exit 2)', () => {
    const r = onboard(db, '--slug', 'x');
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('Usage: npm run tenant:onboard');
  });
});

import { randomUUID } from 'node:crypto';
import { createTestDatabase, type TestDatabase } from '@supra/platform/testing';
import { TenantContext } from '@supra/platform/tenancy';
import { findTenancyViolations, ServiceDatabase } from '../src';
import { tenantTableMigration } from './fixtures';

const Notes1700000000000 = tenantTableMigration('Notes1700000000000', 'rlstest.notes', 'body text NOT NULL');

describe('row-level security', () => {
  const A = randomUUID();
  const B = randomUUID();
  let tdb: TestDatabase;
  let db: ServiceDatabase;

  beforeAll(async () => {
    tdb = await createTestDatabase();
    db = new ServiceDatabase({ url: tdb.url, schema: 'rlstest', migrations: [Notes1700000000000] });
    expect(await db.migrate()).toEqual(['Notes1700000000000']);
    await db.connect();
    await db.withTenant(A, (em) => em.query(`INSERT INTO rlstest.notes (tenant_id, body) VALUES ($1, 'a1'), ($1, 'a2')`, [A]));
    await db.withTenant(B, (em) => em.query(`INSERT INTO rlstest.notes (tenant_id, body) VALUES ($1, 'b1')`, [B]));
  });

  afterAll(async () => {
    await db?.close();
    await tdb?.drop();
  });

  it('returns only the current tenant rows to a query that forgets its tenant filter', async () => {
    const rows = await db.withTenant(A, (em) => em.query(`SELECT body FROM rlstest.notes ORDER BY body`));
    expect(rows.map((r: { body: string }) => r.body)).toEqual(['a1', 'a2']);
    const rowsB = await db.withTenant(B, (em) => em.query(`SELECT body FROM rlstest.notes`));
    expect(rowsB.map((r: { body: string }) => r.body)).toEqual(['b1']);
  });

  it('returns nothing when no tenant is set', async () => {
    const rows = await db.app.query(`SELECT * FROM rlstest.notes`);
    expect(rows).toEqual([]);
    const inTx = await db.app.transaction((em) => em.query(`SELECT count(*)::int AS n FROM rlstest.notes`));
    expect(inTx[0].n).toBe(0);
  });

  it('refuses to write a row for another tenant', async () => {
    await expect(
      db.withTenant(A, (em) => em.query(`INSERT INTO rlstest.notes (tenant_id, body) VALUES ($1, 'sneaky')`, [B])),
    ).rejects.toThrow(/row-level security/);
    const updated = await db.withTenant(A, (em) => em.query(`UPDATE rlstest.notes SET body = 'x' WHERE tenant_id = $1 RETURNING id`, [B]));
    expect(updated[0]).toEqual([]);
  });

  it('does not leak the tenant of one transaction into the next on a pooled connection', async () => {
    await db.withTenant(A, (em) => em.query('SELECT 1'));
    const rows = await db.app.query(`SELECT current_setting('app.tenant_id', true) AS t`);
    expect(rows[0].t ?? '').toBe('');
  });

  it('connects as a role that is neither the table owner nor a superuser', async () => {
    const [r] = await db.app.query(
      `SELECT current_user AS u, (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) AS sup,
              (SELECT tableowner FROM pg_tables WHERE schemaname = 'rlstest' AND tablename = 'notes') AS owner`,
    );
    expect(r.u).toBe('rlstest_app');
    expect(r.sup).toBe(false);
    expect(r.owner).not.toBe('rlstest_app');
  });

  it('cannot read another service schema', async () => {
    const other = new ServiceDatabase({ url: tdb.url, schema: 'othersvc', migrations: [] });
    await other.migrate();
    await other.connect();
    try {
      await expect(other.withTenant(A, (em) => em.query(`SELECT * FROM rlstest.notes`))).rejects.toThrow(/permission denied/);
    } finally {
      await other.close();
    }
  });

  it('db.tx takes the tenant from the request context', async () => {
    const rows = await TenantContext.run({ tenantId: B }, () => db.tx((em) => em.query(`SELECT body FROM rlstest.notes`)));
    expect(rows).toEqual([{ body: 'b1' }]);
    await expect(db.tx((em) => em.query('SELECT 1'))).rejects.toMatchObject({ code: 'TENANCY.TENANT_REQUIRED' });
  });

  it('the catalog check flags a table without tenant_id, RLS or policy', async () => {
    await db.migrate();
    expect(await findTenancyViolations(db.system, ['rlstest'])).toEqual([]);
    const owner = new ServiceDatabase({ url: tdb.url, schema: 'rlstest' });
    const { Client } = await import('pg');
    const c = new Client({ connectionString: tdb.url });
    await c.connect();
    try {
      await c.query(`CREATE TABLE rlstest.leaky (id int)`);
      const v = await findTenancyViolations(c, ['rlstest']);
      expect(v).toEqual([
        { schema: 'rlstest', table: 'leaky', problem: 'missing tenant_id' },
        { schema: 'rlstest', table: 'leaky', problem: 'rls disabled' },
        { schema: 'rlstest', table: 'leaky', problem: 'no policy' },
      ]);
      await c.query(`DROP TABLE rlstest.leaky`);
    } finally {
      await c.end();
      await owner.close();
    }
  });

  it('migrations go down and up again', async () => {
    await db.revert(1);
    const { Client } = await import('pg');
    const c = new Client({ connectionString: tdb.url });
    await c.connect();
    const t = await c.query(`SELECT to_regclass('rlstest.notes') AS t`);
    expect(t.rows[0].t).toBeNull();
    await c.end();
    expect(await db.migrate()).toEqual(['Notes1700000000000']);
  });
});

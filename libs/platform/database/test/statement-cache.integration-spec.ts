import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { createTestDatabase, type TestDatabase } from '@supra/platform/testing';
import { ServiceDatabase } from '../src';
import { tenantTableMigration } from './fixtures';

const Items1700000000000 = tenantTableMigration('Items1700000000000', 'sctest.items', 'label text NOT NULL');

describe('statement cache', () => {
  const A = randomUUID();
  const B = randomUUID();
  let tdb: TestDatabase;
  let db: ServiceDatabase;

  const prepared = () =>
    db.withTenant(A, (em) => em.query(`SELECT statement FROM pg_prepared_statements`)) as Promise<Array<{ statement: string }>>;

  beforeAll(async () => {
    tdb = await createTestDatabase();
    // One connection, so every call below meets the statements prepared by the previous ones.
    db = new ServiceDatabase({ url: tdb.url, schema: 'sctest', migrations: [Items1700000000000], poolSize: 1 });
    await db.migrate();
    await db.connect();
    for (const [tenant, label] of [[A, 'a1'], [A, 'a2'], [B, 'b1']]) {
      await db.withTenant(tenant, (em) => em.query(`INSERT INTO sctest.items (tenant_id, label) VALUES ($1, $2)`, [tenant, label]));
    }
  });

  afterAll(async () => {
    await db?.close();
    await tdb?.drop();
  });

  const labelsLike = (tenant: string, pattern: string) =>
    db.withTenant(tenant, async (em) =>
      ((await em.query(`SELECT label FROM sctest.items WHERE label LIKE $1 ORDER BY label`, [pattern])) as Array<{ label: string }>).map((r) => r.label),
    );

  it('prepares a statement that runs again and again, and keeps row-level security per transaction', async () => {
    // More than five runs: PostgreSQL may switch the prepared statement to a generic plan.
    for (let i = 0; i < 8; i++) {
      expect(await labelsLike(A, '%')).toEqual(['a1', 'a2']);
      expect(await labelsLike(B, '%')).toEqual(['b1']);
    }
    expect((await prepared()).map((p) => p.statement)).toContain(`SELECT label FROM sctest.items WHERE label LIKE $1 ORDER BY label`);
    expect(await labelsLike(A, '%2')).toEqual(['a2']);
  });

  it('leaves statements without parameters unprepared', async () => {
    for (let i = 0; i < 4; i++) await db.withTenant(A, (em) => em.query(`SELECT count(*) FROM sctest.items`));
    expect((await prepared()).map((p) => p.statement)).not.toContain(`SELECT count(*) FROM sctest.items`);
  });

  it('prepares afresh a statement whose result type a schema change altered', async () => {
    const star = (tenant: string) => db.withTenant(tenant, (em) => em.query(`SELECT * FROM sctest.items WHERE label = $1`, [tenant === A ? 'a1' : 'b1']));
    for (let i = 0; i < 3; i++) expect(await star(A)).toHaveLength(1);
    const owner = new Client({ connectionString: tdb.url });
    await owner.connect();
    await owner.query(`ALTER TABLE sctest.items ADD COLUMN note text`);
    await owner.end();
    // The prepared statement's result no longer matches: this one call fails, the next is prepared anew.
    await expect(star(A)).rejects.toThrow(/cached plan must not change result type/);
    const [row] = (await star(B)) as Array<Record<string, unknown>>;
    expect(row).toMatchObject({ label: 'b1', note: null });
  });
});

/** The tenant of the current transaction, or NULL (which matches no row) when none is set. */
export const CURRENT_TENANT_SQL = `NULLIF(current_setting('app.tenant_id', true), '')::uuid`;

/**
 * SQL for a migration's `up`: row-level security on a tenant-owned table. FORCE makes the policy
 * apply to the owner too; the services also connect as non-owner roles (see roles.ts).
 */
export function tenantRlsSql(qualifiedTable: string): string[] {
  return [
    `ALTER TABLE ${qualifiedTable} ENABLE ROW LEVEL SECURITY`,
    `ALTER TABLE ${qualifiedTable} FORCE ROW LEVEL SECURITY`,
    `CREATE POLICY tenant_isolation ON ${qualifiedTable} USING (tenant_id = ${CURRENT_TENANT_SQL}) WITH CHECK (tenant_id = ${CURRENT_TENANT_SQL})`,
  ];
}

export function dropTenantRlsSql(qualifiedTable: string): string[] {
  return [`DROP POLICY IF EXISTS tenant_isolation ON ${qualifiedTable}`, `ALTER TABLE ${qualifiedTable} DISABLE ROW LEVEL SECURITY`];
}

/** Runs a list of statements through a TypeORM QueryRunner (or anything with `query`). */
export async function runAll(runner: { query(sql: string): Promise<unknown> }, statements: string[]): Promise<void> {
  for (const s of statements) await runner.query(s);
}

/** RLS on each of a migration's tenant-owned tables. */
export const tenantTablesRlsSql = (schema: string, tables: readonly string[]): string[] =>
  tables.flatMap((t) => tenantRlsSql(`${schema}.${t}`));

/** A migration's `down` for those tables: policies off and tables dropped, in reverse creation order. */
export const dropTenantTablesSql = (schema: string, tables: readonly string[]): string[] =>
  [...tables].reverse().flatMap((t) => [...dropTenantRlsSql(`${schema}.${t}`), `DROP TABLE ${schema}.${t}`]);

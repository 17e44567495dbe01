/** Tables that legitimately hold no tenant data. Each entry says why. */
export const TENANCY_EXEMPT_TABLES: Record<string, string> = {
  '*.migrations': 'TypeORM migration history of the schema itself',
  'identity.tenants': 'the tenant registry: read before any tenant is known (login by slug); its id is the tenant id',
  'identity.permissions': 'the global catalogue of permission strings, the same for every tenant',
  'telemetry.consumer_state': "ingestion's position in the shared TELEMETRY stream, one row per write lane: no tenant's data",
  'identity.signing_keys': 'JWT signing keys of the gateway: platform-wide, published in one JWKS for every tenant',
};

const isExempt = (schema: string, table: string): boolean =>
  Boolean(TENANCY_EXEMPT_TABLES[`${schema}.${table}`] ?? TENANCY_EXEMPT_TABLES[`*.${table}`]);

export interface TenancyViolation {
  schema: string;
  table: string;
  problem: 'missing tenant_id' | 'rls disabled' | 'rls not forced' | 'no policy';
}

interface Row {
  schema: string;
  table: string;
  rls: boolean;
  forced: boolean;
  has_tenant: boolean;
  has_policy: boolean;
}

interface Queryable {
  query(sql: string, params?: unknown[]): Promise<unknown>;
}

/**
 * Lists every table in the given schemas that lacks a `tenant_id` column, row-level security
 * (enabled and forced) or a policy. Partitions are checked through their parent.
 */
export async function findTenancyViolations(db: Queryable, schemas: string[]): Promise<TenancyViolation[]> {
  const result = (await db.query(
    `SELECT n.nspname AS schema, c.relname AS table, c.relrowsecurity AS rls, c.relforcerowsecurity AS forced,
            EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attname = 'tenant_id' AND NOT a.attisdropped) AS has_tenant,
            EXISTS (SELECT 1 FROM pg_policy p WHERE p.polrelid = c.oid) AS has_policy
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition AND n.nspname = ANY($1)
      ORDER BY 1, 2`,
    [schemas],
  )) as Row[] | { rows: Row[] };
  // TypeORM returns the rows, pg's Client a result object.
  const rows = Array.isArray(result) ? result : result.rows;
  const out: TenancyViolation[] = [];
  for (const r of rows) {
    if (isExempt(r.schema, r.table)) continue;
    if (!r.has_tenant) out.push({ schema: r.schema, table: r.table, problem: 'missing tenant_id' });
    if (!r.rls) out.push({ schema: r.schema, table: r.table, problem: 'rls disabled' });
    else if (!r.forced) out.push({ schema: r.schema, table: r.table, problem: 'rls not forced' });
    if (!r.has_policy) out.push({ schema: r.schema, table: r.table, problem: 'no policy' });
  }
  return out;
}

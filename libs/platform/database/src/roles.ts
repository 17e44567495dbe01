/**
 * Each service schema gets two NOLOGIN roles that the login user switches to per connection
 * (`options=-c role=...`): `<schema>_app`, subject to row-level security, for all request and
 * event work; `<schema>_system`, with BYPASSRLS, only for cross-tenant machinery (the outbox relay,
 * scheduled jobs). Neither owns the tables, and neither can touch another service's schema.
 */
export const appRole = (schema: string): string => `${schema}_app`;
export const systemRole = (schema: string): string => `${schema}_system`;

const ident = (s: string): string => {
  if (!/^[a-z_][a-z0-9_]*$/.test(s)) throw new Error(`Unsafe SQL identifier: ${s}`);
  return `"${s}"`;
};

export function provisionSchemaSql(schema: string): string[] {
  const s = ident(schema);
  const app = ident(appRole(schema));
  const sys = ident(systemRole(schema));
  return [
    `CREATE SCHEMA IF NOT EXISTS ${s}`,
    `DO $$ BEGIN
       IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '${appRole(schema)}') THEN
         CREATE ROLE ${app} NOLOGIN NOBYPASSRLS;
       END IF;
       IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '${systemRole(schema)}') THEN
         CREATE ROLE ${sys} NOLOGIN BYPASSRLS;
       END IF;
     EXCEPTION WHEN unique_violation OR duplicate_object THEN NULL; -- another service booting at once
     END $$`,
    `GRANT ${app}, ${sys} TO CURRENT_USER`,
  ];
}

/** Grants run after migrations so new tables and sequences are covered. */
export function grantSchemaSql(schema: string): string[] {
  const s = ident(schema);
  const roles = `${ident(appRole(schema))}, ${ident(systemRole(schema))}`;
  return [
    `GRANT USAGE ON SCHEMA ${s} TO ${roles}`,
    `GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA ${s} TO ${roles}`,
    `GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA ${s} TO ${roles}`,
    `GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA ${s} TO ${roles}`,
  ];
}

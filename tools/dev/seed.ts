// `npm run seed` (and the last step of `npm start`): the demo data. Two tenants, `demo` and
// `demo2`, each with admin@<tenant>.supra.local / SUPRA_DEMO_PASSWORD (default supra-demo) and
// no TOTP requirement; then the customer service's demo (persons, addresses, tomas, contracts:
// 1,000 tomas for demo, 300 for demo2) and the metering service's (smart meters SIM-000001.. on
// demo's tomas, which tools/meter-sim drives). Each part is idempotent: a re-run adds nothing.
// Each service's seed runs on that service's own schema, migrated with its own migrations.
import 'reflect-metadata'; // decorators in the services' code need it before anything loads
import { seedCustomerDemo } from '../../apps/customer/src/seed/demo-seed';
import { seedMeteringDemo } from '../../apps/metering/src/seed/demo-seed';
import type { ServiceDatabase } from '@supra/platform/database';
import { onboardTenant, withIdentityDb } from './identity';
import { redact } from './infra-check';
import { loadServiceDefinition, serviceDatabase } from './service-definitions';

export const DEMO_TENANTS = [
  { slug: 'demo', name: 'Organismo Operador Demo' },
  { slug: 'demo2', name: 'Organismo Operador Demo Dos' },
] as const;

export const demoAdminEmail = (slug: string): string => `admin@${slug}.supra.local`;

export interface SeededTenant {
  tenantId: string;
  slug: string;
}

const out = (line: string): void => void process.stdout.write(`[seed] ${line}\n`);

async function seedTenants(url: string, password: string): Promise<SeededTenant[]> {
  return withIdentityDb(url, async (db) => {
    const tenants: SeededTenant[] = [];
    for (const t of DEMO_TENANTS) {
      const r = await onboardTenant(db, {
        slug: t.slug,
        name: t.name,
        adminEmail: demoAdminEmail(t.slug),
        adminPassword: password,
        requireTotpForAdmins: false,
      });
      out(`tenant ${t.slug}: ${r.created ? 'created' : 'exists'} (admin ${demoAdminEmail(t.slug)})`);
      tenants.push({ tenantId: r.tenantId, slug: r.slug });
    }
    return tenants;
  });
}

/** Opens one service's schema (migrated first: idempotent), runs fn, closes. */
async function withServiceDb<T>(service: string, url: string, fn: (db: ServiceDatabase) => Promise<T>): Promise<T> {
  const def = await loadServiceDefinition(service);
  if (!def) throw new Error(`apps/${service}/src/service.definition.ts is missing`);
  const db = serviceDatabase(def, url);
  try {
    await db.migrate();
    await db.connect();
    return await fn(db);
  } finally {
    await db.close();
  }
}

async function seedCustomers(url: string, tenants: SeededTenant[]): Promise<Map<string, string[]>> {
  const tomaIds = new Map<string, string[]>();
  await withServiceDb('customer', url, async (db) => {
    for (const t of tenants) {
      const r = await seedCustomerDemo(db, { id: t.tenantId, slug: t.slug });
      out(`customer ${t.slug}: ${r.persons} persons, ${r.tomas} tomas, ${r.contracts} contracts (new: ${r.inserted.persons}/${r.inserted.tomas}/${r.inserted.contracts})`);
      // The tomas the metering seed equips, in number order (T-000001 first).
      const rows = (await db.withTenant({ tenantId: t.tenantId, tenantSlug: t.slug }, (em) =>
        em.query(`SELECT id FROM customer.tomas ORDER BY toma_number`),
      )) as Array<{ id: string }>;
      tomaIds.set(t.slug, rows.map((r) => r.id));
    }
  });
  return tomaIds;
}

async function seedMeters(url: string, tenant: SeededTenant, tomaIds: string[]): Promise<void> {
  await withServiceDb('metering', url, async (db) => {
    const r = await seedMeteringDemo(db, { tenantId: tenant.tenantId, tenantSlug: tenant.slug }, tomaIds);
    out(`metering ${tenant.slug}: smart meters ${r.created} created, ${r.existing} already there`);
  });
}

async function main(): Promise<void> {
  const url = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/supra';
  const password = process.env.SUPRA_DEMO_PASSWORD ?? 'supra-demo';
  out(`seeding ${redact(url)}`);
  const tenants = await seedTenants(url, password);
  const tomaIds = await seedCustomers(url, tenants);
  const demo = tenants.find((t) => t.slug === 'demo')!;
  await seedMeters(url, demo, tomaIds.get('demo') ?? []);
}

if (require.main === module) {
  main().then(
    () => process.exit(0),
    (e: unknown) => {
      process.stderr.write(`[seed] failed: ${(e as Error).stack ?? String(e)}\n`);
      process.exit(1);
    },
  );
}

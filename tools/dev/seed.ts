// `npm run seed` (and the last step of `npm start`): the demo data. Two tenants, `demo` and
// `demo2`, each with admin@<tenant>.supra.local / SUPRA_DEMO_PASSWORD (default supra-demo) and
// no TOTP requirement, then each service's own demo seed where that service has one
// (apps/customer/src/seed/demo-seed.ts: seedCustomerDemo, apps/metering/src/seed/demo-seed.ts:
// seedMeteringDemo). Every part is idempotent: running the seed twice adds nothing.
import 'reflect-metadata'; // decorators in the services' code need it before anything loads
import type { ServiceDatabase } from '@supra/platform/database';
import { onboardTenant, withIdentityDb } from './identity';
import { redact } from './infra-check';
import { loadOptionalModule, loadServiceDefinition, serviceDatabase } from './service-definitions';

export const DEMO_TENANTS = [
  { slug: 'demo', name: 'Organismo Operador Demo' },
  { slug: 'demo2', name: 'Organismo Operador Demo Dos' },
] as const;

export const demoAdminEmail = (slug: string): string => `admin@${slug}.supra.local`;

export interface SeededTenant {
  tenantId: string;
  slug: string;
}

/** A service's demo seed as the seed calls it: on the service's database, for one tenant. */
type ServiceSeed = (db: ServiceDatabase, tenant: SeededTenant) => Promise<unknown>;

interface OptionalSeed {
  service: string;
  module: string;
  exportName: string;
}

const SERVICE_SEEDS: readonly OptionalSeed[] = [
  { service: 'customer', module: 'apps/customer/src/seed/demo-seed.ts', exportName: 'seedCustomerDemo' },
  { service: 'metering', module: 'apps/metering/src/seed/demo-seed.ts', exportName: 'seedMeteringDemo' },
];

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

async function runServiceSeed(seed: OptionalSeed, url: string, tenants: SeededTenant[]): Promise<void> {
  const mod = await loadOptionalModule(seed.module);
  const fn = mod?.[seed.exportName];
  if (typeof fn !== 'function') {
    out(`${seed.service}: no demo seed yet (${seed.module} → ${seed.exportName}), skipped`);
    return;
  }
  const def = await loadServiceDefinition(seed.service);
  if (!def) throw new Error(`${seed.service} has a demo seed but no service definition`);
  const db = serviceDatabase(def, url);
  try {
    await db.migrate();
    await db.connect();
    for (const t of tenants) {
      const result = await (fn as ServiceSeed)(db, t);
      out(`${seed.service} demo for ${t.slug}: ${summarize(result)}`);
    }
  } finally {
    await db.close();
  }
}

/** One line from whatever a service seed returns (counts, usually). */
function summarize(result: unknown): string {
  if (result === undefined || result === null) return 'done';
  if (typeof result !== 'object') return String(result);
  return Object.entries(result as Record<string, unknown>)
    .filter(([, v]) => ['number', 'string', 'boolean'].includes(typeof v))
    .map(([k, v]) => `${k}=${String(v)}`)
    .join(' ') || 'done';
}

async function main(): Promise<void> {
  const url = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/supra';
  const password = process.env.SUPRA_DEMO_PASSWORD ?? 'supra-demo';
  out(`seeding ${redact(url)}`);
  const tenants = await seedTenants(url, password);
  for (const seed of SERVICE_SEEDS) await runServiceSeed(seed, url, tenants);
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

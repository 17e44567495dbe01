// `npm run migrate`: runs every service's pending migrations against DATABASE_URL, without starting
// the services (for deployments that set MIGRATE_ON_BOOT=false and run this as a job).
//   npm run migrate                 all services
//   npm run migrate -- customer     only these
import 'reflect-metadata'; // decorators in the services' code need it before anything loads
import { SERVICE_NAMES } from './services';
import { loadServiceDefinition, serviceDatabase } from './service-definitions';

async function main(): Promise<void> {
  const url = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/supra';
  const names = process.argv.slice(2).length ? process.argv.slice(2) : [...SERVICE_NAMES];
  let failed = 0;
  for (const name of names) {
    const def = await loadServiceDefinition(name);
    if (!def) {
      process.stdout.write(`${name}: no service definition yet, skipped\n`);
      continue;
    }
    const db = serviceDatabase(def, url, 1);
    try {
      const ran = await db.migrate();
      process.stdout.write(`${name} (schema ${def.schema}): ${ran.length ? `applied ${ran.join(', ')}` : 'up to date'}\n`);
    } catch (e) {
      failed++;
      process.stderr.write(`${name}: migration failed: ${(e as Error).message}\n`);
    } finally {
      await db.close().catch(() => undefined);
    }
  }
  process.exit(failed ? 1 : 0);
}

void main();

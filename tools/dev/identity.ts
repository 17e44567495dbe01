// The gateway's tenant onboarding, for the dev seed and the `tenant:onboard` command: the same
// onboardTenant the gateway's admin API uses, on a database handle for the identity schema
// migrated with the gateway's own migrations.
import { onboardTenant, type OnboardTenantInput, type OnboardTenantResult } from '../../apps/gateway/src/onboarding/onboard-tenant';
import type { ServiceDatabase } from '@supra/platform/database';
import { loadServiceDefinition, serviceDatabase } from './service-definitions';

export { onboardTenant, type OnboardTenantInput, type OnboardTenantResult };

/** Opens the identity schema (migrating it first: idempotent), runs fn, closes. */
export async function withIdentityDb<T>(url: string, fn: (db: ServiceDatabase) => Promise<T>): Promise<T> {
  const def = await loadServiceDefinition('gateway');
  if (!def) throw new Error('apps/gateway/src/service.definition.ts is missing: cannot open the identity schema');
  const db = serviceDatabase(def, url, 2);
  try {
    await db.migrate();
    await db.connect();
    return await fn(db);
  } finally {
    await db.close();
  }
}

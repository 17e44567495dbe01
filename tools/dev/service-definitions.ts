// Loads a service's definition (apps/<svc>/src/service.definition.ts) by path, so dev tools can
// migrate and seed each service's schema with the service's own migrations. Loaded by a computed
// path on purpose: tools never compile against a service's internals, and a service still being
// written (no definition yet) is reported as missing instead of breaking every tool.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { BaseServiceEnv } from '@supra/platform/config';
import { ServiceDatabase } from '@supra/platform/database';
import type { ServiceDefinition } from '@supra/platform/runtime';

const ROOT = join(__dirname, '..', '..');

export type AnyServiceDefinition = ServiceDefinition<BaseServiceEnv>;

const isDefinition = (v: unknown): v is AnyServiceDefinition =>
  typeof v === 'object' && v !== null && typeof (v as AnyServiceDefinition).service === 'string' && typeof (v as AnyServiceDefinition).schema === 'string';

/** The exported ServiceDefinition of apps/<name>, or undefined when the app has none yet. */
export async function loadServiceDefinition(name: string): Promise<AnyServiceDefinition | undefined> {
  const file = join(ROOT, 'apps', name, 'src', 'service.definition.ts');
  if (!existsSync(file)) return undefined;
  const mod = (await import(file)) as Record<string, unknown>;
  const def = Object.values(mod).find(isDefinition);
  if (!def) throw new Error(`${file} exports no ServiceDefinition`);
  return def;
}

/** A ServiceDatabase for one service's schema with its migrations and entities. */
export function serviceDatabase(def: AnyServiceDefinition, url: string, poolSize = 4): ServiceDatabase {
  return new ServiceDatabase({
    url,
    schema: def.schema,
    entities: def.entities,
    migrations: def.migrations,
    poolSize,
    applicationName: `supra-tools-${def.service}`,
  });
}

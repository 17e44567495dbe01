import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { findTenancyViolations } from '@supra/platform/database';
import { bootstrapService, type ServiceDefinition } from '@supra/platform/runtime';
import type { BaseServiceEnv } from '@supra/platform/config';
import { createTestDatabase, testInfra, testNamespace } from '@supra/platform/testing';

const repoRoot = join(__dirname, '..', '..', '..', '..');

/** Env for booting a service in a test: its own database and namespace, ephemeral port. */
export async function serviceTestEnv(databaseUrl: string, extra: Record<string, string> = {}): Promise<Record<string, string>> {
  return { DATABASE_URL: databaseUrl, NATS_URL: (await testInfra()).natsUrl, SUPRA_NAMESPACE: testNamespace(), HTTP_PORT: '0', LOG_LEVEL: 'warn', ...extra };
}

/**
 * The checks every service must pass: boots (migrations, health, readiness, metrics), its schema
 * passes the tenancy catalog check, and a bad environment stops it with the variable named.
 */
export function describeServiceBoot<E extends BaseServiceEnv>(def: ServiceDefinition<E>, mainPath: string): void {
  describe(`${def.service} service boots`, () => {
    jest.setTimeout(60_000);

    it('migrates its schema, answers health and metrics, and passes the tenancy catalog check', async () => {
      const tdb = await createTestDatabase();
      const rt = await bootstrapService(def, { envOverrides: await serviceTestEnv(tdb.url) });
      try {
        expect((await fetch(`${rt.url}/health/live`)).status).toBe(200);
        expect((await fetch(`${rt.url}/health/ready`)).status).toBe(200);
        expect(await (await fetch(`${rt.url}/metrics`)).text()).toContain(`service="${def.service}"`);
        expect(await findTenancyViolations(rt.db.system, [def.schema])).toEqual([]);
      } finally {
        await rt.close();
        await tdb.drop();
      }
    });

    it('refuses to start with an invalid environment, naming the variable', async () => {
      const child = spawn(process.execPath, ['-r', '@swc-node/register', mainPath], {
        cwd: repoRoot,
        env: { ...process.env, DATABASE_URL: 'mysql://nope', LOG_LEVEL: 'silent' },
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      let stderr = '';
      child.stderr?.on('data', (d) => (stderr += d));
      const code = await new Promise((r) => child.once('exit', r));
      expect(code).toBe(1);
      expect(stderr).toContain('DATABASE_URL');
    });
  });
}

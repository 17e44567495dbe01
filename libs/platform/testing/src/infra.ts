import { randomBytes } from 'node:crypto';
import { Client } from 'pg';

/**
 * The one place tests get PostgreSQL and NATS from: the URLs in the environment when set (as on
 * the development and CI machines, which run both), otherwise containers started through
 * testcontainers on machines with Docker. Each test file gets its own database and its own
 * namespace (subject and stream prefix), so parallel runs never collide and leave nothing behind.
 */
export interface TestInfra {
  adminUrl: string;
  natsUrl: string;
}

let infra: Promise<TestInfra> | undefined;

async function reachablePg(url: string): Promise<boolean> {
  const c = new Client({ connectionString: url, connectionTimeoutMillis: 1500 });
  try {
    await c.connect();
    await c.end();
    return true;
  } catch {
    return false;
  }
}

async function startContainers(): Promise<TestInfra> {
  // Loaded only where needed: machines without Docker never touch it.
  const { GenericContainer, Wait } = await import('testcontainers');
  const pg = await new GenericContainer('timescale/timescaledb:latest-pg15')
    .withEnvironment({ POSTGRES_HOST_AUTH_METHOD: 'trust' })
    .withExposedPorts(5432)
    .withWaitStrategy(Wait.forLogMessage(/ready to accept connections/, 2))
    .start();
  const nats = await new GenericContainer('nats:2.10').withCommand(['-js']).withExposedPorts(4222).start();
  return {
    adminUrl: `postgres://postgres@${pg.getHost()}:${pg.getMappedPort(5432)}/postgres`,
    natsUrl: `nats://${nats.getHost()}:${nats.getMappedPort(4222)}`,
  };
}

export function testInfra(): Promise<TestInfra> {
  infra ??= (async () => {
    const adminUrl = process.env.SUPRA_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
    const natsUrl = process.env.SUPRA_TEST_NATS_URL ?? 'nats://127.0.0.1:4222';
    if (process.env.SUPRA_TEST_DATABASE_URL || (await reachablePg(adminUrl))) return { adminUrl, natsUrl };
    return startContainers();
  })();
  return infra;
}

export const uniqueName = (prefix: string): string => `${prefix}_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;

export interface TestDatabase {
  name: string;
  url: string;
  drop(): Promise<void>;
}

/** A fresh, empty database for one test file. */
export async function createTestDatabase(prefix = 'supra_test'): Promise<TestDatabase> {
  const { adminUrl } = await testInfra();
  const name = uniqueName(prefix);
  const admin = new Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    name,
    url: url.toString(),
    async drop() {
      const c = new Client({ connectionString: adminUrl });
      await c.connect();
      try {
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await c.end();
      }
    },
  };
}

/** A namespace (subject and stream prefix) unique to this test file. */
export const testNamespace = (): string => uniqueName('t').replace(/_/g, '-').toLowerCase();

// Checks the three backing services the way SUPRA uses them: a PostgreSQL login and query, the
// JetStream account info (a NATS server without -js fails here), a Redis PING. Used by
// ensure-infra.sh (as a command) and by the dev stack (as a module).
import { connect } from '@nats-io/transport-node';
import { jetstreamManager } from '@nats-io/jetstream';
import Redis from 'ioredis';
import { Client } from 'pg';

export interface InfraUrls {
  /** A database the postgres user may connect to (the maintenance database). */
  adminDatabaseUrl: string;
  natsUrl: string;
  redisUrl: string;
}

export const defaultInfraUrls = (env: NodeJS.ProcessEnv = process.env): InfraUrls => ({
  adminDatabaseUrl: env.SUPRA_ADMIN_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
  natsUrl: env.NATS_URL ?? 'nats://127.0.0.1:4222',
  redisUrl: env.REDIS_URL ?? 'redis://127.0.0.1:6379',
});

export async function checkPostgres(url: string): Promise<string> {
  const c = new Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  await c.connect();
  try {
    const r = await c.query<{ v: string }>('SHOW server_version');
    return `PostgreSQL ${r.rows[0]?.v ?? '?'}`;
  } finally {
    await c.end();
  }
}

export async function checkJetStream(url: string): Promise<string> {
  const nc = await connect({ servers: url, timeout: 3000, maxReconnectAttempts: 0 });
  try {
    const jsm = await jetstreamManager(nc);
    const info = await jsm.getAccountInfo();
    return `NATS ${nc.info?.version ?? '?'} with JetStream (${info.streams} streams)`;
  } finally {
    await nc.close();
  }
}

export async function checkRedis(url: string): Promise<string> {
  const r = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, connectTimeout: 3000, retryStrategy: () => null });
  try {
    await r.connect();
    const pong = await r.ping();
    if (pong !== 'PONG') throw new Error(`unexpected PING reply ${pong}`);
    return 'Redis PONG';
  } finally {
    r.disconnect();
  }
}

/** Runs every check; returns one problem line per failing service (empty when all is well). */
export async function infraProblems(urls: InfraUrls = defaultInfraUrls()): Promise<string[]> {
  const checks: Array<[string, string, (u: string) => Promise<string>]> = [
    ['PostgreSQL', urls.adminDatabaseUrl, checkPostgres],
    ['NATS JetStream', urls.natsUrl, checkJetStream],
    ['Redis', urls.redisUrl, checkRedis],
  ];
  const results = await Promise.allSettled(checks.map(([, url, check]) => check(url)));
  return results.flatMap((r, i) => {
    if (r.status === 'fulfilled') return [];
    const [name, url] = checks[i]!;
    const reason = r.reason instanceof Error ? r.reason.message : String(r.reason);
    return [`${name} at ${redact(url)}: ${reason}`];
  });
}

/** Hides a password in a URL before it is printed. */
export const redact = (url: string): string => url.replace(/\/\/([^:/@]+):[^@]*@/, '//$1:***@');

async function main(): Promise<void> {
  const problems = await infraProblems();
  for (const p of problems) process.stderr.write(`[supra] ${p}\n`);
  process.exit(problems.length ? 1 : 0);
}

if (require.main === module) void main();

// The dev stack's service table and each service's environment: pure data and functions, shared
// by the process manager (stack.ts), the migrate command and the deployment checks.

export interface DevService {
  /** App folder under apps/ and the service's name in subjects and logs. */
  name: string;
  httpPort: number;
  /** Settings that differ on a developer's machine. */
  devEnv?: Record<string, string>;
}

/** Every SUPRA service with its local HTTP port (the gateway first: it is the one people open). */
export const DEV_SERVICES: readonly DevService[] = [
  { name: 'gateway', httpPort: 3000 },
  { name: 'customer', httpPort: 3101 },
  { name: 'metering', httpPort: 3102 },
  // JetStream reserves a stream's max_bytes up front: 1 GiB of telemetry is plenty on a laptop.
  { name: 'ingestion', httpPort: 3103, devEnv: { TELEMETRY_STREAM_MAX_BYTES: String(1024 ** 3) } },
  { name: 'billing', httpPort: 3104 },
  { name: 'payments', httpPort: 3105 },
  { name: 'work-orders', httpPort: 3106 },
  { name: 'collections', httpPort: 3107 },
  { name: 'agents', httpPort: 3108 },
];

export const SERVICE_NAMES: readonly string[] = DEV_SERVICES.map((s) => s.name);

export interface StackSettings {
  databaseUrl: string;
  adminDatabaseUrl: string;
  natsUrl: string;
  redisUrl: string;
  namespace: string;
  logLevel: string;
  /** 32 random bytes as hex: seals the gateway's signing key and TOTP secrets at rest. */
  secretKey: string;
  demoPassword: string;
}

/** Settings from the environment, with the local defaults `npm start` documents. */
export function stackSettings(env: NodeJS.ProcessEnv, secretKey: string): StackSettings {
  const databaseUrl = env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/supra';
  return {
    databaseUrl,
    adminDatabaseUrl: env.SUPRA_ADMIN_DATABASE_URL ?? withDatabase(databaseUrl, 'postgres'),
    natsUrl: env.NATS_URL ?? 'nats://127.0.0.1:4222',
    redisUrl: env.REDIS_URL ?? 'redis://127.0.0.1:6379',
    namespace: env.SUPRA_NAMESPACE ?? '',
    logLevel: env.LOG_LEVEL ?? 'info',
    secretKey: env.SUPRA_SECRET_KEY ?? secretKey,
    demoPassword: env.SUPRA_DEMO_PASSWORD ?? 'supra-demo',
  };
}

/** The environment one service process gets (on top of the caller's). */
export function serviceEnv(svc: DevService, s: StackSettings): Record<string, string> {
  return {
    NODE_ENV: 'development',
    DATABASE_URL: s.databaseUrl,
    NATS_URL: s.natsUrl,
    REDIS_URL: s.redisUrl,
    SUPRA_NAMESPACE: s.namespace,
    HTTP_PORT: String(svc.httpPort),
    HTTP_HOST: '127.0.0.1',
    LOG_LEVEL: s.logLevel,
    MIGRATE_ON_BOOT: 'true',
    SUPRA_SECRET_KEY: s.secretKey,
    ...svc.devEnv,
  };
}

/** The same URL pointing at another database (the user, password, host and port kept). */
export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

/** The database name in a postgres:// URL. */
export function databaseName(url: string): string {
  const name = decodeURIComponent(new URL(url).pathname.replace(/^\//, ''));
  if (!/^[A-Za-z_][A-Za-z0-9_-]*$/.test(name)) throw new Error(`unsupported database name in DATABASE_URL: "${name}"`);
  return name;
}

/** Picks the services named in a comma-separated list (SUPRA_SERVICES), all when empty. */
export function selectServices(list: string | undefined): DevService[] {
  if (!list?.trim()) return [...DEV_SERVICES];
  const wanted = list.split(',').map((s) => s.trim()).filter(Boolean);
  const unknown = wanted.filter((w) => !SERVICE_NAMES.includes(w));
  if (unknown.length) throw new Error(`unknown service(s): ${unknown.join(', ')} (known: ${SERVICE_NAMES.join(', ')})`);
  return DEV_SERVICES.filter((s) => wanted.includes(s.name));
}

/** The last `lines` lines of a log, for a failure report. */
export function tail(text: string, lines: number): string {
  const all = text.replace(/\n+$/, '').split('\n');
  return all.slice(-lines).join('\n');
}

/**
 * Why a service did not boot, from its log: the line runService writes (`<svc> failed to start: ...`,
 * e.g. `migration X of schema metering failed: column "final" does not exist`), so the stack can say it
 * first instead of leaving it somewhere in the tail.
 */
export function bootFailure(text: string, service: string): string | undefined {
  const marker = `${service} failed to start: `;
  const line = text.split('\n').reverse().find((l) => l.startsWith(marker));
  return line?.slice(marker.length).trim();
}

// `npm start`'s process manager: creates the database, starts every service as a child process
// (logs in .supra/logs/), waits for each /health/ready, seeds the demo, runs the demo's main job
// (meter to cash: tools/dev/meter-to-cash.ts), prints where to go, and on Ctrl-C stops every
// child with SIGTERM (they drain) and waits.
// A service that dies or never gets ready is reported with the tail of its log, and the whole
// stack stops with a non-zero exit: it never hangs.
//   --once        start, seed, run the demo, then stop (a smoke test of the whole stack)
//   --no-seed     skip the demo seed;  --no-demo  skip the meter simulator and the login check
//   SUPRA_SERVICES=gateway,customer  start only these
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { Client } from 'pg';
import { infraProblems, redact } from './infra-check';
import {
  bootFailure,
  databaseName,
  type DevService,
  selectServices,
  serviceEnv,
  stackSettings,
  type StackSettings,
  tail,
} from './services';

const ROOT = join(__dirname, '..', '..');
const STATE_DIR = join(ROOT, '.supra');
const LOG_DIR = join(STATE_DIR, 'logs');
const PID_FILE = join(STATE_DIR, 'stack.json');
const READY_TIMEOUT_MS = Number(process.env.SUPRA_READY_TIMEOUT_MS ?? 180_000);
const STOP_TIMEOUT_MS = 20_000;
const NODE_ARGS = ['-r', '@swc-node/register'];

interface Child {
  name: string;
  proc: ChildProcess;
  logFile: string;
  /** A service must keep running; a job (the seed) may end. */
  kind: 'service' | 'job';
  exited?: { code: number | null; signal: NodeJS.Signals | null };
}

const children: Child[] = [];
let stopping = false;
/** While starting, waitReady reports a service that dies; once running, the exit handler does. */
let running = false;

const log = (msg: string): void => void process.stdout.write(`[supra] ${msg}\n`);
const fail = (msg: string): void => void process.stderr.write(`[supra] ERROR: ${msg}\n`);

class StackError extends Error {}

function secretKey(): string {
  // Kept across restarts: the gateway's signing key is stored sealed with it.
  const file = join(STATE_DIR, 'dev-secret-key');
  if (!existsSync(file)) writeFileSync(file, randomBytes(32).toString('hex'), { mode: 0o600 });
  return readFileSync(file, 'utf8').trim();
}

function isOurProcess(pid: number, marker: string): boolean {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').includes(marker);
  } catch {
    return false;
  }
}

/** Stops the children of a previous `npm start` that did not get to clean up (killed with -9). */
async function stopLeftovers(): Promise<void> {
  if (!existsSync(PID_FILE)) return;
  const recorded = JSON.parse(readFileSync(PID_FILE, 'utf8')) as Array<{ pid: number; marker: string }>;
  const alive = recorded.filter((r) => isOurProcess(r.pid, r.marker));
  for (const r of alive) {
    log(`stopping a leftover process of an earlier npm start (pid ${r.pid}: ${r.marker})`);
    try {
      process.kill(-r.pid, 'SIGTERM');
    } catch {
      /* already gone */
    }
  }
  const deadline = Date.now() + STOP_TIMEOUT_MS;
  while (alive.some((r) => isOurProcess(r.pid, r.marker)) && Date.now() < deadline) await sleep(200);
  rmSync(PID_FILE, { force: true });
}

function recordPids(): void {
  const rows = children.filter((c) => c.proc.pid).map((c) => ({ pid: c.proc.pid!, marker: markerOf(c) }));
  writeFileSync(PID_FILE, JSON.stringify(rows));
}

const markerOf = (c: Child): string => (c.kind === 'service' ? `apps/${c.name}/src/main.ts` : `tools/${c.name}`);

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.once('error', () => resolve(false));
    srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
  });
}

async function ensureDatabase(s: StackSettings): Promise<void> {
  const name = databaseName(s.databaseUrl);
  const c = new Client({ connectionString: s.adminDatabaseUrl, connectionTimeoutMillis: 5000 });
  await c.connect();
  try {
    const found = await c.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (found.rowCount === 0) {
      await c.query(`CREATE DATABASE "${name}"`);
      log(`created database ${name}`);
    }
  } finally {
    await c.end();
  }
}

function startChild(name: string, kind: Child['kind'], args: string[], env: Record<string, string>): Child {
  const logFile = join(LOG_DIR, `${name}.log`);
  const fd = openSync(logFile, 'w');
  // Own process group (detached): Ctrl-C reaches only this manager, which then stops the children
  // in order and waits for them to drain.
  const proc = spawn(process.execPath, [...NODE_ARGS, ...args], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', fd, fd],
    detached: true,
  });
  closeSync(fd);
  const child: Child = { name, proc, logFile, kind };
  proc.on('exit', (code, signal) => {
    child.exited = { code, signal };
    if (stopping) return;
    if (kind === 'job') {
      log(`${name} ended (${signal ?? `code ${code}`}); log: ${logFile}`);
    } else if (running) {
      fail(`${name} exited unexpectedly (${signal ?? `code ${code}`})`);
      printTail(child);
      void shutdown(1);
    }
  });
  children.push(child);
  recordPids();
  return child;
}

function readLog(c: Child): string {
  try {
    return readFileSync(c.logFile, 'utf8');
  } catch {
    return ''; // no log yet
  }
}

function printTail(c: Child, lines = 25): void {
  const text = readLog(c);
  process.stderr.write(`---- last lines of ${c.logFile} ----\n${tail(text, lines) || '(empty)'}\n----\n`);
}

async function waitReady(c: Child, svc: DevService): Promise<number> {
  const t0 = Date.now();
  while (Date.now() - t0 < READY_TIMEOUT_MS) {
    if (c.exited) throw new StackError(`${svc.name} exited during start (${c.exited.signal ?? `code ${c.exited.code}`})`);
    try {
      const res = await fetch(`http://127.0.0.1:${svc.httpPort}/health/ready`, { signal: AbortSignal.timeout(2000) });
      if (res.ok) return Date.now() - t0;
    } catch {
      /* not listening yet */
    }
    await sleep(500);
  }
  throw new StackError(`${svc.name} was not ready after ${READY_TIMEOUT_MS / 1000}s (GET /health/ready on port ${svc.httpPort})`);
}

function runJob(name: string, args: string[], env: Record<string, string>): Promise<void> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, [...NODE_ARGS, ...args], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'inherit', 'inherit'] });
    proc.on('error', reject);
    proc.on('exit', (code, signal) =>
      code === 0 ? resolve() : reject(new StackError(`${name} failed (${signal ?? `code ${code}`})`)),
    );
  });
}

async function shutdown(code: number): Promise<never> {
  if (!stopping) {
    stopping = true;
    const running = children.filter((c) => !c.exited && c.proc.pid);
    if (running.length) log(`stopping ${running.map((c) => c.name).join(', ')}`);
    for (const c of running) {
      try {
        process.kill(-c.proc.pid!, 'SIGTERM');
      } catch {
        /* already gone */
      }
    }
    const deadline = Date.now() + STOP_TIMEOUT_MS;
    while (children.some((c) => !c.exited) && Date.now() < deadline) await sleep(100);
    for (const c of children.filter((x) => !x.exited && x.proc.pid)) {
      fail(`${c.name} did not stop within ${STOP_TIMEOUT_MS / 1000}s: SIGKILL`);
      try {
        process.kill(-c.proc.pid!, 'SIGKILL');
      } catch {
        /* gone meanwhile */
      }
    }
    rmSync(PID_FILE, { force: true });
  }
  process.exit(code);
}

/**
 * Logs in through the gateway as the demo admin (proves gateway, identity schema and seed), then
 * calls one tenant list route with the token (proves gateway → NATS → service → database).
 */
async function demoLogin(s: StackSettings, gatewayUrl: string): Promise<void> {
  const body = { tenant: 'demo', email: 'admin@demo.supra.local', password: s.demoPassword };
  try {
    const res = await fetch(`${gatewayUrl}/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(10_000),
    });
    const text = await res.text();
    let summary = text.slice(0, 300);
    try {
      const json = JSON.parse(text) as Record<string, unknown>;
      // Print what the login gave, never the tokens themselves.
      summary = JSON.stringify(
        Object.fromEntries(Object.entries(json).map(([k, v]) => [k, /token$/i.test(k) && typeof v === 'string' ? `${v.slice(0, 12)}…` : v])),
      ).slice(0, 400);
    } catch {
      /* not JSON: print as is */
    }
    log(`demo login (POST /auth/login as ${body.email}): HTTP ${res.status} ${summary}`);
    const token = res.ok ? (JSON.parse(text) as { accessToken?: string }).accessToken : undefined;
    if (token) await demoListCall(gatewayUrl, token);
  } catch (e) {
    fail(`demo login failed: ${(e as Error).message}`);
  }
}

/** GET the first tenant-scoped list route the OpenAPI document offers, as the demo admin. */
async function demoListCall(gatewayUrl: string, token: string): Promise<void> {
  const doc = (await (await fetch(`${gatewayUrl}/docs-json`, { signal: AbortSignal.timeout(5000) })).json()) as {
    paths?: Record<string, Record<string, unknown>>;
  };
  const route = Object.entries(doc.paths ?? {}).find(([p, ops]) => 'get' in ops && /^\/\{tenant\}\/v1\/[a-z-]+$/.test(p))?.[0];
  if (!route) return;
  const path = route.replace('{tenant}', 'demo');
  const res = await fetch(`${gatewayUrl}${path}?size=1`, { headers: { authorization: `Bearer ${token}` }, signal: AbortSignal.timeout(10_000) });
  const body = (await res.json().catch(() => ({}))) as { page?: { total?: number }; code?: string };
  const detail = body.page ? `total=${body.page.total ?? '?'}` : (body.code ?? '');
  log(`demo call (GET ${path} as the demo admin): HTTP ${res.status} ${detail}`);
}

async function main(): Promise<void> {
  const args = new Set(process.argv.slice(2));
  const once = args.has('--once');
  mkdirSync(LOG_DIR, { recursive: true });

  const s = stackSettings(process.env, secretKey());
  const services = selectServices(process.env.SUPRA_SERVICES);

  const problems = await infraProblems({ adminDatabaseUrl: s.adminDatabaseUrl, natsUrl: s.natsUrl, redisUrl: s.redisUrl });
  if (problems.length) throw new StackError(`infrastructure not reachable:\n  ${problems.join('\n  ')}`);

  await stopLeftovers();
  const missing = services.filter((svc) => !existsSync(join(ROOT, 'apps', svc.name, 'src', 'main.ts')));
  if (missing.length) {
    throw new StackError(
      `no entry point for ${missing.map((m) => `apps/${m.name}/src/main.ts`).join(', ')}; ` +
        `start the others with SUPRA_SERVICES=${services.filter((x) => !missing.includes(x)).map((x) => x.name).join(',')}`,
    );
  }
  for (const svc of services) {
    if (!(await portFree(svc.httpPort))) {
      throw new StackError(`port ${svc.httpPort} (${svc.name}) is already in use: is another npm start running? (ss -ltnp 'sport = :${svc.httpPort}')`);
    }
  }
  await ensureDatabase(s);

  log(`starting ${services.length} services (logs in .supra/logs/)`);
  const t0 = Date.now();
  const started = services.map((svc) => ({ svc, child: startChild(svc.name, 'service', [`apps/${svc.name}/src/main.ts`], serviceEnv(svc, s)) }));
  const outcomes = await Promise.allSettled(
    started.map(async ({ svc, child }) => {
      const ms = await waitReady(child, svc);
      log(`  ${svc.name.padEnd(12)} ready on http://127.0.0.1:${svc.httpPort} (${(ms / 1000).toFixed(1)}s)`);
    }),
  );
  const failures = outcomes.flatMap((o, i) => (o.status === 'rejected' ? [{ o, c: started[i]!.child }] : []));
  if (failures.length) {
    const causes: string[] = [];
    for (const { o, c } of failures) {
      fail((o as PromiseRejectedResult).reason instanceof Error ? ((o as PromiseRejectedResult).reason as Error).message : String((o as PromiseRejectedResult).reason));
      printTail(c);
      const cause = bootFailure(readLog(c), c.name);
      if (cause) causes.push(`  ${c.name}: ${cause}${/^migration /.test(cause) ? `\n    (the ${c.name} schema of database ${databaseName(s.databaseUrl)} does not match its migrations: fix the migration or recreate the dev database)` : ''}`);
    }
    throw new StackError(`${failures.length} service(s) failed to start: ${failures.map((f) => f.c.name).join(', ')}${causes.length ? `\n${causes.join('\n')}` : ''}`);
  }
  running = true;
  log(`all services ready in ${((Date.now() - t0) / 1000).toFixed(1)}s`);

  const jobEnv = { DATABASE_URL: s.databaseUrl, NATS_URL: s.natsUrl, REDIS_URL: s.redisUrl, SUPRA_NAMESPACE: s.namespace, SUPRA_SECRET_KEY: s.secretKey, SUPRA_DEMO_PASSWORD: s.demoPassword, LOG_LEVEL: 'warn' };
  if (!args.has('--no-seed')) {
    const ts = Date.now();
    await runJob('demo seed', ['tools/dev/seed.ts'], jobEnv);
    log(`demo seed done in ${((Date.now() - ts) / 1000).toFixed(1)}s`);
  }

  const gateway = services.find((x) => x.name === 'gateway');
  const gatewayUrl = gateway ? `http://127.0.0.1:${gateway.httpPort}` : undefined;
  const names = new Set(services.map((x) => x.name));
  if (!args.has('--no-demo') && !args.has('--no-seed') && gatewayUrl && ['customer', 'metering', 'billing'].every((n) => names.has(n))) {
    // Meter to cash on the demo tenant, before the live meter simulator adds readings after the closed period.
    const tm = Date.now();
    try {
      await runJob('meter-to-cash', ['tools/dev/meter-to-cash.ts'], { ...jobEnv, SUPRA_GATEWAY_URL: gatewayUrl });
      log(`meter to cash done in ${((Date.now() - tm) / 1000).toFixed(1)}s`);
    } catch (e) {
      // The smoke test must fail; an interactive start keeps running so the logs can be looked at.
      if (once) throw e;
      fail(`${(e as Error).message} (the stack keeps running; see .supra/logs/billing.log)`);
    }
  }
  if (!args.has('--no-demo')) {
    if (existsSync(join(ROOT, 'tools', 'meter-sim', 'main.ts'))) {
      // A gentle rate: the demo's 1,000 smart meters, without loading a 2-core laptop.
      const rate = process.env.SUPRA_METER_SIM_RATE ?? '50';
      startChild('meter-sim', 'job', ['tools/meter-sim/main.ts', '--tenant', 'demo', '--meters', '1000', '--rate', rate], jobEnv);
      log(`meter simulator started: tenant demo, 1000 meters, ${rate} readings/s (log: .supra/logs/meter-sim.log)`);
    }
    if (gatewayUrl) await demoLogin(s, gatewayUrl);
  }

  process.stdout.write(
    [
      '',
      'SUPRA is running.',
      gatewayUrl ? `  Gateway:  ${gatewayUrl}` : '  Gateway:  (not started)',
      gatewayUrl ? `  OpenAPI:  ${gatewayUrl}/docs  (JSON: ${gatewayUrl}/docs-json)` : '',
      `  Tenants:  demo, demo2`,
      `  Sign in:  admin@demo.supra.local / ${s.demoPassword}   (admin@demo2.supra.local, same password)`,
      `  Database: ${redact(s.databaseUrl)}   NATS: ${s.natsUrl}   Redis: ${s.redisUrl}`,
      `  Logs:     .supra/logs/<service>.log`,
      once ? '' : 'Press Ctrl-C to stop.',
      '',
    ]
      .filter((l, i, a) => l !== '' || i === 0 || i === a.length - 1)
      .join('\n') + '\n',
  );
  if (once) await shutdown(0);
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.on(sig, () => {
    if (stopping) return;
    process.stdout.write('\n');
    void shutdown(0);
  });
}

main().catch((e: unknown) => {
  fail(e instanceof StackError ? e.message : (e as Error).stack ?? String(e));
  void shutdown(1);
});

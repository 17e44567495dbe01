import { spawn, type ChildProcess } from 'node:child_process';
import { Client } from 'pg';
import { NatsClient, RpcClient, Streams, Subjects } from '@supra/platform/messaging';
import { createTestDatabase, freePort, testInfra, testNamespace, type TestDatabase } from '@supra/platform/testing';
import { tenantCtx, until } from './fixtures';

jest.setTimeout(180_000);

const te = new TextEncoder();
const METERS = 200;
const PER_METER = 60; // 12,000 readings
const T0 = Date.parse('2026-11-22T00:00:00Z');

/** The service as a real process, so it can die without a chance to clean up. */
function startService(env: Record<string, string>): ChildProcess {
  const child = spawn(process.execPath, ['-r', '@swc-node/register', 'apps/ingestion/src/main.ts'], {
    cwd: process.cwd(),
    env: { ...process.env, ...env },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  return child;
}

describe('ingestion: SIGKILL mid-run', () => {
  let tdb: TestDatabase;
  let nats: NatsClient;
  let admin: Client;
  let child: ChildProcess | undefined;
  const ns = testNamespace();
  const ctx = tenantCtx('demo');

  beforeAll(async () => {
    const infra = await testInfra();
    tdb = await createTestDatabase('ingestion_kill');
    nats = new NatsClient({ url: infra.natsUrl, name: 'ingestion-kill-test' });
    await nats.connect();
    admin = new Client({ connectionString: tdb.url });
    await admin.connect();
  });

  afterAll(async () => {
    if (child && child.exitCode === null) child.kill('SIGKILL');
    for (const s of [Streams.telemetry(ns), Streams.dlq(ns), Streams.forContext(ns, 'ingestion')]) await nats?.jsm.streams.delete(s).catch(() => undefined);
    await nats?.close();
    await admin?.end();
    await tdb?.drop();
  });

  it('loses nothing and stores nothing twice when killed and restarted', async () => {
    const infra = await testInfra();
    const env = {
      DATABASE_URL: tdb.url,
      SUPRA_NAMESPACE: ns,
      NATS_URL: infra.natsUrl,
      HTTP_PORT: String(await freePort()),
      LOG_LEVEL: 'warn',
      INGEST_BATCH_SIZE: '500',
      INGEST_QUOTA_RPS: '0',
      TELEMETRY_STREAM_MAX_BYTES: String(64 * 1024 ** 2),
    };
    const rpc = new RpcClient(nats, ns, 5_000);
    child = startService(env);
    await until(
      'service up',
      () => rpc.request('ingestion', 'meters.register', { meters: Array.from({ length: METERS }, (_, i) => ({ meterId: `K-${i}` })) }, ctx).then(() => true, () => false),
      (ok) => ok,
      60_000,
    );

    const count = async () => Number((await admin.query(`SELECT count(*)::int AS n FROM telemetry.readings`)).rows[0].n);
    // Windowed publishing: single readings and batches of 10, interleaved.
    const publishAll = async (from: number, to: number) => {
      const pending: Promise<unknown>[] = [];
      for (let k = from; k < to; k++) {
        const meter = `K-${k % METERS}`;
        const i = Math.floor(k / METERS);
        const reading = { ts: new Date(T0 + i * 900_000).toISOString(), registerM3: (k % METERS) + i / 1000 };
        pending.push(nats.js.publish(Subjects.telemetry(ns, 'demo', meter), te.encode(JSON.stringify(reading))));
        if (pending.length >= 500) await Promise.all(pending.splice(0));
      }
      await Promise.all(pending);
    };
    const total = METERS * PER_METER;
    await publishAll(0, total / 2);
    await until('some readings stored', count, (n) => n > 0, 30_000);
    child.kill('SIGKILL');
    await new Promise((r) => child!.once('exit', r));
    const atKill = await count();
    await publishAll(total / 2, total);
    // Replay part of the stream on purpose: the same readings again, as a gateway retry would.
    await publishAll(0, 1000);
    child = startService(env);
    await until('every reading stored', count, (n) => n >= total, 120_000);
    const stored = await count();
    const exact = (
      await admin.query(
        `SELECT count(*)::int AS n FROM telemetry.readings r
          WHERE r.register_m3 = (substr(r.meter_id, 3)::int + ((extract(epoch FROM r.ts) - $1) / 900) / 1000.0)::numeric(12,3)`,
        [T0 / 1000],
      )
    ).rows[0].n;
    expect(atKill).toBeLessThan(total);
    expect({ lost: total - stored, duplicated: stored - total, exact }).toEqual({ lost: 0, duplicated: 0, exact: total });
    child.kill('SIGTERM');
    await new Promise((r) => child!.once('exit', r));
  });
});

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
// Meters K-0…K-4 read lower once, just after the kill point (i = 31): exactly those readings must be
// flagged, which only holds if the restarted consumer checks against the true previous reading.
const DIPS = 5;
const DIP_AT = 31;
const registerOf = (meter: number, i: number) => meter + (meter < DIPS && i === DIP_AT ? i - 10 : i) / 1000;

/** The service as a real process, so it can die without a chance to clean up. */
function startService(env: Record<string, string>): ChildProcess {
  const child = spawn(process.execPath, ['-r', '@swc-node/register', 'apps/ingestion/src/main.ts'], {
    cwd: process.cwd(),
    env: { ...process.env, ...env },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  return child;
}

/** A killed process keeps exitCode null (its signalCode is set). */
const running = (c: ChildProcess) => c.exitCode === null && c.signalCode === null;

/**
 * Publishes half the readings, SIGKILLs the consumer mid-run, publishes the rest plus a replay of
 * the first 1,000, and checks that every reading is stored exactly once. With `standby`, a second
 * process waits for the lease while the first runs and takes over when it dies (no restart);
 * otherwise the killed process is restarted.
 */
function killScenario(name: string, standby: boolean): void {
  describe(name, () => {
    let tdb: TestDatabase;
    let nats: NatsClient;
    let admin: Client;
    const children: ChildProcess[] = [];
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
      for (const c of children) if (running(c)) c.kill('SIGKILL');
      for (const s of [Streams.telemetry(ns), Streams.dlq(ns), Streams.forContext(ns, 'ingestion')]) await nats?.jsm.streams.delete(s).catch(() => undefined);
      await nats?.close();
      await admin?.end();
      await tdb?.drop();
    });

    it('loses nothing and stores nothing twice', async () => {
      const infra = await testInfra();
      const env = async () => ({
        DATABASE_URL: tdb.url,
        SUPRA_NAMESPACE: ns,
        NATS_URL: infra.natsUrl,
        HTTP_PORT: String(await freePort()),
        LOG_LEVEL: 'warn',
        INGEST_BATCH_SIZE: '500',
        INGEST_QUOTA_RPS: '0',
        // Meter state and stream position written every second: the kill lands between writes of it.
        INGEST_STATE_FLUSH_S: '1',
        TELEMETRY_STREAM_MAX_BYTES: String(64 * 1024 ** 2),
      });
      const start = async () => {
        const e = await env();
        const child = startService(e);
        children.push(child);
        await until('service up', () => fetch(`http://127.0.0.1:${e.HTTP_PORT}/health/live`, { signal: AbortSignal.timeout(1000) }).then((r) => r.ok, () => false), (ok) => ok, 60_000);
        return child;
      };
      const rpc = new RpcClient(nats, ns, 5_000);
      const first = await start();
      await rpc.request('ingestion', 'meters.register', { meters: Array.from({ length: METERS }, (_, i) => ({ meterId: `K-${i}` })) }, ctx);

      const count = async () => Number((await admin.query(`SELECT count(*)::int AS n FROM telemetry.readings`)).rows[0].n);
      const leases = async () =>
        Number((await admin.query(`SELECT count(*)::int AS n FROM pg_locks l JOIN pg_stat_activity a USING (pid) WHERE l.locktype = 'advisory' AND l.granted AND a.application_name = 'ingestion-telemetry-lease' AND a.datname = current_database()`)).rows[0].n);
      // Windowed publishing of single readings.
      const publishAll = async (from: number, to: number) => {
        const pending: Promise<unknown>[] = [];
        for (let k = from; k < to; k++) {
          const meter = `K-${k % METERS}`;
          const i = Math.floor(k / METERS);
          const reading = { ts: new Date(T0 + i * 900_000).toISOString(), registerM3: registerOf(k % METERS, i) };
          pending.push(nats.js.publish(Subjects.telemetry(ns, 'demo', meter), te.encode(JSON.stringify(reading))));
          if (pending.length >= 500) await Promise.all(pending.splice(0));
        }
        await Promise.all(pending);
      };
      const total = METERS * PER_METER;
      await publishAll(0, total / 2);
      await until('some readings stored', count, (n) => n > 0, 30_000);
      if (standby) {
        await start();
        // Both processes up, one lease: the second one only stands by.
        expect(await leases()).toBe(1);
      }
      first.kill('SIGKILL');
      await new Promise((r) => first.once('exit', r));
      const atKill = await count();
      await publishAll(total / 2, total);
      // Replay part of the stream on purpose: the same readings again, as a gateway retry would.
      await publishAll(0, 1000);
      if (!standby) await start();
      await until('every reading stored', count, (n) => n >= total, 120_000);
      const stored = await count();
      const exact = (
        await admin.query(
          `SELECT count(*)::int AS n FROM telemetry.readings r
            WHERE r.register_m3 = (substr(r.meter_id, 3)::int + ((extract(epoch FROM r.ts) - $1) / 900 - CASE WHEN substr(r.meter_id, 3)::int < $2
                  AND (extract(epoch FROM r.ts) - $1) / 900 = $3 THEN 10 ELSE 0 END) / 1000.0)::numeric(12,3)`,
          [T0 / 1000, DIPS, DIP_AT],
        )
      ).rows[0].n;
      // Exactly the planned dips are flagged: a stale state would miss them or flag the reading after.
      const flagged = (
        await admin.query(`SELECT meter_id, ((extract(epoch FROM ts) - $1) / 900)::int AS i, flags FROM telemetry.readings WHERE flags <> 0 ORDER BY meter_id`, [T0 / 1000])
      ).rows;
      expect(atKill).toBeLessThan(total);
      expect({ lost: total - stored, duplicated: stored - total, exact }).toEqual({ lost: 0, duplicated: 0, exact: total });
      expect(flagged).toEqual(Array.from({ length: DIPS }, (_, m) => ({ meter_id: `K-${m}`, i: DIP_AT, flags: 2 })));
      // The state is written with its stream position (every second here, also when idle).
      const position = async () => Number((await admin.query(`SELECT min(stream_seq)::int AS n FROM telemetry.consumer_state`)).rows[0].n);
      await until('state written', position, (p) => p > 0, 10_000);
      expect(await leases()).toBe(1);
      const left = children.filter(running);
      for (const c of left) c.kill('SIGTERM');
      await Promise.all(left.map((c) => new Promise((r) => c.once('exit', r))));
    });
  });
}

killScenario('ingestion: SIGKILL mid-run and restart', false);
killScenario('ingestion: SIGKILL of the active consumer, a standby takes over', true);

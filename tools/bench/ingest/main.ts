// npm run bench:ingest [-- --quick]  (see README.md)
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { AckPolicy, DeliverPolicy } from '@nats-io/jetstream';
import { NatsClient, RpcClient, Streams, ensureStream } from '@supra/platform/messaging';
import { bootstrapService } from '@supra/platform/runtime';
import { createTestDatabase, testInfra, testNamespace } from '@supra/platform/testing';
import { ingestionService } from '../../../apps/ingestion/src/service.definition';
import { TelemetryConsumer } from '../../../apps/ingestion/src/pipeline/telemetry-consumer';
import { MeterDaySummaries } from '../../../apps/ingestion/src/summaries/meter-day-summaries';
import { HOUR_OF_SQL } from '../../../apps/ingestion/src/pipeline/reading-writer';
import { DEFAULT_INGEST_BATCH_BYTES } from '../../../apps/ingestion/src/ingestion.env';

const quick = process.argv.includes('--quick');
const log = (...a: unknown[]) => console.log('[bench:ingest]', ...a);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// Volumes: full numbers are the issue's; --quick scales them down for a smoke run.
const RAW_MSGS = quick ? 60_000 : 300_000; // = SINGLE_READINGS
const SINGLE_READINGS = quick ? 60_000 : 300_000;
const BATCH_READINGS = quick ? 300_000 : 2_000_000;
const argS = (name: string): string | undefined => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : undefined;
};
const argN = (name: string): number | undefined => (argS(name) === undefined ? undefined : Number(argS(name)));
// × 96 readings (24 h of 15-minute readings); --replay-meters N runs a quick mode with a larger replay.
const REPLAY_METERS = argN('--replay-meters') ?? (quick ? 4_000 : 400_000);
const P99_RATE = 20_000;
// --phases raw,single,batch,p99,replay runs a subset (while working on one path); RESULT needs all.
// rawreplay (not in the default set): bare COPY of the replay's rows, same order, to see how much of
// the replay's time is PostgreSQL's own at that scale.
const PHASES = (argS('--phases') ?? 'raw,single,batch,p99,replay').split(',');
// --cpu-prof DIR: a CPU profile of this process (the service) over each measured pipeline phase only.
const PROFILE_DIR = argS('--cpu-prof');
const want = (phase: string) => PHASES.includes(phase);
const LANES = Number(process.env.INGEST_WRITE_LANES ?? 2); // the pipeline's database connections
const BATCH_BYTES = Number(process.env.INGEST_BATCH_BYTES ?? DEFAULT_INGEST_BATCH_BYTES);
const P99_READINGS = quick ? 100_000 : 400_000;
// The stream holds the backlog (the consumer purges what it has written). Full, it refuses new
// messages and the publisher sends them again (back-pressure, as for a gateway); sized here for the
// whole replay so the run measures ingestion, not the publisher's retries.
const streamBytes = Math.max((quick ? 0.5 : 4) * 1024 ** 3, REPLAY_METERS * 96 * 2 * 90);

/** The publisher child; `startedAt` is its first publish (the clock is the same machine's). */
function publisher(args: string[]): Promise<{ readings: number; ms: number; startedAt: number; refusals: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-r', '@swc-node/register', 'tools/bench/ingest/publisher.ts', ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (c) => (out += c));
    child.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out.trim().split('\n').pop()!)) : reject(new Error(`publisher exited ${code}`))));
  });
}

/**
 * Raw message ceiling: the same publisher child and the same single-reading messages as the
 * pipeline run, from first publish to last consumed, with the consumer doing what the pipeline's
 * does minus the database (parse; one ack-all per batch of 5,000 messages, like the pipeline).
 */
async function rawMessageCeiling(nats: NatsClient, natsUrl: string, ns: string): Promise<number> {
  const stream = `${Streams.telemetry(ns)}_RAW`;
  await ensureStream(nats.jsm, { name: stream, subjects: [`${ns}.telemetry.>`], maxAgeMs: 3600_000, maxBytes: 1024 ** 3 });
  await nats.jsm.consumers.add(stream, { durable_name: 'raw', ack_policy: AckPolicy.All, deliver_policy: DeliverPolicy.All, max_ack_pending: 20_000 });
  const consumer = await nats.js.consumers.get(stream, 'raw');
  const msgs = await consumer.consume({ max_messages: 10_000 });
  const started = Date.now();
  const pub = publisher([natsUrl, ns, 'rawbench', '1000', String(RAW_MSGS / 1000), '1', '0', String(Date.parse('2026-11-01T00:00:00Z'))]);
  const td = new TextDecoder();
  let n = 0;
  for await (const m of msgs) {
    JSON.parse(td.decode(m.data)); // the same parse work the pipeline has, no database
    if (++n % 5000 === 0 || n === RAW_MSGS) m.ack();
    if (n === RAW_MSGS) break;
  }
  const ended = Date.now();
  // From the first publish (the child's start-up is not the broker's time), as for the pipeline runs.
  const rps = RAW_MSGS / ((ended - Math.max(started, (await pub).startedAt)) / 1000);
  await msgs.close();
  await nats.jsm.streams.delete(stream);
  return rps;
}

/**
 * Before each measured phase, the ceilings' and the pipeline's alike (the message ceiling too: a
 * checkpoint's writes take CPU from NATS and the consumer). With max_wal_size 1 GB a
 * checkpoint starts every ~540 MB of WAL (every 20–30 s here): without this, whether one phase runs
 * inside a checkpoint the previous phase's WAL started, with its writes and full-page images, is
 * chance: batch ratios of 0.54–0.70 over the fourth session's full runs, 0.61–0.66 in six runs
 * with it. Needs a superuser or pg_checkpoint.
 */
const FAIR_START_SQL = 'CHECKPOINT';

/** Raw COPY ceiling: the same rows into the same partitioned table with its key, as many connections as the pipeline's lanes. */
async function rawCopyCeiling(url: string, connections: number, rows = BATCH_READINGS, meters = rows / 96): Promise<number> {
  const admin = new Client({ connectionString: url });
  await admin.connect();
  await admin.query(`CREATE SCHEMA rawbench`);
  await admin.query(`CREATE TABLE rawbench.readings (tenant_id uuid NOT NULL, meter_id text NOT NULL, ts timestamptz NOT NULL, register_m3 numeric(12,3) NOT NULL,
    flow_lps numeric(10,3), battery numeric(5,2), signal smallint, alarms smallint NOT NULL DEFAULT 0, flags smallint NOT NULL DEFAULT 0,
    received_at timestamptz NOT NULL DEFAULT now(),
    ts_hour timestamptz GENERATED ALWAYS AS (${HOUR_OF_SQL('ts')}) STORED,
    PRIMARY KEY (tenant_id, ts_hour, meter_id, ts)) PARTITION BY RANGE (ts)`);
  const t0 = Date.parse('2026-11-01T00:00:00Z');
  for (let d = 0; d < 2; d++) {
    await admin.query(`CREATE TABLE rawbench.p${d} PARTITION OF rawbench.readings FOR VALUES FROM ('${new Date(t0 + d * 86_400_000).toISOString()}') TO ('${new Date(t0 + (d + 1) * 86_400_000).toISOString()}')`);
  }
  const tenant = randomUUID();
  // Transactions of the pipeline's size: a batch of INGEST_BATCH_BYTES of batch messages (~75 bytes a reading), split over the lanes.
  const perTx = Math.round(BATCH_BYTES / 75 / connections);
  async function copyPart(part: number): Promise<void> {
    const c = new Client({ connectionString: url });
    await c.connect();
    let i = part * perTx;
    while (i < rows) {
      const end = Math.min(rows, i + perTx);
      let buf = '';
      for (let k = i; k < end; k++) {
        buf += `${tenant}\tB-${k % meters}\t${new Date(t0 + Math.floor(k / meters) * 900_000).toISOString()}\t${(k % 1000) / 1000}\t\\N\t\\N\t\\N\t0\t0\n`;
      }
      await c.query('BEGIN');
      await pipeline(Readable.from([buf]), c.query(copyFrom(`COPY rawbench.readings (tenant_id, meter_id, ts, register_m3, flow_lps, battery, signal, alarms, flags) FROM STDIN`)));
      await c.query('COMMIT');
      i += perTx * connections;
    }
    await c.end();
  }
  await admin.query(FAIR_START_SQL);
  const started = Date.now();
  await Promise.all(Array.from({ length: connections }, (_, p) => copyPart(p)));
  const rps = rows / ((Date.now() - started) / 1000);
  await admin.query(`DROP SCHEMA rawbench CASCADE`);
  await admin.end();
  return rps;
}

async function main(): Promise<void> {
  const infra = await testInfra();
  const tdb = await createTestDatabase('bench_ingest');
  const ns = testNamespace();
  const nats = new NatsClient({ url: infra.natsUrl, name: 'bench-ingest' });
  await nats.connect();
  const admin = new Client({ connectionString: tdb.url });
  await admin.connect();
  const count = async () => Number((await admin.query(`SELECT count(*)::bigint AS n FROM telemetry.readings`)).rows[0].n);
  try {
    log(quick ? 'quick mode' : 'full mode', { ns });
    if (want('raw')) await admin.query(FAIR_START_SQL);
    const rawMsg = want('raw') ? await rawMessageCeiling(nats, infra.natsUrl, ns) : NaN;
    log(`raw JetStream publish -> pull-consume, same publisher (parse + ack, no database): ${Math.round(rawMsg)} msg/s`);
    const rawCopy = want('raw') ? await rawCopyCeiling(tdb.url, LANES) : NaN;
    log(`raw COPY into a partitioned table with its key, ${LANES} connections: ${Math.round(rawCopy)} rows/s`);
    if (want('rawreplay')) {
      const started = Date.now();
      const rps = await rawCopyCeiling(tdb.url, LANES, REPLAY_METERS * 96, REPLAY_METERS);
      log(`raw COPY of the replay's ${REPLAY_METERS * 96} rows (${REPLAY_METERS} meters, time-major), ${LANES} connections: ${Math.round(rps)} rows/s, ${((Date.now() - started) / 1000).toFixed(1)} s`);
    }

    const rt = await bootstrapService(ingestionService, {
      envOverrides: { DATABASE_URL: tdb.url, SUPRA_NAMESPACE: ns, NATS_URL: infra.natsUrl, HTTP_PORT: '0', LOG_LEVEL: 'warn', INGEST_QUOTA_RPS: '0', INGEST_WRITE_LANES: String(LANES), TELEMETRY_STREAM_MAX_BYTES: String(streamBytes) },
    });
    const ctx = { tenantId: randomUUID(), tenantSlug: 'bench' };
    const rpc = new RpcClient(nats, ns, 120_000);
    const registerMeters = async (n: number) => {
      for (let i = 0; i < n; i += 20_000) {
        await rpc.request('ingestion', 'meters.register', { meters: Array.from({ length: Math.min(20_000, n - i) }, (_, k) => ({ meterId: `B-${i + k}` })) }, ctx);
      }
    };
    await registerMeters(Math.max(REPLAY_METERS, 2_000));
    // Separate time ranges, so no phase meets another's keys: single from 10-01 (≤ 3.2 days), batch
    // from 10-10 (≤ 10.5 days), live readings now, the replay on 11-05. Daily partitions for each.
    for (const from of ['2026-10-01', '2026-10-10']) await rt.db.asSystem((em) => em.query(`SELECT telemetry.maintain_partitions(14, 4000, $1)`, [`${from}T00:00:00Z`]));

    // Progress from the consumer's committed-row counter: a count(*) every 200 ms over tens of
    // millions of rows would itself load the two cores.
    const consumer = rt.app.get(TelemetryConsumer);
    let lastSeconds = NaN;
    const measure = async (args: string[], expected: number) => {
      const profiler = PROFILE_DIR ? new Session() : undefined;
      if (profiler) {
        profiler.connect();
        await profiler.post('Profiler.enable');
        await profiler.post('Profiler.start');
      }
      await admin.query(FAIR_START_SQL);
      const before = consumer.stats.inserted;
      const started = Date.now();
      const pub = publisher(args);
      let last = { n: 0, at: Date.now(), logged: Date.now() };
      for (let n = 0; n < expected; n = consumer.stats.inserted - before) {
        await sleep(50);
        const now = Date.now();
        if (n > last.n) last = { ...last, n, at: now };
        // A reading never stored stalls the count: report it instead of waiting forever.
        if (now - last.at > 120_000) throw new Error(`stalled at ${n} of ${expected} readings stored`);
        if (now - last.logged > 30_000) {
          log(`  ${n} of ${expected} (${Math.round(n / ((now - started) / 1000))}/s)`);
          last.logged = now;
        }
      }
      const ended = Date.now();
      if (profiler) {
        const { profile } = await profiler.post('Profiler.stop');
        writeFileSync(`${PROFILE_DIR}/ingest-${args[3]}x${args[5]}-${ended}.cpuprofile`, JSON.stringify(profile));
        profiler.disconnect();
      }
      // From the child's first publish to the last row committed.
      const from = Math.max(started, (await pub).startedAt);
      lastSeconds = (ended - from) / 1000;
      return expected / lastSeconds;
    };
    // (b) the pipeline, publisher in another process: single-reading messages, then batches of 100.
    const singleMeters = 1_000;
    const single = !want('single') ? NaN : await measure([infra.natsUrl, ns, 'bench', String(singleMeters), String(SINGLE_READINGS / singleMeters), '1', '0', String(Date.parse('2026-10-01T00:00:00Z'))], SINGLE_READINGS);
    log(`pipeline single-reading messages: ${Math.round(single)} readings/s`);
    const batchMeters = 2_000;
    const batch = !want('batch') ? NaN : await measure([infra.natsUrl, ns, 'bench', String(batchMeters), String(BATCH_READINGS / batchMeters), '100', '0', String(Date.parse('2026-10-10T00:00:00Z'))], BATCH_READINGS);
    log(`pipeline batch messages (100 readings): ${Math.round(batch)} readings/s`);

    // p99 publish -> committed at 20,000 readings/s (readings stamped with their publish time).
    const liveStart = new Date();
    await rt.db.asSystem((em) => em.query(`SELECT telemetry.maintain_partitions(7, 4000)`));
    if (want('p99')) await measure([infra.natsUrl, ns, 'bench', '1000', String(P99_READINGS / 1000), '100', String(P99_RATE), 'now'], P99_READINGS);
    const p99 = !want('p99') ? NaN : Number(
      (
        await admin.query(`SELECT percentile_cont(0.99) WITHIN GROUP (ORDER BY extract(epoch FROM received_at - ts) * 1000) AS p FROM telemetry.readings WHERE ts >= $1`, [liveStart])
      ).rows[0].p,
    );
    log(`p99 publish -> committed at ${P99_RATE}/s: ${Math.round(p99)} ms (received_at is the writing transaction's start)`);

    // The earlier phases wrote past days: once settled (SUMMARY_SETTLE_S) the service summarizes
    // them. Full mode lets that finish first, so the replay does not share the machine with
    // summarizing other phases' data (26,000 meter-days took ~1 core for minutes in the full run).
    if (!quick && want('replay')) {
      const summaries = rt.app.get(MeterDaySummaries);
      const pastMarks = async () =>
        Number((await admin.query(`SELECT count(*)::int AS n FROM telemetry.summary_dirty WHERE day < (now() AT TIME ZONE 'America/Mexico_City')::date`)).rows[0].n);
      const waitStart = Date.now();
      let summarized = 0;
      for (let left = await pastMarks(); left > 0; left = await pastMarks()) {
        if (Date.now() - waitStart > 15 * 60_000) throw new Error(`${left} meter-days still unsummarized after 15 min`);
        summarized += await summaries.summarizeDue();
        await sleep(5_000);
      }
      log(`earlier phases summarized before the replay: ${summarized} meter-days, waited ${((Date.now() - waitStart) / 1000).toFixed(0)} s`);
    }

    // (c) replay: 24 h of 15-minute readings for REPLAY_METERS meters, twice; the second pass must store nothing.
    const replayReadings = REPLAY_METERS * 96;
    const t0 = String(Date.parse('2026-11-05T00:00:00Z'));
    await rt.db.asSystem((em) => em.query(`SELECT telemetry.maintain_partitions(7, 4000, '2026-11-05T00:00:00Z')`));
    if (!want('replay')) {
      await rt.close();
      log(`phases ${PHASES.join(',')} only: no RESULT line`);
      return;
    }
    await measure([infra.natsUrl, ns, 'bench', String(REPLAY_METERS), '96', '100', '0', t0], replayReadings);
    const replayS = lastSeconds;
    log(`replay of ${replayReadings} readings: ${replayS.toFixed(1)} s`);
    const dupBefore = consumer.stats.duplicates;
    const beforeAgain = await count();
    const again = await publisher([infra.natsUrl, ns, 'bench', String(REPLAY_METERS), '96', '100', '0', t0]);
    while (consumer.stats.duplicates - dupBefore < replayReadings) await sleep(500);
    log(`the same replay again (every reading a duplicate): ${((Date.now() - again.startedAt) / 1000).toFixed(1)} s`);
    const afterAgain = await count();
    const stored = Number(
      (await admin.query(`SELECT count(*)::bigint AS n FROM telemetry.readings WHERE ts >= '2026-11-05T00:00:00Z' AND ts < '2026-11-06T00:00:00Z'`)).rows[0].n,
    );
    const lost = Math.max(0, replayReadings - stored);
    const duplicated = afterAgain - beforeAgain + Math.max(0, stored - replayReadings);
    await rt.close();
    // A script reads the RESULT line: only a run of every phase prints one.
    const all = ['raw', 'single', 'batch', 'p99', 'replay'].every(want);
    console.log(
      `${all ? 'RESULT' : `PARTIAL (phases ${PHASES.join(',')})`} ingest single_rps=${Math.round(single)} batch_rps=${Math.round(batch)} raw_msg_rps=${Math.round(rawMsg)} raw_copy_rps=${Math.round(rawCopy)} ` +
        `single_ratio=${(single / rawMsg).toFixed(2)} batch_ratio=${(batch / rawCopy).toFixed(2)} replay_s=${replayS.toFixed(1)} p99_ms=${Math.round(p99)} lost=${lost} duplicated=${duplicated}`,
    );
  } finally {
    for (const s of [Streams.telemetry(ns), Streams.dlq(ns), Streams.forContext(ns, 'ingestion')]) await nats.jsm.streams.delete(s).catch(() => undefined);
    await nats.close();
    await admin.end();
    await tdb.drop();
  }
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);

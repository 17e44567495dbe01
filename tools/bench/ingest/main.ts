// npm run bench:ingest [-- --quick]  (see README.md)
import { spawn } from 'node:child_process';
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

const quick = process.argv.includes('--quick');
const te = new TextEncoder();
const log = (...a: unknown[]) => console.log('[bench:ingest]', ...a);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// Volumes: full numbers are the issue's; --quick scales them down for a smoke run.
const RAW_MSGS = quick ? 50_000 : 300_000;
const SINGLE_READINGS = quick ? 60_000 : 300_000;
const BATCH_READINGS = quick ? 300_000 : 2_000_000;
const REPLAY_METERS = quick ? 4_000 : 400_000; // × 96 readings (24 h of 15-minute readings)
const P99_RATE = 20_000;
const P99_READINGS = quick ? 100_000 : 400_000;

function publisher(args: string[]): Promise<{ readings: number; ms: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-r', '@swc-node/register', 'tools/bench/ingest/publisher.ts', ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (c) => (out += c));
    child.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out.trim().split('\n').pop()!)) : reject(new Error(`publisher exited ${code}`))));
  });
}

async function rawMessageCeiling(nats: NatsClient, ns: string): Promise<number> {
  const stream = `${Streams.telemetry(ns)}_RAW`;
  const subject = `${ns}.rawbench.>`;
  await ensureStream(nats.jsm, { name: stream, subjects: [subject], maxAgeMs: 3600_000, maxBytes: 1024 ** 3 });
  const body = te.encode(JSON.stringify({ ts: new Date().toISOString(), registerM3: 123.456, flowLps: 0.01 }));
  const pending: Promise<unknown>[] = [];
  for (let i = 0; i < RAW_MSGS; i++) {
    pending.push(nats.js.publish(`${ns}.rawbench.demo.M${i % 1000}`, body));
    if (pending.length >= 2048) await Promise.all(pending.splice(0, 1024));
  }
  await Promise.all(pending);
  await nats.jsm.consumers.add(stream, { durable_name: 'raw', ack_policy: AckPolicy.Explicit, deliver_policy: DeliverPolicy.All, max_ack_pending: 20_000 });
  const consumer = await nats.js.consumers.get(stream, 'raw');
  const started = Date.now();
  const msgs = await consumer.consume({ max_messages: 10_000 });
  let n = 0;
  for await (const m of msgs) {
    JSON.parse(new TextDecoder().decode(m.data)); // the same parse work the pipeline has, no database
    m.ack();
    if (++n === RAW_MSGS) break;
  }
  const rps = RAW_MSGS / ((Date.now() - started) / 1000);
  await msgs.close();
  await nats.jsm.streams.delete(stream);
  return rps;
}

async function rawCopyCeiling(url: string): Promise<number> {
  const c = new Client({ connectionString: url });
  await c.connect();
  await c.query(`CREATE SCHEMA rawbench`);
  await c.query(`CREATE TABLE rawbench.readings (tenant_id uuid NOT NULL, meter_id text NOT NULL, ts timestamptz NOT NULL, register_m3 numeric(12,3) NOT NULL,
    flow_lps numeric(10,3), battery numeric(5,2), signal smallint, alarms smallint NOT NULL DEFAULT 0, flags smallint NOT NULL DEFAULT 0,
    received_at timestamptz NOT NULL DEFAULT now(), PRIMARY KEY (tenant_id, meter_id, ts)) PARTITION BY RANGE (ts)`);
  const t0 = Date.parse('2026-11-01T00:00:00Z');
  for (let d = 0; d < 2; d++) {
    await c.query(`CREATE TABLE rawbench.p${d} PARTITION OF rawbench.readings FOR VALUES FROM ('${new Date(t0 + d * 86_400_000).toISOString()}') TO ('${new Date(t0 + (d + 1) * 86_400_000).toISOString()}')`);
  }
  const tenant = randomUUID();
  const rows = BATCH_READINGS;
  const meters = rows / 96;
  function* lines() {
    let buf: string[] = [];
    for (let i = 0; i < rows; i++) {
      buf.push(`${tenant}\tB-${i % meters}\t${new Date(t0 + Math.floor(i / meters) * 900_000).toISOString()}\t${(i % 1000) / 1000}\t\\N\t\\N\t\\N\t0\t0\n`);
      if (buf.length === 5000) {
        yield buf.join('');
        buf = [];
      }
    }
    if (buf.length) yield buf.join('');
  }
  const started = Date.now();
  // Same batch size as the pipeline's transactions (5,000 rows), one connection like its writer.
  await c.query('BEGIN');
  await pipeline(Readable.from(lines()), c.query(copyFrom(`COPY rawbench.readings (tenant_id, meter_id, ts, register_m3, flow_lps, battery, signal, alarms, flags) FROM STDIN`)));
  await c.query('COMMIT');
  const rps = rows / ((Date.now() - started) / 1000);
  await c.query(`DROP SCHEMA rawbench CASCADE`);
  await c.end();
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
    const rawMsg = await rawMessageCeiling(nats, ns);
    log(`raw JetStream publish -> pull-consume (parse + ack, no database): ${Math.round(rawMsg)} msg/s`);
    const rawCopy = await rawCopyCeiling(tdb.url);
    log(`raw COPY into a partitioned table with its key: ${Math.round(rawCopy)} rows/s`);

    const rt = await bootstrapService(ingestionService, {
      envOverrides: { DATABASE_URL: tdb.url, SUPRA_NAMESPACE: ns, NATS_URL: infra.natsUrl, HTTP_PORT: '0', LOG_LEVEL: 'warn', INGEST_QUOTA_RPS: '0', TELEMETRY_STREAM_MAX_BYTES: String((quick ? 0.5 : 4) * 1024 ** 3) },
    });
    const ctx = { tenantId: randomUUID(), tenantSlug: 'bench' };
    const rpc = new RpcClient(nats, ns, 120_000);
    const registerMeters = async (n: number) => {
      for (let i = 0; i < n; i += 20_000) {
        await rpc.request('ingestion', 'meters.register', { meters: Array.from({ length: Math.min(20_000, n - i) }, (_, k) => ({ meterId: `B-${i + k}` })) }, ctx);
      }
    };
    await registerMeters(Math.max(REPLAY_METERS, 2_000));
    await rt.db.asSystem((em) => em.query(`SELECT telemetry.maintain_partitions(7, 4000, '2026-11-01T00:00:00Z')`));

    const measure = async (args: string[], expected: number) => {
      const before = await count();
      const started = Date.now();
      const pub = publisher(args);
      let n = before;
      while (n - before < expected) {
        await sleep(200);
        n = await count();
      }
      const elapsed = (Date.now() - started) / 1000;
      await pub;
      return expected / elapsed;
    };
    // (b) the pipeline, publisher in another process: single-reading messages, then batches of 100.
    const singleMeters = 1_000;
    const single = await measure([infra.natsUrl, ns, 'bench', String(singleMeters), String(SINGLE_READINGS / singleMeters), '1', '0', String(Date.parse('2026-11-01T00:00:00Z'))], SINGLE_READINGS);
    log(`pipeline single-reading messages: ${Math.round(single)} readings/s`);
    const batchMeters = 2_000;
    const batch = await measure([infra.natsUrl, ns, 'bench', String(batchMeters), String(BATCH_READINGS / batchMeters), '100', '0', String(Date.parse('2026-11-02T00:00:00Z'))], BATCH_READINGS);
    log(`pipeline batch messages (100 readings): ${Math.round(batch)} readings/s`);

    // p99 publish -> committed at 20,000 readings/s (readings stamped with their publish time).
    const liveStart = new Date();
    await rt.db.asSystem((em) => em.query(`SELECT telemetry.maintain_partitions(7, 4000)`));
    await measure([infra.natsUrl, ns, 'bench', '1000', String(P99_READINGS / 1000), '100', String(P99_RATE), 'now'], P99_READINGS);
    const p99 = Number(
      (
        await admin.query(`SELECT percentile_cont(0.99) WITHIN GROUP (ORDER BY extract(epoch FROM received_at - ts) * 1000) AS p FROM telemetry.readings WHERE ts >= $1`, [liveStart])
      ).rows[0].p,
    );
    log(`p99 publish -> committed at ${P99_RATE}/s: ${Math.round(p99)} ms (received_at is the writing transaction's start)`);

    // (c) replay: 24 h of 15-minute readings for REPLAY_METERS meters, twice; the second pass must store nothing.
    const replayReadings = REPLAY_METERS * 96;
    const t0 = String(Date.parse('2026-11-05T00:00:00Z'));
    await rt.db.asSystem((em) => em.query(`SELECT telemetry.maintain_partitions(7, 4000, '2026-11-05T00:00:00Z')`));
    const replayStart = Date.now();
    await measure([infra.natsUrl, ns, 'bench', String(REPLAY_METERS), '96', '100', '0', t0], replayReadings);
    const replayS = (Date.now() - replayStart) / 1000;
    log(`replay of ${replayReadings} readings: ${replayS.toFixed(1)} s`);
    const consumer = rt.app.get((await import('../../../apps/ingestion/src/pipeline/telemetry-consumer')).TelemetryConsumer);
    const dupBefore = consumer.stats.duplicates;
    const beforeAgain = await count();
    await publisher([infra.natsUrl, ns, 'bench', String(REPLAY_METERS), '96', '100', '0', t0]);
    while (consumer.stats.duplicates - dupBefore < replayReadings) await sleep(500);
    const afterAgain = await count();
    const stored = Number(
      (await admin.query(`SELECT count(*)::bigint AS n FROM telemetry.readings WHERE ts >= '2026-11-05T00:00:00Z' AND ts < '2026-11-06T00:00:00Z'`)).rows[0].n,
    );
    const lost = Math.max(0, replayReadings - stored);
    const duplicated = afterAgain - beforeAgain + Math.max(0, stored - replayReadings);
    await rt.close();
    console.log(
      `RESULT ingest single_rps=${Math.round(single)} batch_rps=${Math.round(batch)} raw_msg_rps=${Math.round(rawMsg)} raw_copy_rps=${Math.round(rawCopy)} ` +
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

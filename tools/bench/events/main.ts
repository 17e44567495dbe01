// npm run bench:events — outbox → relay → JetStream → consumer (another process) with inbox, at a
// steady rate and at maximum rate, and raw JetStream publish → consume of the same messages.
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { AckPolicy } from '@nats-io/jetstream';
import { ServiceDatabase } from '@supra/platform/database';
import { encodeBinary, ensureStream, JetStreamPublisher, NatsClient, Outbox, OutboxRelay, Streams, buildCloudEvent, toMsgHdrs } from '@supra/platform/messaging';
import { TenantContext } from '@supra/platform/tenancy';
import { createTestDatabase, testInfra, testNamespace } from '@supra/platform/testing';
import { findProcess, perEvent, snapshot } from './cpu';
import { benchMigration, nowMs } from './schema';

const arg = (name: string, def: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : def;
};
const STEADY_RATE = arg('rate', 1000);
const STEADY_SECONDS = arg('seconds', 10);
const MAX_EVENTS = arg('events', 50_000);
const TX_SIZE = arg('tx', 500);
const TYPE = 'customer.toma.created.v1';
const TENANTS = [randomUUID(), randomUUID(), randomUUID()];

const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function main(): Promise<void> {
  const infra = await testInfra();
  const tdb = await createTestDatabase('supra_bench_events');
  const ns = testNamespace();
  const producer = new ServiceDatabase({ url: tdb.url, schema: 'bench_producer', migrations: [benchMigration('bench_producer', false)], poolSize: 4 });
  await producer.migrate();
  await producer.connect();
  const nats = new NatsClient({ url: infra.natsUrl, name: 'bench-producer' });
  await nats.connect();
  const consumerDb = new ServiceDatabase({ url: tdb.url, schema: 'bench_consumer', migrations: [benchMigration('bench_consumer', true)] });
  await consumerDb.migrate();
  await consumerDb.connect();

  // BENCH_CHILD_ARGS lets a profiling run pass e.g. --cpu-prof to the consumer process.
  const childArgs = process.env.BENCH_CHILD_ARGS ? process.env.BENCH_CHILD_ARGS.split(' ') : [];
  const child = spawn(process.execPath, [...childArgs, '-r', '@swc-node/register', join(__dirname, 'consumer.ts')], {
    cwd: join(__dirname, '..', '..', '..'),
    env: { ...process.env, DATABASE_URL: tdb.url, NATS_URL: infra.natsUrl, NS: ns },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise<void>((resolve) => child.stdout!.once('data', () => resolve()));
  // The services' relay settings (woken by NOTIFY; RELAY_BATCH overrides the batch size).
  const relay = new OutboxRelay(producer, nats, { service: 'bench_producer', ns, batchSize: process.env.RELAY_BATCH ? Number(process.env.RELAY_BATCH) : undefined });
  await relay.start();
  const outbox = new Outbox('bench_producer', 'bench_producer');
  const committed = new Map<number, number>();
  let seq = 0;

  const write = async (n: number) => {
    const tenantId = TENANTS[seq % TENANTS.length];
    const first = seq;
    seq += n;
    await TenantContext.run({ tenantId, tenantSlug: 'bench' }, () =>
      producer.tx(() => outbox.addMany(Array.from({ length: n }, (_, i) => ({ type: TYPE, subject: String(first + i), data: { seq: first + i } })))),
    );
    const t = nowMs();
    for (let i = 0; i < n; i++) committed.set(first + i, t);
  };
  const appliedCount = async () => {
    const [r] = await consumerDb.asSystem((em) => em.query(`SELECT count(*)::int AS n FROM bench_consumer.applied`));
    return r.n as number;
  };
  const waitApplied = async (n: number, timeoutMs: number) => {
    const deadline = Date.now() + timeoutMs;
    while ((await appliedCount()) < n) {
      if (Date.now() > deadline) throw new Error(`only ${await appliedCount()} of ${n} applied`);
      await sleep(20);
    }
  };

  // Warm-up (not measured): JIT, connection pools, the consumer's first pulls.
  for (let i = 0; i < 20; i++) await write(50);
  await waitApplied(seq, 60_000);
  const warm = seq;

  // Steady rate: small transactions every 10 ms.
  const perTick = Math.max(1, Math.round(STEADY_RATE / 100));
  const steadyTotal = warm + STEADY_RATE * STEADY_SECONDS;
  const t0 = nowMs();
  for (let k = 0; seq < steadyTotal; k++) {
    await write(Math.min(perTick, steadyTotal - seq));
    const next = t0 + (k + 1) * 10;
    const wait = next - nowMs();
    if (wait > 0) await sleep(wait);
  }
  await waitApplied(steadyTotal, 60_000);
  const rows = (await consumerDb.asSystem((em) => em.query(`SELECT seq, applied_ms FROM bench_consumer.applied WHERE seq >= $1 AND seq < $2`, [warm, steadyTotal]))) as Array<{ seq: string; applied_ms: number }>;
  const lat = rows.map((r) => r.applied_ms - committed.get(Number(r.seq))!).sort((a, b) => a - b);
  console.log(`steady ${STEADY_RATE}/s for ${STEADY_SECONDS}s: ${rows.length} applied, commit→applied p50 ${pct(lat, 50).toFixed(1)} ms, p99 ${pct(lat, 99).toFixed(1)} ms, max ${lat[lat.length - 1].toFixed(1)} ms`);

  // Maximum rate: transactions of TX_SIZE events as fast as the producer can commit.
  // CPU per event of every process involved, from /proc (empty where there is none).
  const natsPid = findProcess((c) => c.includes('nats-server') && c.includes(String(new URL(infra.natsUrl).port || 4222)));
  const cpuGroups = async () => {
    const backends = (await consumerDb.asSystem((em) =>
      em.query(`SELECT pid, application_name AS app FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()`),
    )) as Array<{ pid: number; app: string }>;
    const pg = (pred: (app: string) => boolean) => backends.filter((b) => pred(b.app)).map((b) => b.pid);
    return {
      'producer+relay': [process.pid],
      consumer: child.pid ? [child.pid] : [],
      'pg producer': pg((a) => a === 'bench_producer'),
      'pg relay': pg((a) => a.startsWith('bench_producer-')),
      'pg consumer': pg((a) => a.startsWith('bench_consumer')),
      'nats-server': natsPid ? [natsPid] : [],
    };
  };
  const cpuBefore = snapshot(await cpuGroups());
  const maxStart = nowMs();
  const base = seq;
  const writers = 2;
  // --timeline: every 500 ms, how far the producer, the relay and the consumer have got.
  const timeline = process.argv.includes('--timeline')
    ? setInterval(() => {
        void appliedCount().then((n) => console.log(`  t=${((nowMs() - maxStart) / 1000).toFixed(1)}s committed=${seq - base} published=${relay.metrics.published} applied=${n - base}`));
      }, 500)
    : undefined;
  await Promise.all(
    Array.from({ length: writers }, async () => {
      while (seq < base + MAX_EVENTS) await write(Math.min(TX_SIZE, base + MAX_EVENTS - seq));
    }),
  );
  const producedMs = nowMs() - maxStart;
  await waitApplied(base + MAX_EVENTS, 300_000);
  if (timeline) clearInterval(timeline);
  const [{ last }] = await consumerDb.asSystem((em) => em.query(`SELECT max(applied_ms) AS last FROM bench_consumer.applied`));
  if (timeline) console.log(`  max phase epoch_ms ${maxStart.toFixed(0)} ${Number(last).toFixed(0)}`);
  const maxMs = last - maxStart;
  const throughput = MAX_EVENTS / (maxMs / 1000);
  console.log(`max rate: ${MAX_EVENTS} events committed in ${(producedMs / 1000).toFixed(2)} s, all applied in ${(maxMs / 1000).toFixed(2)} s → ${throughput.toFixed(0)} events/s`);
  const cpu = perEvent(cpuBefore, snapshot(await cpuGroups()), MAX_EVENTS);
  const cpuTotal = Object.values(cpu).reduce((a, b) => a + b, 0);
  console.log(`CPU per event at max rate: ${Object.entries(cpu).map(([g, us]) => `${g} ${us.toFixed(0)} µs`).join(', ')}; total ${cpuTotal.toFixed(0)} µs`);

  // Exactly once: every event applied, none twice (seq is the primary key; the inbox agrees).
  const [{ n: inboxRows }] = await consumerDb.asSystem((em) => em.query(`SELECT count(*)::int AS n FROM bench_consumer.inbox`));
  const total = await appliedCount();
  console.log(`exactly once: produced ${seq}, applied ${total}, inbox ${inboxRows}`);
  if (total !== seq || inboxRows !== seq) throw new Error('exactly-once violated');

  // Raw ceiling: the same messages through JetStream with no database work.
  const rawStream = `${Streams.forContext(ns, 'raw')}`;
  const rawSubject = `${ns}.raw.bench`;
  await ensureStream(nats.jsm, { name: rawStream, subjects: [rawSubject], maxAgeMs: 3600_000 });
  await nats.jsm.consumers.add(rawStream, { durable_name: 'raw', ack_policy: AckPolicy.Explicit, max_ack_pending: 20_000 });
  const consumer = await nats.js.consumers.get(rawStream, 'raw');
  const msgs = await consumer.consume({ max_messages: 2000 });
  let got = 0;
  const rawStart = nowMs();
  let rawEnd = 0;
  const consumed = (async () => {
    for await (const m of msgs) {
      m.ack();
      if (++got === MAX_EVENTS) {
        rawEnd = nowMs();
        break;
      }
    }
  })();
  // The relay's own way of publishing (asynchronous, acks awaited in bulk) with a sliding window of
  // 2,000 unacknowledged messages, so the ceiling is what JetStream takes, not a stop-and-wait.
  const publisher = new JetStreamPublisher(() => nats.connection);
  const window: Promise<unknown>[] = [];
  for (let i = 0; i < MAX_EVENTS; i++) {
    const ce = buildCloudEvent('bench_producer', { type: TYPE, subject: String(i), data: { seq: i }, tenantId: TENANTS[0], tenantSlug: 'bench' });
    const { headers, payload } = encodeBinary(ce);
    window.push(publisher.publish(rawSubject, payload, toMsgHdrs(headers)));
    if (window.length >= 2000) await window.shift();
  }
  await Promise.all(window);
  await consumed;
  publisher.close();
  const rawThroughput = MAX_EVENTS / ((rawEnd - rawStart) / 1000);
  console.log(`raw JetStream publish → consume: ${MAX_EVENTS} in ${((rawEnd - rawStart) / 1000).toFixed(2)} s → ${rawThroughput.toFixed(0)} msg/s`);

  child.kill('SIGTERM');
  await new Promise((r) => child.once('exit', r));
  await relay.stop();
  for (const s of [Streams.forContext(ns, 'customer'), rawStream, Streams.dlq(ns)]) await nats.jsm.streams.delete(s).catch(() => undefined);
  await nats.close();
  await producer.close();
  await consumerDb.close();
  await tdb.drop();
  console.log(
    `RESULT events throughput=${throughput.toFixed(0)} p50_ms=${pct(lat, 50).toFixed(1)} p99_ms=${pct(lat, 99).toFixed(1)} raw_throughput=${rawThroughput.toFixed(0)} ratio=${(throughput / rawThroughput).toFixed(3)}`,
  );
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);

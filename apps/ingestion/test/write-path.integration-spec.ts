import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { Streams, Subjects } from '@supra/platform/messaging';
import { bootstrapService } from '@supra/platform/runtime';
import { TenantContext } from '@supra/platform/tenancy';
import { testInfra } from '@supra/platform/testing';
import { MetersService } from '../src/meters/meters.service';
import { TelemetryConsumer } from '../src/pipeline/telemetry-consumer';
import { ingestionService } from '../src/service.definition';
import { countReadings, publish, q, registerMeters, startHarness, tenantCtx, until, type Harness } from './fixtures';

const HOUR = 3600_000;
const iso = (ms: number) => new Date(ms).toISOString();
const te = new TextEncoder();
const DECREASE = 2;
const REPLAYED = 8;

jest.setTimeout(60_000);

/** Stops the service and boots a new one on the same database and stream (what a restart does). */
async function restart(h: Harness, env: Record<string, string>): Promise<void> {
  await h.rt.close();
  const infra = await testInfra();
  h.rt = await bootstrapService(ingestionService, {
    envOverrides: { DATABASE_URL: h.tdb.url, SUPRA_NAMESPACE: h.ns, NATS_URL: infra.natsUrl, HTTP_PORT: '0', LOG_LEVEL: 'warn', ...env },
  });
}

const quarantined = async (h: Harness, meter: string) =>
  (await q<{ n: number }>(h, `SELECT count(*)::int AS n FROM telemetry.quarantine WHERE meter_id = $1`, [meter]))[0].n;

const flagsOf = async (h: Harness, meter: string) =>
  (await q<{ register_m3: string; flags: number }>(h, `SELECT register_m3::text, flags FROM telemetry.readings WHERE meter_id = $1 ORDER BY ts`, [meter]));

describe('ingestion write path: the consumer follows meter changes made by others', () => {
  let h: Harness;
  const demo = tenantCtx('demo');
  const base = Math.floor((Date.now() - 2 * HOUR) / 1000) * 1000;

  beforeAll(async () => {
    h = await startHarness();
  }, 60_000);

  afterAll(async () => {
    await h?.close();
  });

  it('a meter registered after its readings were quarantined: later readings are stored and checked against the replayed ones', async () => {
    await registerMeters(h, demo, ['KNOWN-1']);
    await publish(h, 'demo', 'LATE-1', { ts: iso(base), registerM3: 10 });
    await publish(h, 'demo', 'LATE-1', { ts: iso(base + 900_000), registerM3: 10.5 });
    await until('quarantined', () => quarantined(h, 'LATE-1'), (n) => n === 2);
    // The consumer has now cached LATE-1 as unknown: only the meter-change bump can tell it otherwise.
    expect(await registerMeters(h, demo, ['LATE-1'])).toEqual({ registered: 1, replayed: 2 });
    // Later in time, lower than the last replayed register (10.5) but higher than the first (10).
    await publish(h, 'demo', 'LATE-1', { ts: iso(base + 2 * 900_000), registerM3: 10.2 });
    await until('live reading stored', () => countReadings(h, `meter_id = 'LATE-1'`), (n) => n === 3);
    expect(await flagsOf(h, 'LATE-1')).toEqual([
      { register_m3: '10.000', flags: REPLAYED },
      { register_m3: '10.500', flags: REPLAYED },
      { register_m3: '10.200', flags: DECREASE },
    ]);
    expect(await quarantined(h, 'LATE-1')).toBe(0);
  });

  it('a removed meter: its next readings are quarantined, not stored', async () => {
    await registerMeters(h, demo, ['GONE-1']);
    await publish(h, 'demo', 'GONE-1', { ts: iso(base), registerM3: 1 });
    await until('stored while installed', () => countReadings(h, `meter_id = 'GONE-1'`), (n) => n === 1);
    // What the metering.meter.removed.v1 handler runs, in the event's tenant context.
    const removed = { meterId: randomUUID(), serial: 'GONE-1', tomaId: randomUUID(), removedAt: iso(Date.now()), finalRegisterM3: '1.000' };
    await TenantContext.run(demo, () => h.rt.app.get(MetersService).onRemoved(removed));
    await publish(h, 'demo', 'GONE-1', { ts: iso(base + 900_000), registerM3: 1.5 });
    await until('quarantined after removal', () => quarantined(h, 'GONE-1'), (n) => n === 1);
    expect(await countReadings(h, `meter_id = 'GONE-1'`)).toBe(1);
  });

  it('a mass registration beside a removal: the lanes read their cached meters by key and still see the removal', async () => {
    await registerMeters(h, demo, ['GONE-2']);
    await publish(h, 'demo', 'GONE-2', { ts: iso(base), registerM3: 1 });
    await until('stored while installed', () => countReadings(h, `meter_id = 'GONE-2'`), (n) => n === 1);
    const consumer = h.rt.app.get(TelemetryConsumer);
    const byKeyBefore = consumer.stats.refreshedByKey;
    // Far more meters change than either lane caches (a handful here).
    await registerMeters(h, demo, Array.from({ length: 200 }, (_, i) => `MASS-${i}`));
    const removed = { meterId: randomUUID(), serial: 'GONE-2', tomaId: randomUUID(), removedAt: iso(Date.now()), finalRegisterM3: '1.000' };
    await TenantContext.run(demo, () => h.rt.app.get(MetersService).onRemoved(removed));
    await publish(h, 'demo', 'GONE-2', { ts: iso(base + 900_000), registerM3: 1.5 });
    await until('quarantined after removal', () => quarantined(h, 'GONE-2'), (n) => n === 1);
    expect(await countReadings(h, `meter_id = 'GONE-2'`)).toBe(1);
    expect(consumer.stats.refreshedByKey).toBeGreaterThan(byKeyBefore);
    // A newly registered meter, never cached, is read on first use as usual.
    await publish(h, 'demo', 'MASS-7', { ts: iso(base), registerM3: 3 });
    await until('stored', () => countReadings(h, `meter_id = 'MASS-7'`), (n) => n === 1);
  });
});

describe('ingestion write path: restart', () => {
  let h: Harness;
  const demo = tenantCtx('demo');
  const base = Math.floor((Date.now() - 2 * HOUR) / 1000) * 1000;
  // No state is written during the test: after the restart the database knows nothing of the readings.
  const env = { INGEST_STATE_FLUSH_S: '600', TELEMETRY_STREAM_MAX_BYTES: String(64 * 1024 ** 2) };

  beforeAll(async () => {
    h = await startHarness(env);
    await registerMeters(h, demo, ['RST-1', 'RST-2']);
  }, 60_000);

  afterAll(async () => {
    await h?.close();
  });

  it('resumes from the written state after a restart: nothing stored twice, register check against the real last reading', async () => {
    for (let i = 0; i < 3; i++) await publish(h, 'demo', 'RST-1', { ts: iso(base + i * 900_000), registerM3: 100 + i });
    await until('3 readings', () => countReadings(h, `meter_id = 'RST-1'`), (n) => n === 3);
    const meter = await q<{ last_ts: Date | null; last_register_m3: string | null }>(h, `SELECT last_ts, last_register_m3::text FROM telemetry.meters WHERE meter_id = 'RST-1'`);
    expect(meter).toEqual([{ last_ts: null, last_register_m3: null }]);
    const positions = await q<{ seq: number }>(h, `SELECT stream_seq::int AS seq FROM telemetry.consumer_state ORDER BY lane`);
    expect(positions.length).toBeGreaterThan(0);
    expect(positions.every((p) => p.seq === 0)).toBe(true);

    await restart(h, env);
    const consumer = h.rt.app.get(TelemetryConsumer);
    // Everything after the written position (all three) comes again and is absorbed.
    await until('redelivered', async () => consumer.stats.duplicates, (n) => n >= 3);
    expect(consumer.stats.inserted).toBe(0);
    // The stale state called them new: the key stopped the COPY and the write was redone the slow way.
    expect(consumer.stats.slowFallbacks).toBeGreaterThan(0);

    // Later, below the 3rd register (102): a decrease, though telemetry.meters still says nothing.
    await publish(h, 'demo', 'RST-1', { ts: iso(base + 3 * 900_000), registerM3: 101.5 });
    await until('4th reading', () => countReadings(h, `meter_id = 'RST-1'`), (n) => n === 4);
    expect(await flagsOf(h, 'RST-1')).toEqual([
      { register_m3: '100.000', flags: 0 },
      { register_m3: '101.000', flags: 0 },
      { register_m3: '102.000', flags: 0 },
      { register_m3: '101.500', flags: DECREASE },
    ]);
    expect(consumer.stats.inserted).toBe(1);
  });

  it('resumes from a stale written state that is not empty: the redelivered duplicates move it on', async () => {
    const seqs: number[] = [];
    for (let i = 0; i < 5; i++) {
      const ack = await h.nats.js.publish(Subjects.telemetry(h.ns, 'demo', 'RST-2'), te.encode(JSON.stringify({ ts: iso(base + i * 900_000), registerM3: 200 + i })));
      seqs.push(ack.seq);
    }
    await until('5 readings', () => countReadings(h, `meter_id = 'RST-2'`), (n) => n === 5);
    await h.rt.close();
    // As if the state had last been written after the 3rd reading (202): the 4th and 5th are stored
    // but neither telemetry.meters nor the position knows them.
    await h.admin.query(`UPDATE telemetry.meters SET last_ts = $1, last_register_m3 = 202 WHERE meter_id = 'RST-2'`, [iso(base + 2 * 900_000)]);
    await h.admin.query(`UPDATE telemetry.consumer_state SET stream_seq = $1`, [seqs[2]]);
    await restart(h, env);
    const consumer = h.rt.app.get(TelemetryConsumer);
    await until('4th and 5th delivered again', async () => consumer.stats.duplicates, (n) => n >= 2);
    // After the 5th (204) in time, below it, above the written 202: only the true last reading flags it.
    await publish(h, 'demo', 'RST-2', { ts: iso(base + 5 * 900_000), registerM3: 203.5 });
    await until('6th reading', () => countReadings(h, `meter_id = 'RST-2'`), (n) => n === 6);
    expect((await flagsOf(h, 'RST-2')).map((r) => r.flags)).toEqual([0, 0, 0, 0, 0, DECREASE]);
  });
});

describe('ingestion write path: a full stream', () => {
  let h: Harness;
  let lock: Client | undefined;
  const demo = tenantCtx('demo');
  const env = { TELEMETRY_STREAM_MAX_BYTES: '1000000', INGEST_STATE_FLUSH_S: '1' };

  beforeAll(async () => {
    h = await startHarness(env);
    await registerMeters(h, demo, ['FULL-1']);
  }, 60_000);

  afterAll(async () => {
    await lock?.end().catch(() => undefined);
    await h?.close();
  });

  it('a full stream refuses new telemetry instead of dropping unconsumed readings; written readings are purged', async () => {
    // The consumer must not drain the stream while it fills: we hold its lease, and the restarted
    // service stands by (the first runtime took the lease at boot).
    await h.rt.close();
    lock = new Client({ connectionString: h.tdb.url });
    await lock.connect();
    await lock.query(`SELECT pg_advisory_lock(hashtext($1))`, [`supra.ingestion.telemetry.${h.ns}`]);
    await restart(h, env);

    const stream = Streams.telemetry(h.ns);
    const subject = Subjects.telemetry(h.ns, 'demo', 'gw-full');
    const t0 = Math.floor((Date.now() - 6 * HOUR) / 1000) * 1000;
    const batch = (k: number) =>
      te.encode(JSON.stringify({ readings: Array.from({ length: 100 }, (_, i) => ({ meter: 'FULL-1', ts: iso(t0 + (k * 100 + i) * 1000), registerM3: (k * 100 + i) / 1000 })) }));
    let accepted = 0;
    let refusal: Error | undefined;
    while (!refusal && accepted < 1000) {
      try {
        await h.nats.js.publish(subject, batch(accepted));
        accepted++;
      } catch (e) {
        refusal = e as Error;
      }
    }
    expect(refusal?.message).toMatch(/maximum bytes/i);
    expect(accepted).toBeGreaterThan(10);
    const full = await h.nats.jsm.streams.info(stream);
    // Every accepted message is still there (discard "old" would have dropped the first ones).
    expect({ messages: full.state.messages, first: full.state.first_seq }).toEqual({ messages: accepted, first: 1 });
    expect(await countReadings(h, `meter_id = 'FULL-1'`)).toBe(0);

    // The standby polls the lease every second.
    await lock.end();
    lock = undefined;
    await until('every accepted reading stored', () => countReadings(h, `meter_id = 'FULL-1'`), (n) => n === accepted * 100, 30_000);
    // Within INGEST_STATE_FLUSH_S the state is written with the last message's position, then purged below it.
    const position = async () => (await q<{ seq: number }>(h, `SELECT min(stream_seq)::int AS seq FROM telemetry.consumer_state`))[0].seq;
    await until('state written at the last message', position, (seq) => seq === accepted, 15_000);
    await until('stream purged', async () => (await h.nats.jsm.streams.info(stream)).state.messages, (n) => n === 0, 15_000);
    const ack = await h.nats.js.publish(subject, batch(accepted));
    expect(ack.seq).toBeGreaterThan(accepted);
  });
});

describe('ingestion write path: a queue longer than the parse-ahead', () => {
  let h: Harness;
  const demo = tenantCtx('demo');
  const base = Math.floor((Date.now() - 2 * HOUR) / 1000) * 1000;

  beforeAll(async () => {
    // Batches of ~15 single-reading messages, a parse-ahead of ~60: the rest of the queue waits unparsed.
    h = await startHarness({ INGEST_BATCH_BYTES: '1024' });
    await registerMeters(h, demo, ['PA-1']);
  }, 60_000);

  afterAll(async () => {
    await h?.close();
  });

  it('parses the rest when their batch is cut: every reading stored once, checks and dead letters as usual', async () => {
    const publishes = [];
    for (let i = 0; i < 400; i++) {
      // A register dip at i = 200; one malformed message.
      const reg = i === 200 ? 0.5 : 1 + i;
      publishes.push(publish(h, 'demo', 'PA-1', i === 300 ? { ts: 'not a time', registerM3: 1 } : { ts: iso(base + i * 10_000), registerM3: reg }));
    }
    await Promise.all(publishes);
    await until('stored', () => countReadings(h, `meter_id = 'PA-1'`), (n) => n === 399);
    const consumer = h.rt.app.get(TelemetryConsumer);
    expect(consumer.stats.parsedWhenCut).toBeGreaterThan(0);
    expect(consumer.stats.deadLettered).toBe(1);
    const flagged = await q<{ register_m3: string }>(h, `SELECT register_m3::text FROM telemetry.readings WHERE meter_id = 'PA-1' AND flags & ${DECREASE} <> 0`);
    expect(flagged).toEqual([{ register_m3: '0.500' }]);
  });
});

describe('ingestion write path: a lane connection that fails', () => {
  let h: Harness;
  const demo = tenantCtx('demo');
  const base = Math.floor((Date.now() - 2 * HOUR) / 1000) * 1000;
  const lanes = `datname = current_database() AND application_name LIKE '%-lane-%'`;
  const marks = async (meter: string) => (await q<{ n: number }>(h, `SELECT count(*)::int AS n FROM telemetry.summary_dirty WHERE meter_id = $1`, [meter]))[0].n;

  beforeAll(async () => {
    h = await startHarness();
    await registerMeters(h, demo, ['LC-1', 'LC-2']);
  }, 60_000);

  afterAll(async () => {
    await h?.close();
  });

  it('killed while idle: the next write opens another', async () => {
    await publish(h, 'demo', 'LC-1', { ts: iso(base), registerM3: 1 });
    await until('first stored', () => countReadings(h, `meter_id = 'LC-1'`), (n) => n === 1);
    const killed = await q<{ ok: boolean }>(h, `SELECT pg_terminate_backend(pid) AS ok FROM pg_stat_activity WHERE ${lanes}`);
    expect(killed.length).toBeGreaterThan(0);
    await publish(h, 'demo', 'LC-1', { ts: iso(base + 900_000), registerM3: 0.5 });
    await until('second stored', () => countReadings(h, `meter_id = 'LC-1'`), (n) => n === 2);
    // The register check still ran against the cached state.
    expect((await flagsOf(h, 'LC-1')).map((r) => r.flags)).toEqual([0, DECREASE]);
  });

  it('killed inside a write (after its COPY, waiting for the marks): rolled back, retried, stored once with its marks', async () => {
    const consumer = h.rt.app.get(TelemetryConsumer);
    const retries = consumer.stats.retries;
    const locker = new Client({ connectionString: h.tdb.url });
    await locker.connect();
    try {
      // The marks statement follows the COPY in the commit's round trip: it waits for this lock.
      await locker.query(`BEGIN; LOCK TABLE telemetry.summary_dirty IN ACCESS EXCLUSIVE MODE`);
      await publish(h, 'demo', 'LC-2', { ts: iso(base), registerM3: 7 });
      await until('lane waiting', async () => (await q(h, `SELECT 1 FROM pg_stat_activity WHERE ${lanes} AND wait_event_type = 'Lock'`)).length, (n) => n > 0);
      await q(h, `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE ${lanes} AND wait_event_type = 'Lock'`);
      await until('retried', async () => consumer.stats.retries, (n) => n > retries);
      // Nothing of the killed transaction is visible.
      expect(await countReadings(h, `meter_id = 'LC-2'`)).toBe(0);
      await locker.query('ROLLBACK');
    } finally {
      await locker.end();
    }
    await until('stored after the retry', () => countReadings(h, `meter_id = 'LC-2'`), (n) => n === 1);
    expect(await marks('LC-2')).toBe(1);
    await publish(h, 'demo', 'LC-2', { ts: iso(base), registerM3: 7 }, `dup-${randomUUID()}`);
    await until('duplicate seen', async () => consumer.stats.duplicates, (n) => n >= 1);
    expect(await countReadings(h, `meter_id = 'LC-2'`)).toBe(1);
  });
});

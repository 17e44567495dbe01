import { request } from 'node:http';
import { findTenancyViolations } from '@supra/platform/database';
import { Subjects } from '@supra/platform/messaging';
import { MeterDaySummaries } from '../src/summaries/meter-day-summaries';
import { TelemetryConsumer } from '../src/pipeline/telemetry-consumer';
import { countReadings, dlqMessages, publish, q, registerMeters, startHarness, tenantCtx, until, type Harness } from './fixtures';

const HOUR = 3600_000;
const iso = (ms: number) => new Date(ms).toISOString();

function getJson(url: string): Promise<{ status: number; body: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    request(url, (res) => {
      let s = '';
      res.on('data', (c) => (s += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(s) }));
    })
      .on('error', reject)
      .end();
  });
}

jest.setTimeout(30_000);

describe('ingestion: telemetry into telemetry.readings', () => {
  let h: Harness;
  const demo = tenantCtx('demo');
  const other = tenantCtx('other-utility');
  // A fixed hour two hours ago, on a whole second, so expected rows are exact.
  const base = Math.floor((Date.now() - 2 * HOUR) / 1000) * 1000;

  beforeAll(async () => {
    h = await startHarness({ INGEST_FUTURE_TOLERANCE_S: '300' });
    await registerMeters(h, demo, ['SIM-1', 'SIM-2', 'SIM-3', 'SIM-4', 'SIM-5']);
    await registerMeters(h, other, ['OT-1']);
  }, 60_000);

  afterAll(async () => {
    await h?.close();
  });

  it('stores a single reading and a batch of readings with exact registers', async () => {
    await publish(h, 'demo', 'SIM-1', { ts: iso(base), registerM3: 123.456, flowLps: 0.021, battery: 87, signal: -97, alarms: ['leak'] });
    await publish(h, 'demo', 'gw-01', {
      readings: [
        { meter: 'SIM-1', ts: iso(base + 900_000), registerM3: 123.5 },
        { meter: 'SIM-2', ts: iso(base), registerM3: 0.001 },
        { meter: 'SIM-2', ts: iso(base + 900_000), registerM3: 10 },
      ],
    });
    await until('4 readings', () => countReadings(h, `meter_id IN ('SIM-1','SIM-2')`), (n) => n === 4);
    const rows = await q<{ meter_id: string; register_m3: string; flow_lps: string | null; battery: string | null; signal: number | null; alarms: number; flags: number }>(
      h,
      `SELECT meter_id, register_m3::text, flow_lps::text, battery::text, signal, alarms, flags FROM telemetry.readings WHERE meter_id IN ('SIM-1','SIM-2') ORDER BY meter_id, ts`,
    );
    expect(rows).toEqual([
      { meter_id: 'SIM-1', register_m3: '123.456', flow_lps: '0.021', battery: '87.00', signal: -97, alarms: 1, flags: 0 },
      { meter_id: 'SIM-1', register_m3: '123.500', flow_lps: null, battery: null, signal: null, alarms: 0, flags: 0 },
      { meter_id: 'SIM-2', register_m3: '0.001', flow_lps: null, battery: null, signal: null, alarms: 0, flags: 0 },
      { meter_id: 'SIM-2', register_m3: '10.000', flow_lps: null, battery: null, signal: null, alarms: 0, flags: 0 },
    ]);
    const tenants = await q<{ tenant_id: string }>(h, `SELECT DISTINCT tenant_id FROM telemetry.readings WHERE meter_id = 'SIM-1'`);
    expect(tenants).toEqual([{ tenant_id: demo.tenantId }]);
  });

  it('stores a reading delivered twice only once', async () => {
    const reading = { ts: iso(base + 3 * 900_000), registerM3: 50.25 };
    // Different message ids, so JetStream's duplicate window does not help: the table's key must.
    await publish(h, 'demo', 'SIM-3', reading, 'dup-a');
    await publish(h, 'demo', 'SIM-3', reading, 'dup-b');
    await publish(h, 'demo', 'gw-02', { readings: [{ meter: 'SIM-3', ...reading }, { meter: 'SIM-3', ...reading }] });
    await publish(h, 'demo', 'SIM-3', { ts: iso(base + 4 * 900_000), registerM3: 50.3 }, 'marker');
    await until('marker stored', () => countReadings(h, `meter_id = 'SIM-3' AND register_m3 = 50.3`), (n) => n === 1);
    const consumer = h.rt.app.get(TelemetryConsumer);
    await until('all messages processed', async () => consumer.stats.duplicates, (n) => n >= 3);
    expect(await countReadings(h, `meter_id = 'SIM-3'`)).toBe(2);
  });

  it('stores out-of-order and days-late readings in place, flagging only real register decreases', async () => {
    const t = (i: number) => iso(base + i * 900_000);
    await publish(h, 'demo', 'SIM-4', { ts: t(3), registerM3: 3 });
    await publish(h, 'demo', 'SIM-4', { ts: t(1), registerM3: 1 });
    await publish(h, 'demo', 'SIM-4', { ts: t(2), registerM3: 2 });
    await until('3 readings', () => countReadings(h, `meter_id = 'SIM-4'`), (n) => n === 3);
    // Three days late, register consistent with its place in time.
    await publish(h, 'demo', 'SIM-4', { ts: iso(base - 72 * HOUR), registerM3: 0.5 });
    // A register lower than the previous one, later in time: stored, flagged.
    await publish(h, 'demo', 'SIM-4', { ts: t(4), registerM3: 2.5 });
    // In the future beyond the tolerance: stored, flagged.
    await publish(h, 'demo', 'SIM-4', { ts: iso(Date.now() + 2 * HOUR), registerM3: 4 });
    await until('6 readings', () => countReadings(h, `meter_id = 'SIM-4'`), (n) => n === 6);
    const rows = await q<{ register_m3: string; flags: number }>(h, `SELECT register_m3::text, flags FROM telemetry.readings WHERE meter_id = 'SIM-4' ORDER BY ts`);
    expect(rows).toEqual([
      { register_m3: '0.500', flags: 0 },
      { register_m3: '1.000', flags: 0 },
      { register_m3: '2.000', flags: 0 },
      { register_m3: '3.000', flags: 0 },
      { register_m3: '2.500', flags: 2 }, // register_decrease
      { register_m3: '4.000', flags: 1 }, // future
    ]);
  });

  it('treats a drop near the register capacity as a rollover, not a decrease', async () => {
    await registerMeters(h, demo, ['ROLL-1'], {});
    await h.rpc.request('ingestion', 'meters.register', { meters: [{ meterId: 'ROLL-1', registerDigits: 3 }] }, demo);
    await publish(h, 'demo', 'ROLL-1', { readings: [
      { meter: 'ROLL-1', ts: iso(base), registerM3: 999.5 },
      { meter: 'ROLL-1', ts: iso(base + 900_000), registerM3: 0.25 },
    ] });
    await until('2 readings', () => countReadings(h, `meter_id = 'ROLL-1'`), (n) => n === 2);
    const rows = await q<{ flags: number }>(h, `SELECT flags FROM telemetry.readings WHERE meter_id = 'ROLL-1' ORDER BY ts`);
    expect(rows.map((r) => r.flags)).toEqual([0, 4]);
  });

  it('quarantines readings of an unknown meter and replays them when the meter is registered', async () => {
    await publish(h, 'demo', 'NEW-1', { ts: iso(base), registerM3: 7 });
    await publish(h, 'demo', 'NEW-1', { ts: iso(base + 900_000), registerM3: 7.5 });
    await until('quarantined', async () => (await q<{ n: number }>(h, `SELECT count(*)::int AS n FROM telemetry.quarantine WHERE meter_id = 'NEW-1'`))[0].n, (n) => n === 2);
    expect(await countReadings(h, `meter_id = 'NEW-1'`)).toBe(0);
    // The same meter id in another tenant is a different meter: registering it there replays nothing here.
    const other = await registerMeters(h, tenantCtx('third'), ['NEW-1']);
    expect(other.replayed).toBe(0);
    const reply = await registerMeters(h, demo, ['NEW-1']);
    expect(reply).toEqual({ registered: 1, replayed: 2 });
    const rows = await q<{ register_m3: string; flags: number; tenant_id: string }>(
      h,
      `SELECT register_m3::text, flags, tenant_id FROM telemetry.readings WHERE meter_id = 'NEW-1' ORDER BY ts`,
    );
    expect(rows).toEqual([
      { register_m3: '7.000', flags: 8, tenant_id: demo.tenantId },
      { register_m3: '7.500', flags: 8, tenant_id: demo.tenantId },
    ]);
    expect((await q(h, `SELECT 1 FROM telemetry.quarantine WHERE meter_id = 'NEW-1'`)).length).toBe(0);
  });

  it('replays quarantine through rpc.ingestion.quarantine.replay once a meter arrives by the metering event path', async () => {
    await publish(h, 'demo', 'NEW-2', { ts: iso(base), registerM3: 1 });
    await until('quarantined', async () => (await q(h, `SELECT 1 FROM telemetry.quarantine WHERE meter_id = 'NEW-2'`)).length, (n) => n === 1);
    // Registered behind ingestion's back (as if by an older replica), then replayed on request.
    await h.admin.query(`INSERT INTO telemetry.meters (tenant_id, meter_id) VALUES ($1, 'NEW-2')`, [demo.tenantId]);
    const reply = await h.rpc.request<{ replayed: number; stillQuarantined: number }>('ingestion', 'quarantine.replay', {}, demo);
    expect(reply).toEqual({ replayed: 1, stillQuarantined: 0 });
    expect(await countReadings(h, `meter_id = 'NEW-2'`)).toBe(1);
  });

  it('dead-letters malformed messages and bad readings with a reason, storing the good readings of a batch', async () => {
    await publish(h, 'demo', 'SIM-5', '{not json');
    await publish(h, 'demo', 'SIM-5', { ts: 'yesterday', registerM3: 1 });
    await publish(h, 'demo', 'SIM-5', { ts: iso(base), registerM3: 1.2345 });
    await publish(h, 'nobody', 'X-1', { ts: iso(base), registerM3: 1 });
    await publish(h, 'demo', 'gw-03', { readings: [{ meter: 'SIM-5', ts: iso(base), registerM3: 5 }, { meter: 'SIM-5', ts: iso(base + 1000), registerM3: -1 }] });
    await until('good reading stored', () => countReadings(h, `meter_id = 'SIM-5'`), (n) => n === 1);
    const dlq = await until('5 dead letters', () => dlqMessages(h), (m) => m.length >= 5);
    expect(dlq.every((m) => m.subject === Subjects.dlq(h.ns, 'ingestion', 'telemetry'))).toBe(true);
    const codes = dlq.map((m) => m.headers['supra-dlq-code']).sort();
    expect(codes).toEqual(
      ['TELEMETRY.MALFORMED_JSON', 'TELEMETRY.READING_INVALID', 'TELEMETRY.READING_INVALID', 'TELEMETRY.READING_INVALID', 'TELEMETRY.TENANT_UNKNOWN'].sort(),
    );
    const litres = dlq.find((m) => m.headers['supra-dlq-reason'].includes('3 decimals'));
    expect(litres?.headers['supra-dlq-subject']).toBe(Subjects.telemetry(h.ns, 'demo', 'SIM-5'));
    const partial = dlq.find((m) => m.headers['supra-dlq-reason'].startsWith('readings[1]'));
    expect(JSON.parse(partial!.data)).toEqual({ readings: [{ meter: 'SIM-5', ts: iso(base + 1000), registerM3: -1 }] });
  });

  it('keeps tenants apart: every table has tenant_id and a forced RLS policy', async () => {
    expect(await findTenancyViolations(h.admin, ['telemetry'])).toEqual([]);
    // Through the service's RLS-bound pool, a tenant sees only its own readings.
    const seen = await h.rt.db.withTenant(other.tenantId, (em) => em.query(`SELECT DISTINCT meter_id FROM telemetry.readings`));
    await publish(h, 'other-utility', 'OT-1', { ts: iso(base), registerM3: 1 });
    await until('other tenant reading', () => countReadings(h, `meter_id = 'OT-1'`), (n) => n === 1);
    const after = (await h.rt.db.withTenant(other.tenantId, (em) => em.query(`SELECT DISTINCT meter_id FROM telemetry.readings`))) as Array<{ meter_id: string }>;
    expect(seen).toEqual([]);
    expect(after).toEqual([{ meter_id: 'OT-1' }]);
  });

  it('runs native partitioning: future partitions exist, late rows move out of the default, retention drops old ones', async () => {
    const ready = await getJson(`${h.rt.url}/health/ready`);
    expect(ready.status).toBe(200);
    expect((ready.body.checks as Record<string, { detail: { mode: string } }>).telemetryStorage.detail.mode).toBe('native');
    const parts = async () =>
      (await q<{ relname: string }>(h, `SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = 'telemetry.readings'::regclass ORDER BY 1`)).map(
        (r) => r.relname,
      );
    const day = (offset: number) => `readings_p${iso(Date.now() + offset * 24 * HOUR).slice(0, 10).replace(/-/g, '')}`;
    expect(await parts()).toEqual(expect.arrayContaining([day(-1), day(0), day(7), 'readings_default']));
    // The 3-days-late reading of SIM-4 landed in the default partition.
    expect((await q(h, `SELECT 1 FROM telemetry.readings_default WHERE meter_id = 'SIM-4'`)).length).toBe(1);
    const r1 = (await h.rt.db.asSystem((em) => em.query(`SELECT telemetry.maintain_partitions(10, 400) AS r`))) as Array<{ r: { created: number; movedFromDefault: number } }>;
    expect(r1[0].r.movedFromDefault).toBe(1);
    expect(await parts()).toEqual(expect.arrayContaining([day(-3), day(10)]));
    expect((await q(h, `SELECT 1 FROM telemetry.readings_default WHERE meter_id = 'SIM-4'`)).length).toBe(0);
    expect(await countReadings(h, `meter_id = 'SIM-4'`)).toBe(6);
    // Retention of one day: partitions before yesterday go, with their rows.
    const r2 = (await h.rt.db.asSystem((em) => em.query(`SELECT telemetry.maintain_partitions(10, 1) AS r`))) as Array<{ r: { dropped: number } }>;
    expect(r2[0].r.dropped).toBeGreaterThanOrEqual(1);
    expect(await parts()).not.toContain(day(-3));
    expect(await countReadings(h, `ts < now() - interval '2 days'`)).toBe(0);
  });

  it('summarizes a meter day into ingestion.meter-day.summarized.v1 through the outbox', async () => {
    // Hourly readings over one tenant-local day (America/Mexico_City, UTC-6), with a night leak.
    const dayStartUtc = Date.parse('2026-11-20T06:00:00Z');
    const readings = [];
    for (let i = 0; i < 24; i++) {
      if (i >= 10 && i < 13) continue; // a three-hour gap
      readings.push({ meter: 'SIM-5', ts: iso(dayStartUtc + i * HOUR + 60_000), registerM3: 100 + i * 0.01, flowLps: i >= 2 && i <= 4 ? 0.005 : 0.1, alarms: i === 3 ? ['leak'] : [] });
    }
    await h.rt.db.asSystem((em) => em.query(`SELECT telemetry.maintain_partitions(7, 4000)`));
    await publish(h, 'demo', 'gw-sum', { readings });
    await until('day stored', () => countReadings(h, `meter_id = 'SIM-5' AND ts >= '2026-11-20T06:00:00Z' AND ts < '2026-11-21T06:00:00Z'`), (n) => n === 21);
    const summaries = h.rt.app.get(MeterDaySummaries);
    const sim5Events = `SELECT 1 FROM telemetry.outbox WHERE type = 'ingestion.meter-day.summarized.v1' AND event->'data'->>'meterId' = 'SIM-5'`;
    // Just written: not settled yet (SUMMARY_SETTLE_S), so not summarized even though the day has ended.
    await summaries.summarizeDue(Date.parse('2026-11-21T07:00:00Z'));
    expect(await q(h, sim5Events)).toHaveLength(0);
    const settle = () => h.admin.query(`UPDATE telemetry.summary_dirty SET marked_at = now() - interval '10 minutes' WHERE meter_id = 'SIM-5'`);
    await settle();
    const n = await summaries.summarizeDue(Date.parse('2026-11-21T07:00:00Z'));
    expect(n).toBeGreaterThanOrEqual(1);
    const events = await q<{ type: string; event: { data: Record<string, unknown>; tenantid: string } }>(
      h,
      `SELECT type, event FROM telemetry.outbox WHERE type = 'ingestion.meter-day.summarized.v1' AND event->'data'->>'meterId' = 'SIM-5' AND event->'data'->>'day' = '2026-11-20'`,
    );
    expect(events).toHaveLength(1);
    expect(events[0].event.tenantid).toBe(demo.tenantId);
    expect(events[0].event.data).toEqual({
      meterId: 'SIM-5',
      day: '2026-11-20',
      timeZone: 'America/Mexico_City',
      revision: 1,
      firstTs: iso(dayStartUtc + 60_000),
      lastTs: iso(dayStartUtc + 23 * HOUR + 60_000),
      firstRegisterM3: '100.000',
      lastRegisterM3: '100.230',
      consumptionM3: '0.230',
      minNightFlowLps: '0.005',
      alarms: ['leak'],
      readings: 21,
      gaps: 1,
      flaggedReadings: 0,
    });
    // A late reading for that day: summarized again with a higher revision.
    await publish(h, 'demo', 'SIM-5', { ts: iso(dayStartUtc + 11 * HOUR), registerM3: 100.105 });
    await until('late reading', () => countReadings(h, `meter_id = 'SIM-5' AND register_m3 = 100.105`), (c) => c === 1);
    await settle();
    await summaries.summarizeDue(Date.parse('2026-11-23T07:00:00Z'));
    const rev = await q<{ revision: number; readings: number }>(
      h,
      `SELECT (event->'data'->>'revision')::int AS revision, (event->'data'->>'readings')::int AS readings FROM telemetry.outbox
        WHERE type = 'ingestion.meter-day.summarized.v1' AND event->'data'->>'meterId' = 'SIM-5' AND event->'data'->>'day' = '2026-11-20' ORDER BY seq`,
    );
    expect(rev).toEqual([{ revision: 1, readings: 21 }, { revision: 2, readings: 22 }]);
    // The relay publishes it after commit.
    await until('relayed', async () => (await q(h, `SELECT 1 FROM telemetry.outbox WHERE sent_at IS NULL`)).length, (c) => c === 0);
  });
});

import { Streams } from '@supra/platform/messaging';
import { TelemetryConsumer } from '../src/pipeline/telemetry-consumer';
import { MeterDaySummaries } from '../src/summaries/meter-day-summaries';
import { countReadings, publish, q, registerMeters, startHarness, tenantCtx, until, type Harness } from './fixtures';

jest.setTimeout(60_000);

/** SUMMARY_DEFER_BACKLOG: day summaries wait while a telemetry backlog is being written. */
describe('ingestion: summaries yield to a telemetry backlog', () => {
  let h: Harness;
  const demo = tenantCtx('demo');
  const day = '2026-11-20';
  const events = `SELECT 1 FROM telemetry.outbox WHERE type = 'ingestion.meter-day.summarized.v1' AND event->'data'->>'meterId' = 'DEF-1'`;

  beforeAll(async () => {
    h = await startHarness({ SUMMARY_DEFER_BACKLOG: '5', SUMMARY_MAX_DEFER_S: '3', SUMMARY_INTERVAL_S: '3600' });
    await registerMeters(h, demo, ['DEF-1', 'DEF-2']);
    await h.rt.db.asSystem((em) => em.query(`SELECT telemetry.maintain_partitions(7, 4000)`));
    await publish(h, 'demo', 'DEF-1', { ts: `${day}T12:00:00Z`, registerM3: 1 });
    await until('stored', () => countReadings(h, `meter_id = 'DEF-1'`), (n) => n === 1);
    await h.admin.query(`UPDATE telemetry.summary_dirty SET marked_at = now() - interval '1 hour'`);
  }, 60_000);

  afterAll(async () => {
    await h?.close();
  });

  it('waits while messages pile up undelivered, at most SUMMARY_MAX_DEFER_S, then summarizes', async () => {
    // The consumer stops: what is published now waits in the stream.
    await h.rt.app.get(TelemetryConsumer).onModuleDestroy();
    for (let i = 0; i < 20; i++) await publish(h, 'demo', 'DEF-2', { ts: `${day}T13:${String(i).padStart(2, '0')}:00Z`, registerM3: 2 + i });
    const summaries = h.rt.app.get(MeterDaySummaries);
    const started = Date.now();
    const n = await summaries.summarizeDue(Date.parse('2026-11-22T00:00:00Z'));
    const waited = Date.now() - started;
    expect(n).toBe(1);
    expect(await q(h, events)).toHaveLength(1);
    expect(waited).toBeGreaterThanOrEqual(3000);
    expect(summaries.stats.deferredS).toBeGreaterThanOrEqual(3);
  });

  it('does not wait when the backlog is at most the threshold', async () => {
    // The consumer is still stopped: 20 messages wait; purged, then 1 (threshold 5).
    await h.nats.jsm.streams.purge(Streams.telemetry(h.ns));
    await publish(h, 'demo', 'DEF-1', { ts: `${day}T14:00:00Z`, registerM3: 5 });
    await h.admin.query(`INSERT INTO telemetry.summary_dirty (tenant_id, meter_id, day, marked_at) VALUES ($1, 'DEF-1', $2, now() - interval '1 hour')`, [demo.tenantId, day]);
    const summaries = h.rt.app.get(MeterDaySummaries);
    const before = summaries.stats.deferredS;
    const started = Date.now();
    expect(await summaries.summarizeDue(Date.parse('2026-11-22T00:00:00Z'))).toBe(1);
    expect(Date.now() - started).toBeLessThan(3000);
    expect(summaries.stats.deferredS).toBe(before);
  });

  it('a stop ends a waiting pass at once, leaving its days marked', async () => {
    for (let i = 0; i < 20; i++) await publish(h, 'demo', 'DEF-2', { ts: `${day}T15:${String(i).padStart(2, '0')}:00Z`, registerM3: 30 + i });
    await h.admin.query(`INSERT INTO telemetry.summary_dirty (tenant_id, meter_id, day, marked_at) VALUES ($1, 'DEF-1', $2, now() - interval '1 hour')`, [demo.tenantId, day]);
    const summaries = h.rt.app.get(MeterDaySummaries);
    const pass = summaries.summarizeDue(Date.parse('2026-11-22T00:00:00Z'));
    await new Promise((r) => setTimeout(r, 500));
    const started = Date.now();
    await summaries.onModuleDestroy();
    expect(Date.now() - started).toBeLessThan(1500);
    expect(await pass).toBe(0);
    expect(await q(h, `SELECT 1 FROM telemetry.summary_dirty WHERE meter_id = 'DEF-1'`)).toHaveLength(1);
  });
});

import { TelemetryConsumer } from '../src/pipeline/telemetry-consumer';
import { Streams } from '@supra/platform/messaging';
import { countReadings, publish, q, registerMeters, startHarness, tenantCtx, until, type Harness } from './fixtures';

jest.setTimeout(60_000);

describe('ingestion: per-tenant quotas', () => {
  let h: Harness;
  const noisy = tenantCtx('noisy');
  const quiet = tenantCtx('quiet');

  beforeAll(async () => {
    // State and position written every second, so they are written while messages are held.
    h = await startHarness({ INGEST_QUOTA_RPS: '200', INGEST_QUOTA_BURST: '200', INGEST_STATE_FLUSH_S: '1' });
    await registerMeters(h, noisy, ['N-1']);
    await registerMeters(h, quiet, ['Q-1']);
  }, 60_000);

  afterAll(async () => {
    await h?.close();
  });

  it('delays a tenant over its quota (back-pressure, nothing dropped) without starving another tenant', async () => {
    const t0 = Date.parse('2026-11-23T00:00:00Z');
    const started = Date.now();
    // 1,000 readings in 10 batch messages: five seconds' worth at 200 readings/s.
    await Promise.all(
      Array.from({ length: 10 }, (_, m) =>
        publish(h, 'noisy', 'gw', { readings: Array.from({ length: 100 }, (_, i) => ({ meter: 'N-1', ts: new Date(t0 + (m * 100 + i) * 1000).toISOString(), registerM3: (m * 100 + i) / 1000 })) }),
      ),
    );
    await publish(h, 'quiet', 'Q-1', { ts: new Date(t0).toISOString(), registerM3: 1 });
    await until('quiet tenant served', () => countReadings(h, `meter_id = 'Q-1'`), (n) => n === 1, 3_000);
    const quietAfter = Date.now() - started;
    expect(await countReadings(h, `meter_id = 'N-1'`)).toBeLessThan(1000);
    // While noisy messages are held, the written position (and so the purge) stays below the first
    // of them not yet stored, although later messages (the quiet one) are written: a restart or a
    // purge can never skip a held message. Noisy message m is stream sequence m + 1.
    const stream = Streams.telemetry(h.ns);
    let checked = 0;
    for (let probe = 0; probe < 5; probe++) {
      const [{ position }] = await q<{ position: number }>(h, `SELECT min(stream_seq)::int AS position FROM telemetry.consumer_state`);
      const perMessage = await q<{ m: number; n: number }>(
        h,
        `SELECT floor((extract(epoch FROM ts) - $1) / 100)::int AS m, count(*)::int AS n FROM telemetry.readings WHERE meter_id = 'N-1' GROUP BY 1`,
        [t0 / 1000],
      );
      const stored = new Set(perMessage.filter((r) => r.n === 100).map((r) => r.m));
      const firstHeld = Array.from({ length: 10 }, (_, m) => m).find((m) => !stored.has(m));
      if (firstHeld === undefined) break;
      expect(position).toBeLessThan(firstHeld + 1);
      await expect(h.nats.jsm.streams.getMessage(stream, { seq: firstHeld + 1 })).resolves.toBeTruthy();
      checked++;
      await new Promise((r) => setTimeout(r, 400));
    }
    expect(checked).toBeGreaterThan(0);
    await until('noisy tenant complete', () => countReadings(h, `meter_id = 'N-1'`), (n) => n === 1000, 30_000);
    const noisyAfter = Date.now() - started;
    expect(quietAfter).toBeLessThan(noisyAfter);
    expect(noisyAfter).toBeGreaterThanOrEqual(3_500); // (1000 - 200 burst) / 200 per second ≈ 4 s
    expect(h.rt.app.get(TelemetryConsumer).stats.quotaDelayed).toBeGreaterThan(0);
    // Once all is written, the idle consumer writes the last position and the stream is purged.
    await until('position past every message', async () => (await q<{ p: number }>(h, `SELECT min(stream_seq)::int AS p FROM telemetry.consumer_state`))[0].p, (p) => p >= 11, 10_000);
    await until('stream purged', async () => (await h.nats.jsm.streams.info(stream)).state.messages, (n) => n === 0, 10_000);
  });
});

import { TelemetryConsumer } from '../src/pipeline/telemetry-consumer';
import { countReadings, publish, registerMeters, startHarness, tenantCtx, until, type Harness } from './fixtures';

jest.setTimeout(60_000);

describe('ingestion: per-tenant quotas', () => {
  let h: Harness;
  const noisy = tenantCtx('noisy');
  const quiet = tenantCtx('quiet');

  beforeAll(async () => {
    h = await startHarness({ INGEST_QUOTA_RPS: '200', INGEST_QUOTA_BURST: '200' });
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
    await until('noisy tenant complete', () => countReadings(h, `meter_id = 'N-1'`), (n) => n === 1000, 30_000);
    const noisyAfter = Date.now() - started;
    expect(quietAfter).toBeLessThan(noisyAfter);
    expect(noisyAfter).toBeGreaterThanOrEqual(3_500); // (1000 - 200 burst) / 200 per second ≈ 4 s
    expect(h.rt.app.get(TelemetryConsumer).stats.quotaDelayed).toBeGreaterThan(0);
  });
});

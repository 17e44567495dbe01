import type { QueryRunner } from 'typeorm';
import { HourKey1763900400000 } from '../src/migrations/1763900400000-hour-key';
import { STORED_BEFORE_SQL } from '../src/pipeline/reading-writer';
import { SUMMARY_SQL } from '../src/summaries/meter-day-summaries';
import { countReadings, q, registerMeters, startHarness, tenantCtx, type Harness } from './fixtures';

jest.setTimeout(60_000);

/** The readings key (tenant_id, ts_hour, meter_id, ts): see migrations/1763900400000-hour-key.ts. */
describe('ingestion: the hour-led readings key', () => {
  let h: Harness;
  const demo = tenantCtx('demo');

  beforeAll(async () => {
    h = await startHarness();
    await registerMeters(h, demo, ['HK-1']);
  }, 60_000);

  afterAll(async () => {
    await h?.close();
  });

  const hours = async (from: string, to: string) =>
    (await q<{ h: string }>(h, `SELECT to_char(x AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI') AS h FROM unnest(telemetry.hours($1, $2)) x`, [from, to])).map((r) => r.h);

  it('lists the UTC hours a range touches, for tenant-local days of 24 and 25 hours', async () => {
    expect(await hours('2026-11-05T10:30:00Z', '2026-11-05T12:00:00Z')).toEqual(['2026-11-05T10:00', '2026-11-05T11:00']);
    expect(await hours('2026-11-05T10:00:00Z', '2026-11-05T10:00:00.001Z')).toEqual(['2026-11-05T10:00']);
    expect(await hours('2026-11-05T10:00:00Z', '2026-11-05T10:00:00Z')).toEqual([]);
    // A Mexico City day (UTC-6, no DST): 06:00 UTC to 06:00 UTC.
    const mx = await hours('2026-11-05T06:00:00Z', '2026-11-06T06:00:00Z');
    expect([mx.length, mx[0], mx[23]]).toEqual([24, '2026-11-05T06:00', '2026-11-06T05:00']);
    // New York's DST end (2026-11-01) has 25 hours.
    const ny = (await q<{ n: number }>(h, `SELECT cardinality(telemetry.hours(timestamp '2026-11-01' AT TIME ZONE 'America/New_York', timestamp '2026-11-02' AT TIME ZONE 'America/New_York')) AS n`))[0].n;
    expect(ny).toBe(25);
  });

  /** Index conditions of the plan's scans of readings partitions (seq scans off: the tables are tiny here). */
  async function indexConds(sql: string, params: unknown[]): Promise<string[]> {
    await h.admin.query('BEGIN');
    try {
      await h.admin.query(`SET LOCAL enable_seqscan = off`);
      const plan = (await h.admin.query(`EXPLAIN (FORMAT JSON) ${sql}`, params)).rows[0]['QUERY PLAN'];
      const out: string[] = [];
      const walk = (n: Record<string, unknown>) => {
        if (String(n['Relation Name'] ?? '').startsWith('readings_') && n['Index Cond']) out.push(String(n['Index Cond']));
        for (const c of (n.Plans as Array<Record<string, unknown>>) ?? []) walk(c);
      };
      walk(plan[0].Plan);
      return out;
    } finally {
      await h.admin.query('ROLLBACK');
    }
  }

  it('probes a meter by its hours, in the day summary and in the stored-before lookup', async () => {
    const summary = await indexConds(SUMMARY_SQL, [['HK-1'], ['2026-11-05'], 'America/Mexico_City', '1 hour', demo.tenantId]);
    expect(summary.length).toBeGreaterThan(0);
    for (const c of summary) expect(c).toMatch(/ts_hour = hr(_\d+)?\.h\) AND \(meter_id = /);
    const before = await indexConds(
      `SELECT ${STORED_BEFORE_SQL('x')} FROM (SELECT $1::uuid AS tenant_id, $2::text AS meter_id, $3::timestamptz AS ts, NULL::timestamptz AS installed_at) x`,
      [demo.tenantId, 'HK-1', '2026-11-05T10:00:00Z'],
    );
    expect(before.length).toBeGreaterThan(0);
    for (const c of before) expect(c).toMatch(/ts_hour = hr(_\d+)?\.h\) AND \(meter_id = /);
  });

  it('converts a table with the old key in place: rows kept, the new key enforced, new partitions generate ts_hour', async () => {
    const runner = { query: async (sql: string, params?: unknown[]) => (await h.admin.query(sql, params)).rows } as unknown as QueryRunner;
    const migration = new HourKey1763900400000();
    await migration.down(runner);
    const row = (meter: string, ts: string, reg: string) =>
      h.admin.query(`INSERT INTO telemetry.readings (tenant_id, meter_id, ts, register_m3) VALUES ($1, $2, $3, $4)`, [demo.tenantId, meter, ts, reg]);
    const today = new Date().toISOString().slice(0, 10);
    await row('HK-OLD', `${today}T00:15:00Z`, '1.000');
    await row('HK-OLD', `${today}T01:30:00Z`, '2.000');
    await migration.up(runner);

    const key = await q<{ cols: string }>(
      h,
      `SELECT string_agg(a.attname, ',' ORDER BY k.i) AS cols FROM pg_constraint c CROSS JOIN LATERAL unnest(c.conkey) WITH ORDINALITY k(att, i)
        JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.att WHERE c.conrelid = 'telemetry.readings'::regclass AND c.contype = 'p'`,
    );
    expect(key[0].cols).toBe('tenant_id,ts_hour,meter_id,ts');
    const kept = await q<{ ts_hour: Date }>(h, `SELECT ts_hour FROM telemetry.readings WHERE meter_id = 'HK-OLD' ORDER BY ts`);
    expect(kept.map((r) => r.ts_hour.toISOString())).toEqual([`${today}T00:00:00.000Z`, `${today}T01:00:00.000Z`]);
    await expect(row('HK-OLD', `${today}T01:30:00Z`, '3.000')).rejects.toThrow(/duplicate key/);

    // A partition created after the conversion carries the generation expression.
    await h.rt.db.asSystem((em) => em.query(`SELECT telemetry.maintain_partitions(30, 400)`));
    const far = new Date(Date.now() + 25 * 86_400_000).toISOString().slice(0, 10);
    await row('HK-OLD', `${far}T07:45:00Z`, '4.000');
    const got = await q<{ part: string; ts_hour: Date }>(h, `SELECT tableoid::regclass::text AS part, ts_hour FROM telemetry.readings WHERE meter_id = 'HK-OLD' AND ts > now()`);
    expect(got.map((r) => [r.part, r.ts_hour.toISOString()])).toEqual([[`telemetry.readings_p${far.replace(/-/g, '')}`, `${far}T07:00:00.000Z`]]);
    expect(await countReadings(h, `meter_id = 'HK-OLD'`)).toBe(3);
  });
});

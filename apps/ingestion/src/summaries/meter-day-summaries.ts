import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { MeterDaySummarizedV1, type MeterDaySummarizedData } from '@supra/contracts';
import { ServiceDatabase } from '@supra/platform/database';
import { NatsClient, Outbox, Streams } from '@supra/platform/messaging';
import { SERVICE_ENV } from '@supra/platform/runtime';
import { Metrics } from '@supra/platform/telemetry';
import type { IngestionEnv } from '../ingestion.env';
import { Clock } from '../pipeline/clock';
import { alarmsFromBits, flagBit } from '../pipeline/parse-telemetry';
import { METERS_EXCLUSIVE_SQL } from '../pipeline/lane-writer';
import { TELEMETRY_DURABLE } from '../pipeline/telemetry-consumer';
import { HOURS_SQL, PLANNER_SETTINGS_SQL } from '../pipeline/reading-writer';

interface DueRow {
  tenant_id: string;
  slug: string;
  time_zone: string;
  meter_id: string;
  day: string;
}

interface SummaryRow {
  meter_id: string;
  day: string;
  meter_uuid: string | null;
  toma_id: string | null;
  readings: number;
  first_ts: Date;
  last_ts: Date;
  first_reg: string;
  last_reg: string;
  consumption: string;
  min_night_flow: string | null;
  alarms: number;
  flagged: number;
  gaps: number;
}

const FLAGGED = flagBit('future') | flagBit('register_decrease');

const DAY_START = `(k.day::timestamp AT TIME ZONE $3)`;
const DAY_END = `((k.day + 1)::timestamp AT TIME ZONE $3)`;
/** Per meter and tenant-local day; a gap is an interval (also from the day's edges) longer than the threshold. */
export const SUMMARY_SQL = `
WITH k AS (SELECT * FROM unnest($1::text[], $2::date[]) AS k(meter_id, day)),
r AS (
  SELECT k.meter_id, k.day, r.ts, r.register_m3, r.flow_lps, r.alarms, r.flags,
         lag(r.ts) OVER (PARTITION BY k.meter_id, k.day ORDER BY r.ts) AS prev_ts
    -- Index probes per meter-day, hour by hour as the key leads (see reading-writer.ts, HOUR_OF_SQL;
    -- OFFSET 0 keeps them probes): joined as a whole, the planner hashed every reading of the
    -- tenant's partitions (12 s per pass in a 38 M-reading replay, spilling to disk).
    FROM k CROSS JOIN LATERAL ${HOURS_SQL(DAY_START, DAY_END)}
      CROSS JOIN LATERAL (SELECT * FROM telemetry.readings r WHERE r.tenant_id = $5 AND r.ts_hour = hr.h AND r.meter_id = k.meter_id
        AND r.ts >= ${DAY_START} AND r.ts < ${DAY_END} OFFSET 0) r
)
SELECT r.meter_id, r.day::text AS day, m.meter_uuid, m.toma_id, count(*)::int AS readings, min(r.ts) AS first_ts, max(r.ts) AS last_ts,
       ((array_agg(r.register_m3 ORDER BY r.ts))[1])::text AS first_reg,
       ((array_agg(r.register_m3 ORDER BY r.ts DESC))[1])::text AS last_reg,
       ((array_agg(r.register_m3 ORDER BY r.ts DESC))[1] - (array_agg(r.register_m3 ORDER BY r.ts))[1])::text AS consumption,
       (min(r.flow_lps) FILTER (WHERE extract(hour FROM r.ts AT TIME ZONE $3) BETWEEN 2 AND 4))::text AS min_night_flow,
       bit_or(r.alarms)::int AS alarms,
       (count(*) FILTER (WHERE r.flags & ${FLAGGED} <> 0))::int AS flagged,
       ((count(*) FILTER (WHERE r.prev_ts IS NOT NULL AND r.ts - r.prev_ts > $4::interval))
        + CASE WHEN min(r.ts) - (r.day::timestamp AT TIME ZONE $3) > $4::interval THEN 1 ELSE 0 END
        + CASE WHEN ((r.day + 1)::timestamp AT TIME ZONE $3) - max(r.ts) > $4::interval THEN 1 ELSE 0 END)::int AS gaps
  FROM r LEFT JOIN telemetry.meters m ON m.tenant_id = $5 AND m.meter_id = r.meter_id
 GROUP BY r.meter_id, r.day, m.meter_uuid, m.toma_id`;

/**
 * Summarizes each meter's tenant-local day once it has ended (plus a grace period), and again
 * with a higher revision when late readings touch it; events leave through the outbox, so a
 * summary and its event commit together.
 */
@Injectable()
export class MeterDaySummaries implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly log = new Logger('MeterDaySummaries');
  private timer?: NodeJS.Timeout;
  private running?: Promise<number>;
  private stopping = false;
  /** Seconds passes waited for a telemetry backlog (see SUMMARY_DEFER_BACKLOG). */
  readonly stats = { deferredS: 0 };

  constructor(
    @Inject(SERVICE_ENV) private readonly env: IngestionEnv,
    private readonly db: ServiceDatabase,
    private readonly outbox: Outbox,
    private readonly clock: Clock,
    private readonly nats: NatsClient,
    metrics: Metrics,
  ) {
    metrics.gauge('supra_ingestion_summaries_deferred_seconds', 'Seconds day summaries waited for a telemetry backlog to be written', () => this.stats.deferredS);
  }

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => {
      if (!this.running) void this.summarizeDue().catch((e: Error) => this.log.error(`summaries failed: ${e.message}`));
    }, this.env.SUMMARY_INTERVAL_S * 1000);
    this.timer.unref();
  }

  async onModuleDestroy(): Promise<void> {
    this.stopping = true;
    if (this.timer) clearInterval(this.timer);
    await this.running?.catch(() => undefined);
  }

  /** Telemetry messages not yet delivered to the consumer, whichever replica holds it (0 when unknown). */
  private async backlog(): Promise<number> {
    try {
      return (await this.nats.jsm.consumers.info(Streams.telemetry(this.env.SUPRA_NAMESPACE), TELEMETRY_DURABLE)).num_pending;
    } catch {
      return 0;
    }
  }

  /** Waits while a telemetry backlog is being written, until `deadline` (the pass's SUMMARY_MAX_DEFER_S). */
  private async yieldToTelemetry(deadline: number): Promise<void> {
    if (!this.env.SUMMARY_DEFER_BACKLOG) return;
    let waiting: number | undefined;
    for (let n = await this.backlog(); n > this.env.SUMMARY_DEFER_BACKLOG && Date.now() < deadline && !this.stopping; n = await this.backlog()) {
      if (waiting === undefined) {
        waiting = Date.now();
        this.log.log(`summaries wait: ${n} telemetry messages not yet written (live telemetry first)`);
      }
      await new Promise((r) => setTimeout(r, 1000));
    }
    if (waiting !== undefined) this.stats.deferredS += Math.round((Date.now() - waiting) / 1000);
  }

  /** Summarizes every due (meter, day); returns how many summaries were published. */
  async summarizeDue(now = this.clock.now(), limit = 1000): Promise<number> {
    const run = this.run(now, limit);
    this.running = run;
    try {
      return await run;
    } finally {
      this.running = undefined;
    }
  }

  private async run(now: number, limit: number): Promise<number> {
    let total = 0;
    const deferUntil = Date.now() + this.env.SUMMARY_MAX_DEFER_S * 1000;
    for (;;) {
      // Which tenants have due days is a cross-tenant question; the work itself is per tenant.
      const due = (await this.db.asSystem((em) =>
        em.query(
          `SELECT d.tenant_id, t.slug, t.time_zone, d.meter_id, d.day::text AS day
             FROM telemetry.summary_dirty d JOIN telemetry.tenants t ON t.tenant_id = d.tenant_id
            WHERE ((d.day + 1)::timestamp AT TIME ZONE t.time_zone) + make_interval(mins => $2) <= $1
              -- Settled: not marked by a write lately (marks carry the database clock).
              AND d.marked_at <= now() - make_interval(secs => $4)
            ORDER BY d.tenant_id LIMIT $3`,
          [new Date(now).toISOString(), this.env.SUMMARY_GRACE_MIN, limit, this.env.SUMMARY_SETTLE_S],
        ),
      )) as DueRow[];
      if (!due.length) return total;
      const byTenant = new Map<string, DueRow[]>();
      for (const d of due) byTenant.set(d.tenant_id, [...(byTenant.get(d.tenant_id) ?? []), d]);
      for (const rows of byTenant.values()) {
        await this.yieldToTelemetry(deferUntil);
        // A stop ends the pass between claims (the rest stays marked for the next process): a pass
        // over a replayed day of 400,000 meters would otherwise hold a shutdown for minutes.
        if (this.stopping) return total;
        total += await this.summarizeTenant(rows);
      }
      if (due.length < limit) return total;
    }
  }

  private async summarizeTenant(rows: DueRow[]): Promise<number> {
    const { tenant_id: tenantId, slug, time_zone: tz } = rows[0];
    // Before each claim: wait for the live writes in flight (they commit first, so the summaries
    // below see their readings) and make every later one forget the days it marked lately, so a
    // reading after the claim marks its day again (see the design README, "Meter state").
    await this.db.asSystem(async (em) => {
      await em.query(METERS_EXCLUSIVE_SQL);
      await em.query(`SELECT nextval('telemetry.summary_claims')`);
    });
    return this.db.withTenant({ tenantId, tenantSlug: slug }, async (em) => {
      // Claim first: a reading committed after this re-marks the day, so it is summarized again.
      // Only marks still settled: one refreshed since the due query belongs to a day still written.
      const claimed = (await em.query(
        // (In a CTE: TypeORM returns [rows, count] for a bare DELETE … RETURNING.)
        `WITH c AS (DELETE FROM telemetry.summary_dirty d USING unnest($1::text[], $2::date[]) AS k(meter_id, day)
          WHERE d.meter_id = k.meter_id AND d.day = k.day AND d.marked_at <= now() - make_interval(secs => $3)
          RETURNING d.meter_id, d.day::text AS day) SELECT * FROM c`,
        [rows.map((r) => r.meter_id), rows.map((r) => r.day), this.env.SUMMARY_SETTLE_S],
      )) as Array<{ meter_id: string; day: string }>;
      if (!claimed.length) return 0;
      // Index probes, one worker: the summarizer runs beside the live writes.
      await em.query(`SELECT ${PLANNER_SETTINGS_SQL}, set_config('max_parallel_workers_per_gather', '0', true)`);
      const summaries = (await em.query(SUMMARY_SQL, [
        claimed.map((c) => c.meter_id),
        claimed.map((c) => c.day),
        tz,
        `${this.env.SUMMARY_GAP_MIN} minutes`,
        tenantId,
      ])) as SummaryRow[];
      if (!summaries.length) return 0;
      const data = summaries.map(
        (s): Omit<MeterDaySummarizedData, 'revision'> => ({
          meterId: s.meter_id,
          ...(s.meter_uuid ? { meterUuid: s.meter_uuid } : {}),
          ...(s.toma_id ? { tomaId: s.toma_id } : {}),
          day: s.day,
          timeZone: tz,
          firstTs: new Date(s.first_ts).toISOString(),
          lastTs: new Date(s.last_ts).toISOString(),
          firstRegisterM3: s.first_reg,
          lastRegisterM3: s.last_reg,
          consumptionM3: s.consumption,
          minNightFlowLps: s.min_night_flow,
          alarms: alarmsFromBits(s.alarms),
          readings: s.readings,
          gaps: s.gaps,
          flaggedReadings: s.flagged,
        }),
      );
      const revisions = (await em.query(
        `INSERT INTO telemetry.meter_days (tenant_id, meter_id, day, revision, summary)
         SELECT $1, x.meter_id, x.day, 1, x.summary FROM unnest($2::text[], $3::date[], $4::jsonb[]) AS x(meter_id, day, summary)
         ON CONFLICT (tenant_id, meter_id, day) DO UPDATE SET revision = telemetry.meter_days.revision + 1, summary = EXCLUDED.summary, summarized_at = now()
         RETURNING meter_id, day::text AS day, revision`,
        [tenantId, data.map((d) => d.meterId), data.map((d) => d.day), data.map((d) => JSON.stringify(d))],
      )) as Array<{ meter_id: string; day: string; revision: number }>;
      const rev = new Map(revisions.map((r) => [`${r.meter_id}/${r.day}`, r.revision]));
      const events = data.map((d) => ({
        type: MeterDaySummarizedV1.type,
        subject: d.meterId,
        data: { ...d, revision: rev.get(`${d.meterId}/${d.day}`) ?? 1 } satisfies MeterDaySummarizedData,
      }));
      for (let i = 0; i < events.length; i += 500) await this.outbox.addMany(events.slice(i, i + 500), em);
      return events.length;
    });
  }
}

import { Injectable } from '@nestjs/common';
import { v7 as uuidv7 } from 'uuid';
import type { EntityManager } from 'typeorm';
import {
  AnomalyDetectedV1,
  ConsumptionBillableV1,
  type AnomalyDetectedData,
  type AnomalyKind,
  type AnomalyView,
  type BillableConsumptionView,
  type ListTomaReadingsRequest,
  type Page,
  type BillableConsumptionData,
  type BillableMethod,
  type ClosePeriodRequest,
  type ClosePeriodView,
  type ConsumptionSeriesView,
  type MeterDaySummarizedData,
  type ReadingStatus,
  type ReadingView,
  type TomaConsumptionRequest,
} from '@supra/contracts';
import { ServiceDatabase } from '@supra/platform/database';
import { Outbox } from '@supra/platform/messaging';
import { TenantContext } from '@supra/platform/tenancy';
import { addDays, daysBetween, daysInPeriod, localDateOf, parsePeriodKey, startOfLocalDay, type BillingPeriod } from '@supra/domain/periods';
import { chooseEstimate, lastYearPeriodKey, type ChosenEstimate, type EstimationMethod } from '../vee/estimation';
import { VeeError } from '../vee/vee.errors';
import { fmtM3, m3 } from '../vee/m3';
import { computeConsumption } from '../vee/consumption';
import { detectAnomalies, type MeterDay } from '../anomalies/anomaly-detection';
import { BILLABLE_STATUSES, FUTURE_TOLERANCE_MS, ReadingsService } from '../readings/readings.service';
import { validateSmartDay } from '../vee/smart-validation';
import type { MeterRow } from '../meters/meters.service';
import { Clock } from '../shared/clock';
import { SettingsService } from '../settings/settings.service';
import { meteringError } from '../shared/metering.errors';
import { iso, one, pageOf, rows } from '../shared/sql';
import { chainConsumption, consumptionSeries, settleEstimated, settleMeasured, type ChainReading } from './billable';

/** Earlier meter-days loaded for the smart VEE rules (the longest window they look at, plus margin). */
const SMART_LOOKBACK_DAYS = 14;

/** The final reading that closes a terminated contract's last (partial) period, or its estimate. */
export type FinalClose =
  | { readingId: string; readAt: Date; terminatesAt: Date }
  /** No final reading could be taken: the `days` served in the period are estimated (an operator's decision). */
  | { readingId: null; terminatesAt: Date; days: number; reason: string };

interface BillableRow {
  id: string;
  contract_id: string | null;
  toma_id: string;
  meter_id: string | null;
  period: string;
  period_start: Date;
  period_end: Date;
  consumption_m3: string;
  estimated: boolean;
  adjustment_m3: string;
  method: BillableMethod;
  final: boolean;
  provenance: Record<string, unknown>;
}

interface AnomalyRow {
  id: string;
  toma_id: string;
  meter_id: string;
  kind: AnomalyKind;
  day: string;
  evidence: Record<string, unknown>;
  detected_at: Date;
}

interface ChainRow {
  id: string;
  meter_id: string;
  value_m3: string;
  read_at: Date;
  source: string;
  register_digits: number;
  vee: { outcomes?: string[] };
}

/** Billable consumption per contract and period, the estimation pool, the consumption series, daily summaries. */
@Injectable()
export class ConsumptionService {
  constructor(
    private readonly db: ServiceDatabase,
    private readonly outbox: Outbox,
    private readonly readings: ReadingsService,
    private readonly clock: Clock,
    private readonly settings: SettingsService,
  ) {}

  /** Computes and emits billable consumption of the period for every active contract of its frequency. Idempotent. */
  closePeriod(dto: ClosePeriodRequest): Promise<ClosePeriodView> {
    return this.db.tx(async (em) => {
      let period: BillingPeriod;
      try {
        period = parsePeriodKey(dto.period, dto.timeZone ?? (await this.settings.of(em)).timeZone);
      } catch (e) {
        throw meteringError('METERING.INVALID_PERIOD', (e as Error).message, { period: dto.period });
      }
      const kind = period.frequency === 'monthly' ? 'mensual' : 'bimestral';
      const contracts = await rows<{ id: string; toma_id: string }>(
        em,
        `SELECT id, toma_id FROM metering.contracts
          WHERE billing_period = $1 AND status IN ('activo','suspendido') AND start_date <= $2::date AND (end_date IS NULL OR end_date >= $3::date)
          ORDER BY toma_id`,
        [kind, period.lastDay, period.firstDay],
      );
      const view: ClosePeriodView = { period: period.key, computed: 0, alreadyClosed: 0, estimated: 0, skipped: [] };
      for (const c of contracts) {
        const outcome = await this.closeToma(em, c.toma_id, c.id, period);
        if (outcome === 'closed') view.alreadyClosed++;
        else if (outcome === 'estimated') {
          view.computed++;
          view.estimated++;
        } else if (outcome === 'measured') view.computed++;
        else view.skipped.push({ tomaId: c.toma_id, reason: outcome.skipped });
      }
      return view;
    });
  }

  /**
   * Billable consumption of one toma for a period, from its cursor to the last usable reading before the
   * period ends; with `final` (a terminated contract), to the final reading itself, ending at the termination
   * instant and settling the whole pool (what over-estimates billed beyond the measured volume goes to billing
   * as the event's `creditM3`, also `unsettledPoolM3`/`creditM3` in the provenance, not to the toma's next holder).
   */
  async closeToma(
    em: EntityManager,
    tomaId: string,
    contractId: string | null,
    period: BillingPeriod,
    final?: FinalClose,
  ): Promise<'closed' | 'measured' | 'estimated' | { skipped: string }> {
    const existing = await one(
      em,
      `SELECT 1 FROM metering.billable_consumptions WHERE toma_id = $1 AND period = $2 AND contract_id IS NOT DISTINCT FROM $3 AND final = $4`,
      [tomaId, period.key, contractId, final !== undefined],
    );
    if (existing) return 'closed';
    // A previous contract's final reading comes first: closing this one would move the cursor past it.
    const pendingFinal = final ? undefined : await one<{ contract_id: string }>(
      em,
      `SELECT contract_id FROM metering.final_readings WHERE toma_id = $1 AND status = 'pending' AND terminates_at < $2 LIMIT 1`,
      [tomaId, period.end],
    );
    if (pendingFinal) return { skipped: `final reading of contract ${pendingFinal.contract_id} is pending` };
    const cursor = await one<{ reading_id: string | null; pool_m3: string; read_at: Date | null }>(
      em,
      `SELECT c.reading_id, c.pool_m3, r.read_at FROM metering.consumption_cursors c LEFT JOIN metering.readings r ON r.id = c.reading_id WHERE c.toma_id = $1 FOR UPDATE OF c`,
      [tomaId],
    );
    const pool = cursor?.pool_m3 ?? '0.000';
    // The chain: the cursor reading (or the toma's first usable one) up to the last usable reading before the period ends (or the final reading).
    const chain = await rows<ChainRow>(
      em,
      `SELECT r.id, r.meter_id, r.value_m3, r.read_at, r.source, m.register_digits, r.vee
         FROM metering.readings r JOIN metering.meters m ON m.id = r.meter_id
        WHERE r.toma_id = $1 AND r.value_m3 IS NOT NULL AND r.status IN ${BILLABLE_STATUSES}
          AND (r.read_at < $2 OR ($4 AND r.read_at = $2)) AND ($3::timestamptz IS NULL OR r.read_at >= $3)
        ORDER BY r.read_at, r.id`,
      [tomaId, final?.readingId ? final.readAt : period.end, cursor?.read_at ?? null, Boolean(final?.readingId)],
    );
    const last = chain[chain.length - 1];
    // Two usable readings measure something (an exchange's final reading counts even if the new meter's initial one closes the chain).
    const hasNewReal = chain.length >= 2;
    let data: Omit<BillableConsumptionData, 'billableId' | 'tomaId' | 'period' | 'periodStart' | 'periodEnd' | 'contractId'>;
    let measured: string | null = null;
    let cursorReading = cursor?.reading_id ?? chain[0]?.id ?? null;
    let poolAfter: string;
    let credit: string | null = null;
    // A final reading always measures: from the cursor to itself it is 0 m3, never an estimate.
    if (final ? final.readingId !== null : hasNewReal) {
      const res = chainConsumption(chain.map((r): ChainReading => ({ id: r.id, meterId: r.meter_id, valueM3: r.value_m3, readAt: new Date(r.read_at), registerDigits: r.register_digits })));
      const s = settleMeasured(res.measuredM3, pool);
      const method: BillableMethod = res.exchanges > 0 ? 'exchange' : last?.source === 'smart' ? 'daily_summaries' : res.rolledOver ? 'rollover' : 'difference';
      measured = res.measuredM3;
      poolAfter = final ? '0.000' : s.poolAfterM3;
      cursorReading = last?.id ?? cursorReading;
      // Estimates billed beyond all that was measured until the final reading: credited to this contract (creditM3).
      if (final?.readingId && m3(s.poolAfterM3).greaterThan(0)) credit = s.poolAfterM3;
      const finalInputs = final?.readingId ? { finalReadingId: final.readingId, terminatesAt: final.terminatesAt.toISOString(), unsettledPoolM3: s.poolAfterM3, creditM3: credit ?? '0.000' } : {};
      data = {
        meterId: last?.meter_id,
        consumptionM3: s.billedM3,
        estimated: false,
        adjustmentM3: s.adjustmentM3,
        provenance: {
          readingIds: chain.map((r) => r.id),
          rules: last?.vee?.outcomes ?? [],
          method,
          inputs: {
            segments: res.segments,
            measuredM3: res.measuredM3,
            // The measured span: history and class averages take their daily rate from it, not from the period's days.
            measuredFrom: chain[0] ? new Date(chain[0].read_at).toISOString() : null,
            measuredTo: last ? new Date(last.read_at).toISOString() : null,
            poolBeforeM3: pool,
            poolAfterM3: poolAfter,
            exchanges: res.exchanges,
            rolledOver: res.rolledOver,
            ...finalInputs,
          },
        },
      };
    } else {
      const est = await this.estimate(em, tomaId, period, final && final.readingId === null ? final.days : undefined);
      if ('none' in est) return { skipped: est.none };
      // An estimated final stays in the pool: the toma's next real reading settles it, whoever holds the next contract.
      const s = settleEstimated(est.valueM3, pool);
      const finalInputs = final && final.readingId === null ? { terminatesAt: final.terminatesAt.toISOString(), reason: final.reason } : {};
      poolAfter = s.poolAfterM3;
      data = {
        meterId: last?.meter_id,
        consumptionM3: s.billedM3,
        estimated: true,
        adjustmentM3: s.adjustmentM3,
        provenance: {
          readingIds: [],
          rules: [`estimate:${est.method}`, ...est.skipped.map((x) => `estimate:${x.method}:skip`)],
          method: 'estimated',
          inputs: { rule: est.method, ...est.inputs, skipped: est.skipped, order: est.order, poolBeforeM3: pool, poolAfterM3: s.poolAfterM3, ...finalInputs },
        },
      };
    }
    const billableId = uuidv7();
    const event: BillableConsumptionData = {
      billableId,
      ...(contractId ? { contractId } : {}),
      tomaId,
      period: period.key,
      periodStart: period.start.toISOString(),
      periodEnd: (final?.terminatesAt ?? period.end).toISOString(),
      ...data,
      ...(final ? { final: true } : {}),
      // What the ended contract's estimates billed and no reading measured goes back to it, not to the next holder.
      ...(credit ? { creditM3: credit } : {}),
    };
    if (!event.meterId) delete event.meterId;
    await em.query(
      `INSERT INTO metering.billable_consumptions (id, tenant_id, toma_id, contract_id, meter_id, period, period_start, period_end, consumption_m3, measured_m3, estimated, adjustment_m3, method, provenance, final)
       VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15)`,
      [billableId, TenantContext.tenantId(), tomaId, contractId, event.meterId ?? null, period.key, period.start, event.periodEnd, event.consumptionM3, measured, event.estimated, event.adjustmentM3, event.provenance.method, JSON.stringify(event.provenance), final !== undefined],
    );
    await em.query(
      `INSERT INTO metering.consumption_cursors (tenant_id, toma_id, reading_id, pool_m3, updated_at) VALUES ($1,$2,$3,$4, now())
       ON CONFLICT (tenant_id, toma_id) DO UPDATE SET reading_id = EXCLUDED.reading_id, pool_m3 = EXCLUDED.pool_m3, updated_at = now()`,
      [TenantContext.tenantId(), tomaId, cursorReading, poolAfter],
    );
    await this.outbox.add({ type: ConsumptionBillableV1.type, subject: tomaId, data: event }, em);
    return event.estimated ? 'estimated' : 'measured';
  }

  /**
   * The one estimation path: loads what each VEE strategy needs (the toma's history, the same period last
   * year, its class average) and lets `chooseEstimate` take the first that applies in the tenant's order.
   */
  private async estimate(
    em: EntityManager,
    tomaId: string,
    period: BillingPeriod,
    days = daysInPeriod(period),
  ): Promise<(ChosenEstimate & { order: readonly EstimationMethod[] }) | { none: string }> {
    const history = await this.readings.history(em, tomaId);
    const lastYear = lastYearPeriodKey(period.key);
    const order = (await this.settings.of(em)).estimationOrder;
    try {
      const chosen = chooseEstimate({
        periodKey: period.key,
        days,
        // Only periods before this one: a re-run never estimates from its own future.
        history: history.filter((h) => h.periodKey < period.key),
        samePeriodLastYear: history.find((h) => h.periodKey === lastYear) ?? null,
        classAverageDailyM3: await this.readings.classAverageDaily(em, tomaId, period.start),
      }, order);
      return { ...chosen, order };
    } catch (e) {
      if (e instanceof VeeError && e.code === 'METERING.VEE_NO_ESTIMATE') {
        return { none: `no usable reading in the period and no estimate applies (${order.join(', ')})` };
      }
      throw e;
    }
  }

  /** Billable consumptions of a toma, newest period first (`from`/`to` bound the period start). */
  billableOf(q: ListTomaReadingsRequest): Promise<Page<BillableConsumptionView>> {
    return this.page(q, 'billable_consumptions', '*', 'period_start', 'period_start DESC, final DESC', (b: BillableRow) => ({
      id: b.id,
      contractId: b.contract_id,
      tomaId: b.toma_id,
      meterId: b.meter_id,
      period: b.period,
      periodStart: iso(b.period_start) as string,
      periodEnd: iso(b.period_end) as string,
      consumptionM3: b.consumption_m3,
      estimated: b.estimated,
      adjustmentM3: b.adjustment_m3,
      method: b.method,
      final: b.final,
      provenance: b.provenance,
    }));
  }

  /** Anomalies of a toma with their evidence, newest day first (`from`/`to` bound the day). */
  anomaliesOf(q: ListTomaReadingsRequest): Promise<Page<AnomalyView>> {
    const columns = `id, toma_id, meter_id, kind, to_char(day, 'YYYY-MM-DD') AS day, evidence, detected_at`;
    return this.page(q, 'anomalies', columns, 'day', 'day DESC, kind', (a: AnomalyRow) => ({
      id: a.id,
      tomaId: a.toma_id,
      meterId: a.meter_id,
      kind: a.kind,
      day: a.day,
      evidence: a.evidence,
      detectedAt: iso(a.detected_at) as string,
    }));
  }

  private page<R, V>(q: ListTomaReadingsRequest, table: string, columns: string, timeColumn: string, order: string, map: (r: R) => V): Promise<Page<V>> {
    const where = `toma_id = $1 AND ($2::timestamptz IS NULL OR ${timeColumn} >= $2) AND ($3::timestamptz IS NULL OR ${timeColumn} < $3)`;
    return this.db.tx((em) => pageOf(em, { table: `metering.${table}`, where, params: [q.id, q.from ?? null, q.to ?? null], order, columns }, q, map));
  }

  /**
   * Consumption series of a toma for charts, bucketed by local day or month: readings' consumption, estimated
   * periods' estimates (`estimated: true`) and the settlement of those estimates (`consumptionSeries`).
   */
  series(q: TomaConsumptionRequest): Promise<ConsumptionSeriesView> {
    return this.db.tx(async (em) => {
      const bucket = q.bucket ?? 'month';
      const to = q.to ? new Date(q.to) : this.clock.now();
      const from = q.from ? new Date(q.from) : new Date(to.getTime() - 366 * 86_400_000);
      const fmt = bucket === 'day' ? 'YYYY-MM-DD' : 'YYYY-MM';
      const timeZone = (await this.settings.of(em)).timeZone;
      const points = await rows<{ bucket: string; consumption_m3: string }>(
        em,
        `SELECT to_char(read_at AT TIME ZONE $4, '${fmt}') AS bucket, sum(consumption_m3)::numeric(12,3)::text AS consumption_m3
           FROM metering.readings
          WHERE toma_id = $1 AND read_at >= $2 AND read_at < $3 AND consumption_m3 IS NOT NULL AND status IN ${BILLABLE_STATUSES}
          GROUP BY 1 ORDER BY 1`,
        [q.id, from, to, timeZone],
      );
      const billables = await rows<{ period_start: Date; period_end: Date; consumption_m3: string; estimated: boolean; adjustment_m3: string; measured_to: string | null }>(
        em,
        `SELECT period_start, period_end, consumption_m3, estimated, adjustment_m3, provenance->'inputs'->>'measuredTo' AS measured_to
           FROM metering.billable_consumptions
          WHERE toma_id = $1 AND period_end > $2 AND period_start < $3 AND (estimated OR adjustment_m3 < 0)`,
        [q.id, from, to],
      );
      const series = consumptionSeries(
        points.map((p) => ({ bucket: p.bucket, consumptionM3: p.consumption_m3 })),
        billables.map((b) => ({
          periodStart: new Date(b.period_start),
          periodEnd: new Date(b.period_end),
          consumptionM3: b.consumption_m3,
          estimated: b.estimated,
          adjustmentM3: b.adjustment_m3,
          measuredTo: b.measured_to ? new Date(b.measured_to) : null,
        })),
        { bucket, timeZone, from, to },
      );
      return { tomaId: q.id, bucket, points: series };
    });
  }

  /**
   * A meter-day from ingestion: kept (highest revision wins), turned into a smart reading at the day's last
   * register (so billing uses the same chain as manual readings), and checked for anomalies.
   */
  async onDaySummary(d: MeterDaySummarizedData): Promise<void> {
    await this.db.tx(async (em) => {
      const meter = await one<MeterRow>(
        em,
        d.meterUuid ? `SELECT * FROM metering.meters WHERE id::text = $1` : `SELECT * FROM metering.meters WHERE serial = $1 OR device_eui = $1`,
        [d.meterUuid ?? d.meterId],
      );
      // A summary of a meter metering does not know is of no use here; ingestion keeps the telemetry.
      if (!meter || !meter.toma_id) return;
      const kept = await rows(
        em,
        `INSERT INTO metering.daily_summaries (tenant_id, meter_id, day, toma_id, first_register_m3, last_register_m3, consumption_m3, min_night_flow_lps, revision, alarms, readings_count, last_reading_at)
         VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12)
         ON CONFLICT (tenant_id, meter_id, day) DO UPDATE SET first_register_m3 = EXCLUDED.first_register_m3, last_register_m3 = EXCLUDED.last_register_m3,
           consumption_m3 = EXCLUDED.consumption_m3, min_night_flow_lps = EXCLUDED.min_night_flow_lps, revision = EXCLUDED.revision, alarms = EXCLUDED.alarms,
           readings_count = EXCLUDED.readings_count, last_reading_at = EXCLUDED.last_reading_at
           WHERE daily_summaries.revision < EXCLUDED.revision
         RETURNING 1`,
        [TenantContext.tenantId(), meter.id, d.day, meter.toma_id, d.firstRegisterM3, d.lastRegisterM3, d.consumptionM3, d.minNightFlowLps ?? null, d.revision, d.alarms, d.readings, d.lastTs],
      );
      if (!kept.length) return; // an older or equal revision: already applied
      await this.smartReading(em, meter, d);
      await this.anomalies(em, meter, d.day);
    });
  }

  /** The day's last register as a smart reading, judged by the smart-meter VEE rules (vee/smart-validation). */
  private async smartReading(em: EntityManager, meter: MeterRow, d: MeterDaySummarizedData): Promise<string> {
    const tomaId = meter.toma_id as string;
    const readAt = new Date(d.lastTs);
    const prev = await one<{ id: string; value_m3: string; read_at: Date }>(
      em,
      `SELECT id, value_m3, read_at FROM metering.readings
        WHERE meter_id = $1 AND value_m3 IS NOT NULL AND status <> 'rejected' AND read_at < $2 AND NOT (source = 'smart' AND vee->>'summaryDay' = $3)
        ORDER BY read_at DESC LIMIT 1`,
      [meter.id, readAt, d.day],
    );
    const previousDays = await rows<{ day: string; consumption_m3: string; last_register_m3: string }>(
      em,
      `SELECT to_char(day, 'YYYY-MM-DD') AS day, consumption_m3, last_register_m3 FROM metering.daily_summaries
        WHERE meter_id = $1 AND day < $2::date AND day >= $2::date - $3::int ORDER BY day`,
      [meter.id, d.day, SMART_LOOKBACK_DAYS],
    );
    const value = fmtM3(m3(d.lastRegisterM3));
    const c = prev ? computeConsumption({ previousReading: prev.value_m3, currentReading: value, register: { digits: meter.register_digits } }) : null;
    const zone = d.timeZone;
    const dayEnd = startOfLocalDay(addDays(d.day, 1), zone);
    const latest = new Date(this.clock.now().getTime() + FUTURE_TOLERANCE_MS);
    let status: ReadingStatus = 'valid';
    let flags: ReadingView['flags'] = [];
    let vee: Record<string, unknown> = { summaryDay: d.day, revision: d.revision };
    if (c) {
      const verdict = validateSmartDay({
        day: d.day,
        consumptionM3: c.consumptionM3,
        days: Math.max(1, daysBetween(localDateOf(new Date(prev!.read_at), zone), d.day)),
        lastRegisterM3: value,
        readAt: readAt.toISOString(),
        window: { opensAt: startOfLocalDay(d.day, zone).toISOString(), closesAt: (latest < dayEnd ? latest : dayEnd).toISOString() },
        occupied: await this.readings.occupied(em, tomaId),
        history: await this.readings.history(em, tomaId),
        classAverageDailyM3: await this.readings.classAverageDaily(em, tomaId, readAt),
        previousDays: previousDays.map((x) => ({ day: x.day, consumptionM3: x.consumption_m3, lastRegisterM3: x.last_register_m3 })),
      });
      status = verdict.status;
      flags = verdict.results.filter((x) => !x.passed).map((x) => ({ rule: x.rule, severity: x.severity, message: x.detail }));
      vee = { ...vee, outcomes: verdict.outcomes, method: c.method, rolledOver: c.rolledOver, previousReadingId: prev!.id };
    }
    // One smart reading per meter-day: a new revision (late readings) moves it in place, keeping its id for cursors.
    const sameDay = await one<{ id: string }>(em, `SELECT id FROM metering.readings WHERE meter_id = $1 AND source = 'smart' AND vee->>'summaryDay' = $2`, [meter.id, d.day]);
    const id = sameDay?.id ?? uuidv7();
    const params = [id, TenantContext.tenantId(), meter.id, tomaId, value, readAt, status, c?.consumptionM3 ?? null, JSON.stringify(flags), JSON.stringify(vee)];
    if (sameDay) {
      await em.query(
        `UPDATE metering.readings SET value_m3 = $5, read_at = $6, status = $7, consumption_m3 = $8, flags = $9, vee = $10 WHERE id = $1 AND tenant_id = $2 AND meter_id = $3 AND toma_id = $4`,
        params,
      );
    } else {
      await em.query(
        `INSERT INTO metering.readings (id, tenant_id, meter_id, toma_id, value_m3, read_at, source, status, consumption_m3, flags, vee)
         VALUES ($1,$2,$3,$4,$5,$6,'smart',$7,$8,$9,$10)`,
        params,
      );
    }
    if (c && status === 'valid') await this.readings.notifyUsable(em, { id, tomaId, readAt, source: 'smart' });
    return id;
  }

  private async anomalies(em: EntityManager, meter: MeterRow, day: string): Promise<void> {
    const days = await rows<{ day: string; consumption_m3: string; min_night_flow_lps: string | null; alarms: string[]; readings_count: number }>(
      em,
      `SELECT to_char(day, 'YYYY-MM-DD') AS day, consumption_m3, min_night_flow_lps, alarms, readings_count FROM metering.daily_summaries
        WHERE meter_id = $1 AND day <= $2::date AND day > $2::date - 21 ORDER BY day`,
      [meter.id, day],
    );
    if (!days.length || days[days.length - 1].day !== day) return;
    const found = detectAnomalies(
      days.map((x): MeterDay => ({ day: x.day, consumptionM3: x.consumption_m3, minNightFlowLps: x.min_night_flow_lps, alarms: x.alarms, readingsCount: x.readings_count })),
    );
    for (const a of found) {
      const id = uuidv7();
      const detectedAt = this.clock.now();
      const inserted = await rows(
        em,
        `INSERT INTO metering.anomalies (id, tenant_id, toma_id, meter_id, kind, day, evidence, detected_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8)
         ON CONFLICT DO NOTHING RETURNING 1`,
        [id, TenantContext.tenantId(), meter.toma_id, meter.id, a.kind, day, JSON.stringify(a.evidence), detectedAt],
      );
      if (!inserted.length) continue;
      const data: AnomalyDetectedData = { anomalyId: id, tomaId: meter.toma_id as string, meterId: meter.id, kind: a.kind, evidence: { ...a.evidence, serial: meter.serial }, detectedAt: detectedAt.toISOString() };
      await this.outbox.add({ type: AnomalyDetectedV1.type, subject: meter.id, data }, em);
    }
  }
}

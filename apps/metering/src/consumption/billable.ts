import { computeConsumption } from '../vee/consumption';
import { settleEstimationPool } from '../vee/estimation-pool';
import { Dec } from '@supra/domain/money';
import { addDays, daysBetween, localDateOf, startOfLocalDay } from '@supra/domain/periods';
import { type M3, ZERO, fmtM3, m3 } from '../vee/m3';

/** A register reading as the consumption chain sees it. */
export interface ChainReading {
  id: string;
  meterId: string;
  valueM3: string;
  readAt: Date;
  registerDigits: number;
}

export interface ChainResult {
  measuredM3: string;
  rolledOver: boolean;
  exchanges: number;
  segments: Array<{ meterId: string; from: string; to: string; fromReadingId: string; toReadingId: string; consumptionM3: string; method: string }>;
}

/**
 * Consumption from the first reading of the chain to its last, in time order. Consecutive readings of the
 * same meter contribute their difference (rollover-aware, through the VEE helper); a change of meter (an
 * exchange: the old meter's final reading followed by the new one's initial reading) contributes nothing,
 * so (final_old - previous) + (current - initial_new) is what is counted.
 */
export function chainConsumption(chain: ChainReading[]): ChainResult {
  const sorted = [...chain].sort((a, b) => a.readAt.getTime() - b.readAt.getTime());
  let total: M3 = ZERO;
  let rolledOver = false;
  let exchanges = 0;
  const segments: ChainResult['segments'] = [];
  for (let i = 1; i < sorted.length; i++) {
    const prev = sorted[i - 1];
    const cur = sorted[i];
    if (prev.meterId !== cur.meterId) {
      exchanges++;
      continue;
    }
    const r = computeConsumption({ previousReading: prev.valueM3, currentReading: cur.valueM3, register: { digits: cur.registerDigits } });
    total = total.plus(m3(r.consumptionM3));
    rolledOver ||= r.rolledOver;
    segments.push({
      meterId: cur.meterId,
      from: prev.valueM3,
      to: cur.valueM3,
      fromReadingId: prev.id,
      toReadingId: cur.id,
      consumptionM3: r.consumptionM3,
      method: r.method,
    });
  }
  return { measuredM3: fmtM3(total), rolledOver, exchanges, segments };
}

export interface Settlement {
  /** What billing charges for the period (never negative). */
  billedM3: string;
  /** billed - measured: the part of the estimation pool settled into this period. */
  adjustmentM3: string;
  /** m3 billed but not yet measured, carried to the next period. */
  poolAfterM3: string;
}

/**
 * The estimation pool: m3 billed as estimates and not yet measured. A real measurement covers every period
 * since the last real reading, so what was already billed for them is deducted; consumption never goes below
 * zero, and whatever cannot be deducted stays in the pool for the next period. Invariant:
 * sum(billed) - sum(measured) == pool, so nothing is billed twice and nothing is lost.
 */
export function settleMeasured(measuredM3: string, poolM3: string): Settlement {
  // The cursor keeps the pool as m3 billed ahead (>= 0); the VEE settlement counts it as estimates billed.
  const s = settleEstimationPool({ measuredM3, estimatedPeriods: [{ periodKey: 'pool', estimatedM3: poolM3 }] });
  return { billedM3: s.billableM3, adjustmentM3: s.adjustmentM3, poolAfterM3: fmtM3(m3(s.carryForwardM3).negated()) };
}

/** An estimated period adds its estimate to the pool; it is settled by the next real measurement. */
export function settleEstimated(estimateM3: string, poolM3: string): Settlement {
  const e = m3(estimateM3);
  return { billedM3: fmtM3(e), adjustmentM3: '0.000', poolAfterM3: fmtM3(m3(poolM3).plus(e)) };
}

/** A billable consumption as the consumption series needs it. */
export interface SeriesBillable {
  periodStart: Date;
  periodEnd: Date;
  consumptionM3: string;
  estimated: boolean;
  /** Negative when the period settled estimates billed earlier (billed = measured + adjustment). */
  adjustmentM3: string;
  /** Instant of the period's last real reading (measured periods). */
  measuredTo: Date | null;
}

export interface SeriesPoint {
  bucket: string;
  consumptionM3: string;
  estimated: boolean;
}

/**
 * The consumption series as billed. Readings give the measured buckets; an estimated period has no reading, so
 * its estimate is spread evenly over its local days (exact total) and those buckets are `estimated`; the
 * reading that settles earlier estimates measured them again, so its period's adjustment is taken off its
 * bucket (and earlier ones when that one is too small) and nothing is counted twice.
 */
export function consumptionSeries(
  measured: ReadonlyArray<{ bucket: string; consumptionM3: string }>,
  billables: readonly SeriesBillable[],
  o: { bucket: 'day' | 'month'; timeZone: string; from: Date; to: Date },
): SeriesPoint[] {
  // Per bucket, the measured part (what settlements reduce) and the estimated part.
  const points = new Map<string, { measured: M3; estimated: M3 | null }>();
  const at = (bucket: string) => {
    let p = points.get(bucket);
    if (!p) points.set(bucket, (p = { measured: ZERO, estimated: null }));
    return p;
  };
  const bucketOf = (day: string) => (o.bucket === 'day' ? day : day.slice(0, 7));
  for (const r of measured) at(r.bucket).measured = at(r.bucket).measured.plus(m3(r.consumptionM3));
  for (const b of billables.filter((x) => x.estimated)) {
    const first = localDateOf(b.periodStart, o.timeZone);
    const days = daysBetween(first, localDateOf(new Date(b.periodEnd.getTime() - 1), o.timeZone)) + 1;
    const total = m3(b.consumptionM3);
    for (let k = 0; k < days; k++) {
      const day = addDays(first, k);
      const start = startOfLocalDay(day, o.timeZone);
      if (start < o.from || start >= o.to) continue;
      const share = total.times(k + 1).div(days).toDecimalPlaces(3).minus(total.times(k).div(days).toDecimalPlaces(3));
      const p = at(bucketOf(day));
      p.estimated = (p.estimated ?? ZERO).plus(share);
    }
  }
  for (const b of billables.filter((x) => !x.estimated && x.measuredTo && m3(x.adjustmentM3).isNegative())) {
    const settled = bucketOf(localDateOf(b.measuredTo!, o.timeZone));
    const since = bucketOf(localDateOf(b.periodStart, o.timeZone));
    let left = m3(b.adjustmentM3).negated();
    for (const key of [...points.keys()].filter((k) => k <= settled && k >= since).sort().reverse()) {
      const p = points.get(key)!;
      const take = Dec.min(left, p.measured);
      p.measured = p.measured.minus(take);
      left = left.minus(take);
      if (left.isZero()) break;
    }
  }
  return [...points.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([bucket, p]) => ({ bucket, consumptionM3: fmtM3(p.measured.plus(p.estimated ?? ZERO)), estimated: p.estimated !== null }));
}

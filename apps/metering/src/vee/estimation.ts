import { type HistoryPeriod, expectedFromHistory } from './history';
import { dec, fmtM3, m3 } from './m3';
import { VeeError } from './vee.errors';

export type EstimationMethod = 'average_last_periods' | 'same_period_last_year' | 'class_average';

export interface EstimationResult {
  method: EstimationMethod;
  valueM3: string;
  /** Everything the estimate was computed from, recorded with it. */
  inputs: Record<string, string | number | null>;
}

export interface EstimationContext {
  periodKey: string;
  /** Days of the period to estimate. */
  days: number;
  /** Past periods of the toma, oldest first; estimated ones are ignored. */
  history: readonly HistoryPeriod[];
  /** The same period one year earlier, when known. */
  samePeriodLastYear?: HistoryPeriod | null;
  /** Average daily m3 of the toma's class. */
  classAverageDailyM3?: string | null;
}

export interface EstimationConfig {
  /** How many real periods the average uses, and how many it needs at least. */
  averagePeriods: number;
  minAveragePeriods: number;
}

export const DEFAULT_ESTIMATION_CONFIG: Readonly<EstimationConfig> = Object.freeze({ averagePeriods: 3, minAveragePeriods: 2 });

export const DEFAULT_ESTIMATION_ORDER: readonly EstimationMethod[] = Object.freeze([
  'average_last_periods',
  'same_period_last_year',
  'class_average',
]);

/** The same billing period one year earlier: "2026-03" -> "2025-03", "2026-B2" -> "2025-B2". */
export function lastYearPeriodKey(periodKey: string): string {
  const m = /^(\d{4})-(.+)$/.exec(periodKey);
  if (!m) throw new VeeError('METERING.VEE_INVALID_INPUT', `Invalid period key: ${periodKey}`, { periodKey });
  return `${Number(m[1]) - 1}-${m[2]}`;
}

/** Each strategy returns its estimate, or the reason it does not apply. */
type Attempt = EstimationResult | { skipped: string };

function assertDays(days: number): void {
  if (!Number.isInteger(days) || days <= 0) {
    throw new VeeError('METERING.VEE_INVALID_INPUT', `Days to estimate must be a positive integer, got ${days}`, { days });
  }
}

/** Average daily rate of the last real periods times the days of the period. */
export function averageOfLastPeriods(ctx: EstimationContext, config: EstimationConfig = DEFAULT_ESTIMATION_CONFIG): Attempt {
  assertDays(ctx.days);
  const exp = expectedFromHistory(ctx.history, config.averagePeriods, ctx.days);
  const count = exp?.used.length ?? 0;
  if (!exp || count < config.minAveragePeriods) {
    return { skipped: `${count} real period(s) of history; ${config.minAveragePeriods} needed` };
  }
  return {
    method: 'average_last_periods',
    valueM3: fmtM3(exp.expected),
    inputs: {
      periodKey: ctx.periodKey,
      days: ctx.days,
      periods: exp.used.map((h) => h.periodKey).join(','),
      totalM3: fmtM3(exp.totalM3),
      totalDays: exp.totalDays,
      dailyRateM3: exp.dailyRate.toDecimalPlaces(6).toFixed(6),
    },
  };
}

/** Last year's same period, scaled by days (a 29-day February from a 28-day one). */
export function samePeriodLastYear(ctx: EstimationContext): Attempt {
  assertDays(ctx.days);
  const last = ctx.samePeriodLastYear;
  if (!last) return { skipped: 'No consumption for the same period last year' };
  if (last.estimated) return { skipped: `${last.periodKey} was itself estimated` };
  if (last.days <= 0) return { skipped: `${last.periodKey} has no days` };
  const value = m3(m3(last.consumptionM3, 'last year consumption').times(ctx.days).dividedBy(last.days));
  return {
    method: 'same_period_last_year',
    valueM3: fmtM3(value),
    inputs: {
      periodKey: ctx.periodKey,
      days: ctx.days,
      lastYearPeriod: last.periodKey,
      lastYearM3: fmtM3(m3(last.consumptionM3)),
      lastYearDays: last.days,
    },
  };
}

export function classAverage(ctx: EstimationContext): Attempt {
  assertDays(ctx.days);
  if (ctx.classAverageDailyM3 === undefined || ctx.classAverageDailyM3 === null) return { skipped: 'No class average available' };
  const daily = dec(ctx.classAverageDailyM3, 'classAverageDailyM3');
  if (daily.isNegative()) throw new VeeError('METERING.VEE_INVALID_INPUT', 'Class average cannot be negative', { daily: ctx.classAverageDailyM3 });
  return {
    method: 'class_average',
    valueM3: fmtM3(m3(daily.times(ctx.days))),
    inputs: { periodKey: ctx.periodKey, days: ctx.days, classAverageDailyM3: ctx.classAverageDailyM3 },
  };
}

export interface ChosenEstimate extends EstimationResult {
  /** Methods tried before this one, and why each did not apply. */
  skipped: Array<{ method: EstimationMethod; reason: string }>;
}

/** Tries the strategies in the tenant's order and keeps the first that applies. */
export function chooseEstimate(
  ctx: EstimationContext,
  order: readonly EstimationMethod[] = DEFAULT_ESTIMATION_ORDER,
  config: EstimationConfig = DEFAULT_ESTIMATION_CONFIG,
): ChosenEstimate {
  const strategies: Record<EstimationMethod, () => Attempt> = {
    average_last_periods: () => averageOfLastPeriods(ctx, config),
    same_period_last_year: () => samePeriodLastYear(ctx),
    class_average: () => classAverage(ctx),
  };
  const skipped: ChosenEstimate['skipped'] = [];
  for (const method of order) {
    const strategy = strategies[method];
    if (!strategy) throw new VeeError('METERING.VEE_INVALID_INPUT', `Unknown estimation method: ${method}`, { method });
    const attempt = strategy();
    if ('skipped' in attempt) skipped.push({ method, reason: attempt.skipped });
    else return { ...attempt, skipped };
  }
  throw new VeeError('METERING.VEE_NO_ESTIMATE', `No estimation method applies to ${ctx.periodKey}`, { periodKey: ctx.periodKey, skipped });
}

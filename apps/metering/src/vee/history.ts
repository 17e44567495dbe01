import { type M3, ZERO, m3 } from './m3';

/** One past billing period of a toma. */
export interface HistoryPeriod {
  periodKey: string;
  consumptionM3: string;
  /** Calendar days of the period, so a 28-day February compares fairly with a 31-day March. */
  days: number;
  /** Estimated periods are never used to judge or estimate another period. */
  estimated?: boolean;
}

export interface ExpectedFromHistory {
  expected: M3;
  dailyRate: M3;
  used: HistoryPeriod[];
  totalM3: M3;
  totalDays: number;
}

/** The last `count` real (not estimated) periods, oldest first. */
export function lastRealPeriods(history: readonly HistoryPeriod[], count: number): HistoryPeriod[] {
  return history.filter((h) => !h.estimated && h.days > 0).slice(-count);
}

/**
 * Expected volume for a period of `days` days from the average daily rate of the last real periods
 * (total m3 / total days, which weighs each period by its length). Rates keep more precision than m3;
 * only the expected volume is rounded to litres.
 */
export function expectedFromHistory(history: readonly HistoryPeriod[], count: number, days: number): ExpectedFromHistory | null {
  const used = lastRealPeriods(history, count);
  if (used.length === 0) return null;
  const totalM3 = used.reduce((acc, h) => acc.plus(m3(h.consumptionM3, `consumption of ${h.periodKey}`)), ZERO);
  const totalDays = used.reduce((acc, h) => acc + h.days, 0);
  const dailyRate = totalM3.dividedBy(totalDays);
  return { expected: m3(dailyRate.times(days)), dailyRate, used, totalM3, totalDays };
}

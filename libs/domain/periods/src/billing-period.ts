import {
  DEFAULT_TIME_ZONE,
  type LocalDate,
  addDays,
  assertTimeZone,
  daysBetween,
  formatLocalDate,
  localDateOf,
  parseLocalDate,
  startOfLocalDay,
} from './local-time';
import { PeriodError } from './periods.errors';

export type BillingFrequency = 'monthly' | 'bimonthly';

/**
 * A billing period in a tenant's time zone. `start` and `end` are UTC instants of local midnight, half-open
 * ([start, end)), so an instant belongs to exactly one period and consecutive periods share a boundary.
 */
export interface BillingPeriod {
  /** "2026-11" (monthly) or "2026-B6" (bimonthly, Nov-Dec). */
  key: string;
  frequency: BillingFrequency;
  timeZone: string;
  year: number;
  /** Month 1..12 for monthly, bimester 1..6 for bimonthly. */
  index: number;
  /** First local day of the period. */
  firstDay: LocalDate;
  /** Last local day of the period (inclusive). */
  lastDay: LocalDate;
  /** Local midnight of firstDay, as a UTC instant. */
  start: Date;
  /** Local midnight of the day after lastDay, as a UTC instant (exclusive). */
  end: Date;
}

const MONTHS_PER: Record<BillingFrequency, number> = { monthly: 1, bimonthly: 2 };
const PERIODS_PER_YEAR: Record<BillingFrequency, number> = { monthly: 12, bimonthly: 6 };

function assertFrequency(frequency: string): asserts frequency is BillingFrequency {
  if (frequency !== 'monthly' && frequency !== 'bimonthly') {
    throw new PeriodError('PERIOD.INVALID_ARGUMENT', `Unknown billing frequency: ${frequency}`, { frequency });
  }
}

export function periodKey(year: number, index: number, frequency: BillingFrequency): string {
  return frequency === 'monthly' ? `${year}-${String(index).padStart(2, '0')}` : `${year}-B${index}`;
}

/** Builds the period with this year and index (month 1..12 or bimester 1..6). */
export function makePeriod(
  year: number,
  index: number,
  frequency: BillingFrequency,
  timeZone: string = DEFAULT_TIME_ZONE,
): BillingPeriod {
  assertFrequency(frequency);
  assertTimeZone(timeZone);
  if (!Number.isInteger(year) || year < 1 || year > 9999 || !Number.isInteger(index) || index < 1 || index > PERIODS_PER_YEAR[frequency]) {
    throw new PeriodError('PERIOD.INVALID_ARGUMENT', `No ${frequency} period ${index} in ${year}`, { year, index, frequency });
  }
  const firstMonth = (index - 1) * MONTHS_PER[frequency] + 1;
  const firstDay = formatLocalDate(year, firstMonth, 1);
  const nextFirstDay =
    firstMonth + MONTHS_PER[frequency] > 12
      ? formatLocalDate(year + 1, 1, 1)
      : formatLocalDate(year, firstMonth + MONTHS_PER[frequency], 1);
  return {
    key: periodKey(year, index, frequency),
    frequency,
    timeZone,
    year,
    index,
    firstDay,
    lastDay: addDays(nextFirstDay, -1),
    start: startOfLocalDay(firstDay, timeZone),
    end: startOfLocalDay(nextFirstDay, timeZone),
  };
}

/** The period holding a local calendar day. */
export function periodForLocalDate(date: LocalDate, frequency: BillingFrequency, timeZone: string = DEFAULT_TIME_ZONE): BillingPeriod {
  assertFrequency(frequency);
  const { year, month } = parseLocalDate(date);
  return makePeriod(year, Math.ceil(month / MONTHS_PER[frequency]), frequency, timeZone);
}

/** The period an instant falls in, judged by the calendar day it is in the tenant's zone. */
export function periodFor(instant: Date, timeZone: string = DEFAULT_TIME_ZONE, frequency: BillingFrequency = 'monthly'): BillingPeriod {
  return periodForLocalDate(localDateOf(instant, timeZone), frequency, timeZone);
}

/** Parses "2026-11" (monthly) or "2026-B6" (bimonthly); the key carries the frequency. */
export function parsePeriodKey(key: string, timeZone: string = DEFAULT_TIME_ZONE): BillingPeriod {
  const m = /^(\d{4})-(?:(\d{2})|B(\d))$/.exec(key);
  if (m) {
    const frequency: BillingFrequency = m[2] !== undefined ? 'monthly' : 'bimonthly';
    const index = Number(m[2] ?? m[3]);
    if (index >= 1 && index <= PERIODS_PER_YEAR[frequency]) return makePeriod(Number(m[1]), index, frequency, timeZone);
  }
  throw new PeriodError('PERIOD.INVALID_KEY', `Invalid period key: "${key}"`, { key });
}

export function nextPeriod(period: BillingPeriod): BillingPeriod {
  const last = PERIODS_PER_YEAR[period.frequency];
  return period.index === last
    ? makePeriod(period.year + 1, 1, period.frequency, period.timeZone)
    : makePeriod(period.year, period.index + 1, period.frequency, period.timeZone);
}

export function previousPeriod(period: BillingPeriod): BillingPeriod {
  return period.index === 1
    ? makePeriod(period.year - 1, PERIODS_PER_YEAR[period.frequency], period.frequency, period.timeZone)
    : makePeriod(period.year, period.index - 1, period.frequency, period.timeZone);
}

/** Calendar days in the period (28..31 monthly, 59..62 bimonthly); not hours / 24, which DST would skew. */
export function daysInPeriod(period: BillingPeriod): number {
  return daysBetween(period.firstDay, period.lastDay) + 1;
}

export function periodContains(period: BillingPeriod, instant: Date): boolean {
  const t = instant.getTime();
  return t >= period.start.getTime() && t < period.end.getTime();
}

/** Due date: the issue day in the tenant's zone plus N calendar days. */
export function dueDate(issuedAt: Date, days: number, timeZone: string = DEFAULT_TIME_ZONE): LocalDate {
  if (!Number.isInteger(days) || days < 0) {
    throw new PeriodError('PERIOD.INVALID_ARGUMENT', `Days until due must be a non-negative integer, got ${days}`, { days });
  }
  return addDays(localDateOf(issuedAt, timeZone), days);
}

/** The instant a due date lapses: the start of the following local day (payments up to 23:59:59 count). */
export function dueDateDeadline(due: LocalDate, timeZone: string = DEFAULT_TIME_ZONE): Date {
  return startOfLocalDay(addDays(due, 1), timeZone);
}

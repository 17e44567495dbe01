import { PeriodError } from './periods.errors';

/** A calendar day in some time zone, rendered as ISO "YYYY-MM-DD". */
export type LocalDate = string;

export const DEFAULT_TIME_ZONE = 'America/Mexico_City';

const DAY_MS = 86_400_000;
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    try {
      f = new Intl.DateTimeFormat('en-US', {
        timeZone,
        hourCycle: 'h23',
        year: 'numeric',
        month: '2-digit',
        day: '2-digit',
        hour: '2-digit',
        minute: '2-digit',
        second: '2-digit',
      });
    } catch (cause) {
      throw new PeriodError('PERIOD.INVALID_TIME_ZONE', `Unknown time zone: ${timeZone}`, { timeZone, cause: String(cause) });
    }
    formatters.set(timeZone, f);
  }
  return f;
}

/** Throws PERIOD.INVALID_TIME_ZONE unless the IANA zone is known to this runtime. */
export function assertTimeZone(timeZone: string): void {
  formatterFor(timeZone);
}

interface WallClock {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

function assertInstant(instant: Date): void {
  if (!(instant instanceof Date) || Number.isNaN(instant.getTime())) {
    throw new PeriodError('PERIOD.INVALID_DATE', 'Expected a valid Date instant', { instant: String(instant) });
  }
}

function wallClock(instant: Date, timeZone: string): WallClock {
  assertInstant(instant);
  const parts: Record<string, number> = {};
  for (const p of formatterFor(timeZone).formatToParts(instant)) {
    if (p.type !== 'literal') parts[p.type] = Number(p.value);
  }
  return { year: parts.year, month: parts.month, day: parts.day, hour: parts.hour, minute: parts.minute, second: parts.second };
}

/** The zone's offset from UTC at an instant, in milliseconds (Mexico City since 2022: -6 h). */
export function offsetMs(instant: Date, timeZone: string): number {
  const w = wallClock(instant, timeZone);
  const asUtc = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second);
  // Intl has second resolution; drop the instant's milliseconds so they do not leak into the offset.
  return asUtc - Math.floor(instant.getTime() / 1000) * 1000;
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

export function formatLocalDate(year: number, month: number, day: number): LocalDate {
  return `${pad(year, 4)}-${pad(month)}-${pad(day)}`;
}

/** The calendar day an instant falls on in the zone. */
export function localDateOf(instant: Date, timeZone: string = DEFAULT_TIME_ZONE): LocalDate {
  const w = wallClock(instant, timeZone);
  return formatLocalDate(w.year, w.month, w.day);
}

export function parseLocalDate(date: LocalDate): { year: number; month: number; day: number } {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  const ymd = m ? { year: Number(m[1]), month: Number(m[2]), day: Number(m[3]) } : null;
  if (!ymd) throw new PeriodError('PERIOD.INVALID_DATE', `Expected a YYYY-MM-DD date, got "${date}"`, { date });
  const check = new Date(Date.UTC(ymd.year, ymd.month - 1, ymd.day));
  if (check.getUTCFullYear() !== ymd.year || check.getUTCMonth() + 1 !== ymd.month || check.getUTCDate() !== ymd.day) {
    throw new PeriodError('PERIOD.INVALID_DATE', `No such calendar day: "${date}"`, { date });
  }
  return ymd;
}

/** Pure calendar arithmetic (no zone involved): "2026-01-31" + 1 = "2026-02-01". */
export function addDays(date: LocalDate, days: number): LocalDate {
  if (!Number.isInteger(days)) throw new PeriodError('PERIOD.INVALID_ARGUMENT', `Days must be an integer, got ${days}`, { days });
  const { year, month, day } = parseLocalDate(date);
  const d = new Date(Date.UTC(year, month - 1, day) + days * DAY_MS);
  return formatLocalDate(d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate());
}

/** Whole calendar days from `from` to `to` (negative when `to` is earlier). */
export function daysBetween(from: LocalDate, to: LocalDate): number {
  const a = parseLocalDate(from);
  const b = parseLocalDate(to);
  return Math.round((Date.UTC(b.year, b.month - 1, b.day) - Date.UTC(a.year, a.month - 1, a.day)) / DAY_MS);
}

/**
 * The UTC instant at which a local calendar day begins: local midnight, or, in a zone whose DST jump skips
 * midnight, the first instant that exists on that day.
 */
export function startOfLocalDay(date: LocalDate, timeZone: string = DEFAULT_TIME_ZONE): Date {
  const { year, month, day } = parseLocalDate(date);
  const wallMidnightAsUtc = Date.UTC(year, month - 1, day);
  // The offsets in force a little before and after the day starts; they differ only around a transition.
  const offsets = new Set([
    offsetMs(new Date(wallMidnightAsUtc - DAY_MS / 2), timeZone),
    offsetMs(new Date(wallMidnightAsUtc + DAY_MS / 2), timeZone),
  ]);
  const candidates = [...offsets].map((o) => wallMidnightAsUtc - o).sort((x, y) => x - y);
  for (const c of candidates) {
    const w = wallClock(new Date(c), timeZone);
    if (formatLocalDate(w.year, w.month, w.day) === date && w.hour === 0 && w.minute === 0 && w.second === 0) return new Date(c);
  }
  // Midnight does not exist (the clock jumped from 23:59:59 to 01:00): the day starts at the jump, which is the
  // earliest candidate that already falls on this day.
  for (const c of candidates) {
    if (localDateOf(new Date(c), timeZone) === date) return new Date(c);
  }
  /* istanbul ignore next -- unreachable for real zones; kept so a broken tz database fails loudly */
  throw new PeriodError('PERIOD.INVALID_DATE', `Cannot find the start of ${date} in ${timeZone}`, { date, timeZone });
}

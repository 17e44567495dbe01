/**
 * Business days for LFPDPPP deadlines (art. 32: the controller answers an ARCO request within 20
 * días hábiles). Pure: dates are YYYY-MM-DD calendar days in the utility's time zone.
 *
 * Non-business days: Saturdays, Sundays, the mandatory rest days of Ley Federal del Trabajo art. 74
 * (1 January; first Monday of February; third Monday of March; 1 May; 16 September; third Monday of
 * November; 25 December; 1 October of each presidential inauguration year: 2024, 2030, ...), and
 * Holy Thursday and Good Friday, which federal authorities (INAI's calendar included) declare inhábiles.
 */

const pad = (n: number): string => String(n).padStart(2, '0');
const iso = (y: number, m: number, d: number): string => `${y}-${pad(m)}-${pad(d)}`;

function parse(date: string): { y: number; m: number; d: number } {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!m) throw new RangeError(`Not a YYYY-MM-DD date: ${date}`);
  return { y: Number(m[1]), m: Number(m[2]), d: Number(m[3]) };
}

/** The nth (1-based) Monday of a month. */
function nthMonday(y: number, month: number, n: number): string {
  const firstDow = new Date(Date.UTC(y, month - 1, 1)).getUTCDay();
  const firstMonday = 1 + ((8 - firstDow) % 7);
  return iso(y, month, firstMonday + 7 * (n - 1));
}

/** Easter Sunday (Gregorian, anonymous algorithm). */
export function easterSunday(y: number): string {
  const a = y % 19;
  const b = Math.floor(y / 100);
  const c = y % 100;
  const d = Math.floor(b / 4);
  const e = b % 4;
  const f = Math.floor((b + 8) / 25);
  const g = Math.floor((b - f + 1) / 3);
  const h = (19 * a + b - d - g + 15) % 30;
  const i = Math.floor(c / 4);
  const k = c % 4;
  const l = (32 + 2 * e + 2 * i - h - k) % 7;
  const m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31);
  const day = ((h + l - 7 * m + 114) % 31) + 1;
  return iso(y, month, day);
}

export function addCalendarDays(date: string, days: number): string {
  const { y, m, d } = parse(date);
  const t = new Date(Date.UTC(y, m - 1, d + days));
  return iso(t.getUTCFullYear(), t.getUTCMonth() + 1, t.getUTCDate());
}

const holidayCache = new Map<number, Set<string>>();

/** The non-weekend non-business days of a year. */
export function mexicanHolidays(y: number): Set<string> {
  let set = holidayCache.get(y);
  if (set) return set;
  const easter = easterSunday(y);
  set = new Set([
    iso(y, 1, 1),
    nthMonday(y, 2, 1),
    nthMonday(y, 3, 3),
    addCalendarDays(easter, -3),
    addCalendarDays(easter, -2),
    iso(y, 5, 1),
    iso(y, 9, 16),
    nthMonday(y, 11, 3),
    iso(y, 12, 25),
  ]);
  // Transmisión del Poder Ejecutivo Federal: every six years since 2024.
  if (y >= 2024 && (y - 2024) % 6 === 0) set.add(iso(y, 10, 1));
  holidayCache.set(y, set);
  return set;
}

export function isBusinessDay(date: string): boolean {
  const { y, m, d } = parse(date);
  const dow = new Date(Date.UTC(y, m - 1, d)).getUTCDay();
  return dow !== 0 && dow !== 6 && !mexicanHolidays(y).has(date);
}

/**
 * The day `n` business days after `date`. The day of receipt does not count (the term runs from
 * the next business day), so a request received on a holiday or weekend starts counting the same.
 */
export function addBusinessDays(date: string, n: number): string {
  let current = date;
  let left = n;
  while (left > 0) {
    current = addCalendarDays(current, 1);
    if (isBusinessDay(current)) left--;
  }
  return current;
}

/** LFPDPPP art. 32. */
export const ARCO_RESPONSE_BUSINESS_DAYS = 20;

/** True when year/month/day name a real Gregorian calendar day. */
export function isValidYmd(year: number, month: number, day: number): boolean {
  if (!Number.isInteger(year) || !Number.isInteger(month) || !Number.isInteger(day)) return false;
  if (month < 1 || month > 12 || day < 1) return false;
  return day <= daysInMonth(year, month);
}

export function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

export function daysInMonth(year: number, month: number): number {
  if (month === 2) return isLeapYear(year) ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/** Upper-cases (ñ -> Ñ too) and drops the spaces and hyphens people type inside identifiers. */
export function normalizeIdentifier(raw: string): string {
  return raw.normalize('NFC').toUpperCase().replace(/[\s-]+/g, '');
}

import { addDays, daysBetween, localDateOf, offsetMs, parseLocalDate, startOfLocalDay } from './local-time';

describe('local time helpers', () => {
  it('finds the local date of an instant', () => {
    expect(localDateOf(new Date('2026-03-01T05:59:59Z'), 'America/Mexico_City')).toBe('2026-02-28');
    expect(localDateOf(new Date('2026-03-01T06:00:00Z'), 'America/Mexico_City')).toBe('2026-03-01');
    expect(localDateOf(new Date('2026-03-01T06:00:00Z'), 'UTC')).toBe('2026-03-01');
    expect(localDateOf(new Date('2026-03-01T07:59:59Z'), 'America/Tijuana')).toBe('2026-02-28');
  });

  it('reports offsets including DST', () => {
    expect(offsetMs(new Date('2026-07-01T12:00:00Z'), 'America/Mexico_City')).toBe(-6 * 3_600_000);
    expect(offsetMs(new Date('2026-07-01T12:00:00Z'), 'America/Tijuana')).toBe(-7 * 3_600_000);
    expect(offsetMs(new Date('2026-01-01T12:00:00Z'), 'America/Tijuana')).toBe(-8 * 3_600_000);
    expect(offsetMs(new Date('2026-01-01T12:00:00.789Z'), 'America/Tijuana')).toBe(-8 * 3_600_000);
  });

  it('computes the start of the day on DST transition days', () => {
    // Tijuana switches at 02:00, so both days still start at midnight.
    expect(startOfLocalDay('2026-03-08', 'America/Tijuana').toISOString()).toBe('2026-03-08T08:00:00.000Z');
    expect(startOfLocalDay('2026-03-09', 'America/Tijuana').toISOString()).toBe('2026-03-09T07:00:00.000Z');
    expect(startOfLocalDay('2026-11-01', 'America/Tijuana').toISOString()).toBe('2026-11-01T07:00:00.000Z');
    expect(startOfLocalDay('2026-11-02', 'America/Tijuana').toISOString()).toBe('2026-11-02T08:00:00.000Z');
  });

  it('starts a day whose midnight is skipped at the jump', () => {
    // Cuba springs forward at 00:00 -> 01:00: 10 Mar 2024 begins at 01:00 CDT = 05:00 UTC.
    const start = startOfLocalDay('2024-03-10', 'America/Havana');
    expect(start.toISOString()).toBe('2024-03-10T05:00:00.000Z');
    expect(localDateOf(new Date(start.getTime() - 1), 'America/Havana')).toBe('2024-03-09');
  });

  it('does calendar arithmetic across months and leap days', () => {
    expect(addDays('2026-01-31', 1)).toBe('2026-02-01');
    expect(addDays('2028-02-28', 1)).toBe('2028-02-29');
    expect(addDays('2026-02-28', 1)).toBe('2026-03-01');
    expect(addDays('2026-03-01', -1)).toBe('2026-02-28');
    expect(daysBetween('2026-01-01', '2027-01-01')).toBe(365);
    expect(daysBetween('2028-01-01', '2029-01-01')).toBe(366);
    expect(daysBetween('2026-03-10', '2026-03-01')).toBe(-9);
  });

  it('rejects malformed or impossible dates', () => {
    for (const bad of ['2026-2-01', '2026-02-30', '2026-13-01', 'x', '2026-02-01T00:00']) {
      expect(() => parseLocalDate(bad)).toThrow(expect.objectContaining({ code: 'PERIOD.INVALID_DATE' }));
    }
    expect(() => addDays('2026-01-01', 0.5)).toThrow(expect.objectContaining({ code: 'PERIOD.INVALID_ARGUMENT' }));
  });
});

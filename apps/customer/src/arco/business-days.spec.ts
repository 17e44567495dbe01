import { addBusinessDays, addCalendarDays, easterSunday, isBusinessDay, mexicanHolidays } from './business-days';

describe('Mexican business days', () => {
  it('computes Easter for known years', () => {
    expect(easterSunday(2024)).toBe('2024-03-31');
    expect(easterSunday(2025)).toBe('2025-04-20');
    expect(easterSunday(2026)).toBe('2026-04-05');
  });

  it('lists the LFT art. 74 Mondays and fixed days', () => {
    const h = mexicanHolidays(2026);
    expect(h.has('2026-02-02')).toBe(true); // first Monday of February
    expect(h.has('2026-03-16')).toBe(true); // third Monday of March
    expect(h.has('2026-11-16')).toBe(true); // third Monday of November
    expect(h.has('2026-09-16')).toBe(true);
    expect(h.has('2026-04-02') && h.has('2026-04-03')).toBe(true); // Holy Thursday and Friday
    expect(h.has('2026-10-01')).toBe(false);
    expect(mexicanHolidays(2030).has('2030-10-01')).toBe(true); // inauguration year
  });

  it('skips weekends', () => {
    expect(isBusinessDay('2026-11-21')).toBe(false); // Saturday
    expect(isBusinessDay('2026-11-23')).toBe(true); // Monday
    expect(addBusinessDays('2026-11-20', 1)).toBe('2026-11-23'); // Friday -> Monday
  });

  it('gives 20 business days across the November holiday', () => {
    // From Friday 6 Nov 2026: 4 weeks of weekdays = 20, minus Monday 16 Nov, so one more day.
    expect(addBusinessDays('2026-11-06', 20)).toBe('2026-12-07');
  });

  it('gives 20 business days across Christmas and New Year', () => {
    // 14 Dec 2026 (Mon): 15-18, 21-24, 28-31 = 12; 25 Dec and 1 Jan skipped; 4-8 Jan = 17; 11-13 = 20.
    expect(addBusinessDays('2026-12-14', 20)).toBe('2027-01-13');
  });

  it('adds calendar days across month ends', () => {
    expect(addCalendarDays('2024-02-28', 1)).toBe('2024-02-29');
    expect(addCalendarDays('2025-12-31', 1)).toBe('2026-01-01');
  });
});

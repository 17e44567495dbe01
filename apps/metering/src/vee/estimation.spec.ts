import type { HistoryPeriod } from './history';
import { averageOfLastPeriods, chooseEstimate, classAverage, lastYearPeriodKey, samePeriodLastYear } from './estimation';
import { VeeError } from './vee.errors';

const p = (periodKey: string, consumptionM3: string, days: number, estimated = false): HistoryPeriod => ({ periodKey, consumptionM3, days, estimated });
const history = [p('2026-06', '30', 30), p('2026-07', '31', 31), p('2026-08', '62', 31), p('2026-09', '99', 30, true)];

describe('estimation strategies', () => {
  it('averages the daily rate of the last real periods', () => {
    // Real: 30 + 31 + 62 = 123 m3 over 92 days; 30 days -> 40.108695.. -> 40.109
    const r = averageOfLastPeriods({ periodKey: '2026-10', days: 30, history });
    expect(r).toEqual({
      method: 'average_last_periods',
      valueM3: '40.109',
      inputs: { periodKey: '2026-10', days: 30, periods: '2026-06,2026-07,2026-08', totalM3: '123.000', totalDays: 92, dailyRateM3: '1.336957' },
    });
  });

  it('needs enough real periods', () => {
    expect(averageOfLastPeriods({ periodKey: '2026-10', days: 30, history: [p('2026-08', '10', 31)] })).toEqual({
      skipped: '1 real period(s) of history; 2 needed',
    });
  });

  it('scales the same period last year by days', () => {
    const r = samePeriodLastYear({ periodKey: '2028-02', days: 29, history: [], samePeriodLastYear: p('2027-02', '28', 28) });
    expect(r).toMatchObject({ method: 'same_period_last_year', valueM3: '29.000', inputs: { lastYearPeriod: '2027-02', lastYearDays: 28 } });
    expect(samePeriodLastYear({ periodKey: '2028-02', days: 29, history: [], samePeriodLastYear: p('2027-02', '28', 28, true) })).toHaveProperty('skipped');
    expect(samePeriodLastYear({ periodKey: '2028-02', days: 29, history: [] })).toHaveProperty('skipped');
  });

  it('multiplies the class daily average by the days', () => {
    expect(classAverage({ periodKey: '2026-10', days: 31, history: [], classAverageDailyM3: '0.4567' })).toEqual({
      method: 'class_average',
      valueM3: '14.158', // 14.1577
      inputs: { periodKey: '2026-10', days: 31, classAverageDailyM3: '0.4567' },
    });
    expect(classAverage({ periodKey: '2026-10', days: 31, history: [] })).toHaveProperty('skipped');
  });

  it('rejects invalid days', () => {
    expect(() => classAverage({ periodKey: 'x', days: 0, history: [], classAverageDailyM3: '1' })).toThrow(VeeError);
  });
});

describe('chooseEstimate', () => {
  const ctx = {
    periodKey: '2026-10',
    days: 31,
    history: [p('2026-08', '62', 31)],
    samePeriodLastYear: p('2025-10', '40', 31),
    classAverageDailyM3: '0.5',
  };

  it('takes the first applicable method and says why earlier ones were skipped', () => {
    const r = chooseEstimate(ctx);
    expect(r.method).toBe('same_period_last_year');
    expect(r.valueM3).toBe('40.000');
    expect(r.skipped).toEqual([{ method: 'average_last_periods', reason: '1 real period(s) of history; 2 needed' }]);
  });

  it('follows the configured order', () => {
    expect(chooseEstimate(ctx, ['class_average', 'same_period_last_year'])).toMatchObject({ method: 'class_average', valueM3: '15.500', skipped: [] });
    expect(chooseEstimate(ctx, ['average_last_periods', 'same_period_last_year'], { averagePeriods: 3, minAveragePeriods: 1 }).method).toBe(
      'average_last_periods',
    );
  });

  it('throws METERING.VEE_NO_ESTIMATE when nothing applies', () => {
    expect(() => chooseEstimate({ periodKey: '2026-10', days: 31, history: [] })).toThrow(
      expect.objectContaining({ code: 'METERING.VEE_NO_ESTIMATE', details: expect.objectContaining({ periodKey: '2026-10' }) }),
    );
  });
});

describe('lastYearPeriodKey', () => {
  it('keeps the month or bimester and goes one year back', () => {
    expect(lastYearPeriodKey('2026-03')).toBe('2025-03');
    expect(lastYearPeriodKey('2026-B1')).toBe('2025-B1');
    expect(() => lastYearPeriodKey('March')).toThrow(VeeError);
  });
});

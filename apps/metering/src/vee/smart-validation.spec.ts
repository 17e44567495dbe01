import type { HistoryPeriod } from './history';
import { type SmartDay, type SmartDayInput, validateSmartDay } from './smart-validation';

// Six 30-day months at 15 m3: 0.5 m3/day, 3.5 m3 expected over a week.
const history: HistoryPeriod[] = ['2026-01', '2026-02', '2026-03', '2026-04', '2026-05', '2026-06'].map((k) => ({ periodKey: k, consumptionM3: '15', days: 30 }));

/** `n` earlier days of `perDay` m3 each, ending 2026-07-14, with the register climbing from 100. */
function previous(n: number, perDay: string | string[]): SmartDay[] {
  let reg = 100;
  return Array.from({ length: n }, (_, i) => {
    const c = Array.isArray(perDay) ? perDay[i] : perDay;
    reg += Number(c);
    return { day: `2026-07-${String(15 - n + i).padStart(2, '0')}`, consumptionM3: c, lastRegisterM3: reg.toFixed(3) };
  });
}

function day(consumptionM3: string, prev: SmartDay[], patch: Partial<SmartDayInput> = {}): SmartDayInput {
  const last = prev.length ? Number(prev[prev.length - 1].lastRegisterM3) : 100;
  return {
    day: '2026-07-15',
    consumptionM3,
    days: 1,
    lastRegisterM3: (last + Number(consumptionM3)).toFixed(3),
    readAt: '2026-07-16T05:45:00.000Z',
    window: { opensAt: '2026-07-15T06:00:00.000Z', closesAt: '2026-07-16T06:00:00.000Z' },
    occupied: true,
    history,
    classAverageDailyM3: '0.5',
    previousDays: prev,
    ...patch,
  };
}

const outcome = (input: SmartDayInput, rule: string) => validateSmartDay(input).outcomes.find((o) => o.startsWith(`${rule}:`));

describe('validateSmartDay', () => {
  it('passes an ordinary day and records every rule', () => {
    const v = validateSmartDay(day('0.6', previous(14, '0.5')));
    expect(v.status).toBe('valid');
    expect(v.outcomes).toEqual([
      'reading_window:pass', 'negative_consumption:pass', 'zero_on_occupied:pass',
      'high_vs_history:pass', 'low_vs_history:pass', 'high_vs_class:pass', 'low_vs_class:pass', 'spike:pass', 'stopped_meter:pass',
    ]);
    expect(v.results.find((r) => r.rule === 'high_vs_history')?.inputs).toMatchObject({ consumptionM3: '3.600', expectedM3: '3.500', windowDays: 7, fromDay: '2026-07-09' });
  });

  it('rejects a register that went backwards', () => {
    const v = validateSmartDay(day('-0.200', previous(14, '0.5')));
    expect(v.status).toBe('rejected');
    expect(v.results.find((r) => !r.passed)?.rule).toBe('negative_consumption');
  });

  it('rejects a day whose last reading lies outside that day', () => {
    const v = validateSmartDay(day('0.5', previous(14, '0.5'), { readAt: '2026-07-16T07:00:00.000Z' }));
    expect(v.status).toBe('rejected');
    expect(outcome(day('0.5', previous(14, '0.5'), { readAt: '2026-07-16T07:00:00.000Z' }), 'reading_window')).toBe('reading_window:reject');
  });

  it('flags zero consumption on an occupied toma only after a run of zero days', () => {
    expect(outcome(day('0', previous(14, '0.5')), 'zero_on_occupied')).toBe('zero_on_occupied:pass');
    const threeZero = previous(14, [...Array(12).fill('0.5'), '0', '0']);
    expect(outcome(day('0', threeZero), 'zero_on_occupied')).toBe('zero_on_occupied:flag');
    expect(outcome(day('0', threeZero, { occupied: false }), 'zero_on_occupied')).toBe('zero_on_occupied:pass');
    expect(outcome(day('0', previous(1, '0')), 'zero_on_occupied')).toBe('zero_on_occupied:skip');
  });

  it('flags a week far above the toma history and its class, and one far below', () => {
    const high = validateSmartDay(day('3', previous(14, '2')));
    expect(high.status).toBe('flagged');
    expect(high.outcomes).toEqual(expect.arrayContaining(['high_vs_history:flag', 'high_vs_class:flag']));
    const low = validateSmartDay(day('0.05', previous(14, '0.05')));
    expect(low.outcomes).toEqual(expect.arrayContaining(['low_vs_history:flag', 'low_vs_class:flag']));
    // Too few days to judge a week: the range rules skip.
    expect(outcome(day('3', previous(3, '2')), 'high_vs_history')).toBe('high_vs_history:skip');
  });

  it('flags a one-day spike against the trailing days', () => {
    expect(outcome(day('4', previous(14, '0.5')), 'spike')).toBe('spike:flag');
    // 5x but less than 2 m3 more: a busy day, not a spike.
    expect(outcome(day('1.9', previous(14, '0.3')), 'spike')).toBe('spike:pass');
    expect(outcome(day('4', previous(2, '0.5')), 'spike')).toBe('spike:skip');
  });

  it('flags a stopped meter: the register unchanged for a week where water used to flow', () => {
    const stuck = previous(14, [...Array(8).fill('0.5'), ...Array(6).fill('0')]);
    expect(outcome(day('0', stuck), 'stopped_meter')).toBe('stopped_meter:flag');
    expect(outcome(day('0', stuck, { occupied: false }), 'stopped_meter')).toBe('stopped_meter:pass');
    const moving = previous(14, [...Array(9).fill('0.5'), ...Array(5).fill('0')]);
    expect(outcome(day('0', moving), 'stopped_meter')).toBe('stopped_meter:pass');
  });

  it('skips the class rules without a class average', () => {
    expect(outcome(day('0.5', previous(14, '0.5'), { classAverageDailyM3: null }), 'high_vs_class')).toBe('high_vs_class:skip');
  });
});

import type { HistoryPeriod } from './history';
import {
  DEFAULT_VEE_CONFIG,
  highVsClass,
  highVsHistory,
  lowVsClass,
  lowVsHistory,
  negativeConsumption,
  readingWindow,
  spike,
  stoppedMeter,
  validateReading,
  zeroOnOccupied,
} from './validation-rules';

const month = (key: string, m3: string, days = 30, estimated = false): HistoryPeriod => ({ periodKey: key, consumptionM3: m3, days, estimated });
// Six 30-day months at 20 m3: 0.666.. m3/day, so 20 m3 expected for 30 days.
const steady = ['2026-03', '2026-04', '2026-05', '2026-06', '2026-07', '2026-08'].map((k) => month(k, '20'));

describe('single rules', () => {
  it('negative consumption rejects', () => {
    expect(negativeConsumption('-3.5')).toMatchObject({ rule: 'negative_consumption', severity: 'reject', passed: false, inputs: { consumptionM3: '-3.500' } });
    expect(negativeConsumption('0').passed).toBe(true);
  });

  it('zero consumption flags only an occupied toma', () => {
    expect(zeroOnOccupied('0', true)).toMatchObject({ passed: false, severity: 'flag' });
    expect(zeroOnOccupied('0', false).passed).toBe(true);
    expect(zeroOnOccupied('0.001', true).passed).toBe(true);
  });

  it('high vs history: above 3x the daily average of the last periods', () => {
    expect(highVsHistory({ consumptionM3: '60', days: 30, history: steady })).toMatchObject({ passed: true, inputs: { expectedM3: '20.000', limitM3: '60.000' } });
    const r = highVsHistory({ consumptionM3: '60.001', days: 30, history: steady });
    expect(r).toMatchObject({ rule: 'high_vs_history', passed: false, inputs: { historyPeriods: 6, historyFrom: '2026-03', historyTo: '2026-08' } });
    // Longer period, more expected: 31 days -> 20.667 expected, limit 62.001.
    expect(highVsHistory({ consumptionM3: '62', days: 31, history: steady }).passed).toBe(true);
  });

  it('low vs history: below 0.3x', () => {
    expect(lowVsHistory({ consumptionM3: '5.999', days: 30, history: steady })).toMatchObject({ rule: 'low_vs_history', passed: false });
    expect(lowVsHistory({ consumptionM3: '6', days: 30, history: steady }).passed).toBe(true);
  });

  it('history rules ignore estimated periods and skip with too little real history', () => {
    const history = [month('2026-06', '20'), month('2026-07', '500', 30, true), month('2026-08', '20')];
    const r = highVsHistory({ consumptionM3: '1000', days: 30, history });
    expect(r).toMatchObject({ passed: true, skipped: true, inputs: { historyPeriods: 2 } });
    const withThree = [month('2026-05', '20'), ...history];
    expect(highVsHistory({ consumptionM3: '61', days: 30, history: withThree }).passed).toBe(false);
  });

  it('history rules skip when the expected volume is negligible', () => {
    const empty = steady.map((h) => ({ ...h, consumptionM3: '0' }));
    expect(highVsHistory({ consumptionM3: '8', days: 30, history: empty })).toMatchObject({ passed: true, skipped: true });
  });

  it('compares with the class average per day', () => {
    const input = { days: 30, classAverageDailyM3: '0.5' }; // 15 m3 expected
    expect(highVsClass({ ...input, consumptionM3: '45.001' })).toMatchObject({ rule: 'high_vs_class', passed: false });
    expect(highVsClass({ ...input, consumptionM3: '45' }).passed).toBe(true);
    expect(lowVsClass({ ...input, consumptionM3: '4.4' })).toMatchObject({ rule: 'low_vs_class', passed: false });
    expect(lowVsClass({ ...input, consumptionM3: '4.5' }).passed).toBe(true);
    expect(highVsClass({ days: 30, classAverageDailyM3: null, consumptionM3: '999' })).toMatchObject({ passed: true, skipped: true });
  });

  it('a spike needs both the ratio and the absolute jump', () => {
    expect(spike('80', month('2026-08', '10'))).toMatchObject({ rule: 'spike', passed: false, inputs: { deltaM3: '70.000' } });
    expect(spike('6', month('2026-08', '1')).passed).toBe(true); // 6x but only +5 m3
    expect(spike('45', month('2026-08', '10')).passed).toBe(true); // +35 m3 but only 4.5x
    expect(spike('80', month('2026-08', '10', 30, true))).toMatchObject({ passed: true, skipped: true });
    expect(spike('80', null).skipped).toBe(true);
  });

  it('a stopped meter is a register unchanged over N readings while flow is expected', () => {
    expect(stoppedMeter(['100', '120', '120', '120'], true)).toMatchObject({ rule: 'stopped_meter', passed: false, inputs: { readings: '120.000,120.000,120.000' } });
    expect(stoppedMeter(['120', '120', '120'], false).passed).toBe(true);
    expect(stoppedMeter(['100', '120', '120'], true).passed).toBe(true);
    expect(stoppedMeter(['120', '120'], true)).toMatchObject({ passed: true, skipped: true });
    expect(stoppedMeter(['120', '120'], true, { ...DEFAULT_VEE_CONFIG, stoppedReadings: 2 }).passed).toBe(false);
  });

  it('a reading outside its window rejects', () => {
    const window = { opensAt: '2026-11-20T06:00:00Z', closesAt: '2026-11-26T05:59:59Z' };
    expect(readingWindow('2026-11-22T15:00:00Z', window).passed).toBe(true);
    expect(readingWindow('2026-11-20T06:00:00Z', window).passed).toBe(true);
    expect(readingWindow('2026-11-20T05:59:59Z', window)).toMatchObject({ passed: false, severity: 'reject', detail: 'Reading taken before its window' });
    expect(readingWindow('2026-11-26T06:00:00Z', window).detail).toBe('Reading taken after its window');
    expect(() => readingWindow('yesterday', window)).toThrow(expect.objectContaining({ code: 'METERING.VEE_INVALID_INPUT' }));
  });
});

describe('validateReading', () => {
  const base = {
    days: 30,
    occupied: true,
    history: steady,
    classAverageDailyM3: '0.6',
    registerReadings: ['1000', '1020', '1041'],
    readAt: '2026-09-28T16:00:00Z',
    window: { opensAt: '2026-09-25T06:00:00Z', closesAt: '2026-10-01T05:59:59Z' },
  };

  it('passes an ordinary reading and records every rule', () => {
    const v = validateReading({ ...base, consumptionM3: '21' });
    expect(v.status).toBe('valid');
    expect(v.results).toHaveLength(9);
    expect(v.outcomes).toContain('spike:pass');
    expect(v.results.every((r) => r.inputs && r.detail)).toBe(true);
  });

  it('flags a high reading', () => {
    const v = validateReading({ ...base, consumptionM3: '70', registerReadings: ['1000', '1020', '1090'] });
    expect(v.status).toBe('flagged');
    expect(v.outcomes).toEqual(expect.arrayContaining(['high_vs_history:flag', 'high_vs_class:flag', 'negative_consumption:pass']));
  });

  it('rejects a negative reading even if other rules only flag', () => {
    const v = validateReading({ ...base, consumptionM3: '-5' });
    expect(v.status).toBe('rejected');
    expect(v.outcomes).toEqual(expect.arrayContaining(['negative_consumption:reject', 'low_vs_history:flag']));
  });

  it('flags a stuck register on an occupied toma with past consumption', () => {
    const v = validateReading({ ...base, consumptionM3: '0', registerReadings: ['1041', '1041', '1041'] });
    expect(v.status).toBe('flagged');
    expect(v.outcomes).toEqual(expect.arrayContaining(['stopped_meter:flag', 'zero_on_occupied:flag']));
  });

  it('marks skipped rules', () => {
    const v = validateReading({ ...base, history: [], classAverageDailyM3: null, consumptionM3: '10', registerReadings: ['1'] });
    expect(v.status).toBe('valid');
    expect(v.outcomes).toEqual(expect.arrayContaining(['high_vs_history:skip', 'high_vs_class:skip', 'spike:skip', 'stopped_meter:skip']));
  });
});

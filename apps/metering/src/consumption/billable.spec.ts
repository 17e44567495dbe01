import { chainConsumption, consumptionSeries, settleEstimated, settleMeasured } from './billable';

const r = (id: string, meterId: string, valueM3: string, day: number, registerDigits = 5) => ({ id, meterId, valueM3, readAt: new Date(Date.UTC(2026, 0, day)), registerDigits });

describe('chainConsumption', () => {
  it('adds same-meter differences and skips the exchange gap between two meters', () => {
    // (112 - 100) on the old meter + (10 - 3) on the new one; 112 -> 3 is the exchange, not consumption.
    const res = chainConsumption([r('a', 'old', '100', 1), r('b', 'old', '110.5', 10), r('c', 'old', '112', 15), r('d', 'new', '3', 15.5), r('e', 'new', '10', 30)]);
    expect(res).toMatchObject({ measuredM3: '19.000', exchanges: 1, rolledOver: false });
  });

  it('counts a register rollover', () => {
    expect(chainConsumption([r('a', 'm', '99990', 1), r('b', 'm', '5', 20)])).toMatchObject({ measuredM3: '15.000', rolledOver: true });
  });
});

describe('estimation pool', () => {
  it('carries estimates into the next measurement and never bills below zero', () => {
    const e1 = settleEstimated('31', '0');
    const e2 = settleEstimated('28', e1.poolAfterM3);
    expect(e2.poolAfterM3).toBe('59.000');
    expect(settleMeasured('100', e2.poolAfterM3)).toEqual({ billedM3: '41.000', adjustmentM3: '-59.000', poolAfterM3: '0.000' });
    // Over-estimated: bill zero, keep the rest of the credit for next time.
    const over = settleMeasured('20', '59');
    expect(over).toEqual({ billedM3: '0.000', adjustmentM3: '-20.000', poolAfterM3: '39.000' });
    expect(settleMeasured('50', over.poolAfterM3)).toEqual({ billedM3: '11.000', adjustmentM3: '-39.000', poolAfterM3: '0.000' });
  });
});

describe('consumptionSeries', () => {
  const tz = 'America/Mexico_City';
  const at = (iso: string) => new Date(iso);
  // A 10 m3 estimate for a 3-day period (local 2026-05-01..03), then a reading on 05-05 that measured 13 m3 since
  // the last real one: its period bills 3 (adjustment -10).
  const billables = [
    { periodStart: at('2026-05-01T06:00:00Z'), periodEnd: at('2026-05-04T06:00:00Z'), consumptionM3: '10.000', estimated: true, adjustmentM3: '0.000', measuredTo: null },
    { periodStart: at('2026-05-04T06:00:00Z'), periodEnd: at('2026-05-07T06:00:00Z'), consumptionM3: '3.000', estimated: false, adjustmentM3: '-10.000', measuredTo: at('2026-05-05T18:00:00Z') },
  ];
  const window = { timeZone: tz, from: at('2026-04-01T06:00:00Z'), to: at('2026-06-01T06:00:00Z') };

  it('spreads an estimate over its local days (exact total), flagged, and takes what it showed off the settling reading', () => {
    expect(consumptionSeries([{ bucket: '2026-05-05', consumptionM3: '13.000' }], billables, { ...window, bucket: 'day' })).toEqual([
      { bucket: '2026-05-01', consumptionM3: '3.333', estimated: true },
      { bucket: '2026-05-02', consumptionM3: '3.334', estimated: true },
      { bucket: '2026-05-03', consumptionM3: '3.333', estimated: true },
      { bucket: '2026-05-05', consumptionM3: '3.000', estimated: false },
    ]);
    // A month bucket that holds an estimated part is estimated.
    expect(consumptionSeries([{ bucket: '2026-05', consumptionM3: '13.000' }], billables, { ...window, bucket: 'month' })).toEqual([
      { bucket: '2026-05', consumptionM3: '13.000', estimated: true },
    ]);
  });

  it('takes an adjustment larger than the settling bucket from the earlier measured buckets of its period', () => {
    const b = [{ ...billables[1], periodStart: at('2026-05-01T06:00:00Z'), adjustmentM3: '-4.000' }];
    expect(consumptionSeries([{ bucket: '2026-05-02', consumptionM3: '5.000' }, { bucket: '2026-05-05', consumptionM3: '1.500' }], b, { ...window, bucket: 'day' })).toEqual([
      { bucket: '2026-05-02', consumptionM3: '2.500', estimated: false },
      { bucket: '2026-05-05', consumptionM3: '0.000', estimated: false },
    ]);
  });

  it('leaves out estimated days outside the window', () => {
    const points = consumptionSeries([], [billables[0]], { timeZone: tz, from: at('2026-05-02T06:00:00Z'), to: at('2026-05-03T06:00:00Z'), bucket: 'day' });
    expect(points).toEqual([{ bucket: '2026-05-02', consumptionM3: '3.334', estimated: true }]);
  });
});

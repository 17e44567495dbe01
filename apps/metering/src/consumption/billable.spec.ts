import { chainConsumption, settleEstimated, settleMeasured } from './billable';

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

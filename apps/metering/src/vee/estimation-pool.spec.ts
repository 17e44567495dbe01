import { Dec } from '@supra/domain/money';
import { settleEstimationPool, settleFromReadings } from './estimation-pool';

describe('settleEstimationPool', () => {
  it('bills measured minus the estimates already billed', () => {
    // Two estimated months billed 20 + 22; the real reading shows 70 m3 since the last real one.
    const s = settleEstimationPool({
      measuredM3: '70',
      estimatedPeriods: [
        { periodKey: '2026-08', estimatedM3: '20' },
        { periodKey: '2026-09', estimatedM3: '22' },
      ],
    });
    expect(s).toEqual({
      measuredM3: '70.000',
      estimatedTotalM3: '42.000',
      carriedInM3: '0.000',
      poolM3: '-42.000',
      billableM3: '28.000',
      adjustmentM3: '-42.000',
      carryForwardM3: '0.000',
      settledPeriods: ['2026-08', '2026-09'],
    });
  });

  it('carries what cannot be deducted into the next period instead of billing negative m3', () => {
    const s = settleEstimationPool({ measuredM3: '20', estimatedPeriods: [{ periodKey: '2026-08', estimatedM3: '30.5' }] });
    expect(s).toMatchObject({ billableM3: '0.000', adjustmentM3: '-20.000', carryForwardM3: '-10.500' });
    // Next month: the carried pool comes off the next measured consumption.
    const next = settleEstimationPool({ measuredM3: '25', estimatedPeriods: [], carriedInM3: s.carryForwardM3 });
    expect(next).toMatchObject({ billableM3: '14.500', adjustmentM3: '-10.500', carryForwardM3: '0.000' });
  });

  it('bills the measured volume when nothing is pending', () => {
    expect(settleEstimationPool({ measuredM3: '12.345', estimatedPeriods: [] })).toMatchObject({
      billableM3: '12.345',
      adjustmentM3: '0.000',
      carryForwardM3: '0.000',
    });
  });

  it('never loses a litre over a run of periods', () => {
    // Estimates and measurements alternate; billed + remaining pool must equal measured at every step.
    const steps = [
      { measured: '0', estimates: ['15.250'] },
      { measured: '3.125', estimates: [] },
      { measured: '40', estimates: ['9.999', '12.001'] },
      { measured: '0.001', estimates: [] },
      { measured: '31.7', estimates: [] },
    ];
    let pool = '0';
    let billed = new Dec(0);
    let measured = new Dec(0);
    for (const step of steps) {
      const s = settleEstimationPool({
        measuredM3: step.measured,
        estimatedPeriods: step.estimates.map((e, i) => ({ periodKey: `e${i}`, estimatedM3: e })),
        carriedInM3: pool,
      });
      billed = billed.plus(s.billableM3).plus(s.estimatedTotalM3);
      measured = measured.plus(step.measured);
      pool = s.carryForwardM3;
      expect(new Dec(s.billableM3).isNegative()).toBe(false);
      expect(billed.plus(pool).toFixed(3)).toBe(measured.toFixed(3));
      expect(new Dec(s.billableM3).minus(s.measuredM3).toFixed(3)).toBe(new Dec(s.adjustmentM3).toFixed(3));
    }
  });

  it('rejects negative measured volumes and estimates', () => {
    expect(() => settleEstimationPool({ measuredM3: '-1', estimatedPeriods: [] })).toThrow(expect.objectContaining({ code: 'METERING.VEE_INVALID_INPUT' }));
    expect(() => settleEstimationPool({ measuredM3: '1', estimatedPeriods: [{ periodKey: 'x', estimatedM3: '-2' }] })).toThrow(
      expect.objectContaining({ code: 'METERING.VEE_INVALID_INPUT' }),
    );
  });

  it('measures from readings, rollover included', () => {
    const s = settleFromReadings({ previousReading: '99990', currentReading: '30', register: { digits: 5 } }, [
      { periodKey: '2026-09', estimatedM3: '15' },
    ]);
    expect(s.consumption.method).toBe('rollover');
    expect(s).toMatchObject({ measuredM3: '40.000', billableM3: '25.000', adjustmentM3: '-15.000' });
  });
});

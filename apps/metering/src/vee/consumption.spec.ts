import { computeConsumption } from './consumption';
import { VeeError } from './vee.errors';

const reg5 = { digits: 5 }; // 0 .. 99999.999 m3

describe('computeConsumption', () => {
  it('takes the difference of two readings at litre resolution', () => {
    expect(computeConsumption({ previousReading: '1234.567', currentReading: '1260.1', register: reg5 })).toEqual({
      consumptionM3: '25.533',
      method: 'difference',
      rolledOver: false,
      segments: [{ from: '1234.567', to: '1260.100', consumptionM3: '25.533', rolledOver: false }],
    });
    // Exact decimal: a float would give 0.30000000000000004.
    expect(computeConsumption({ previousReading: '0.1', currentReading: '0.4', register: reg5 }).consumptionM3).toBe('0.300');
    expect(computeConsumption({ previousReading: '100', currentReading: '100', register: reg5 }).consumptionM3).toBe('0.000');
  });

  it('handles a register rollover', () => {
    const r = computeConsumption({ previousReading: '99990', currentReading: '15.5', register: reg5 });
    expect(r).toMatchObject({ consumptionM3: '25.500', method: 'rollover', rolledOver: true });
    const four = computeConsumption({ previousReading: '9999.999', currentReading: '0.001', register: { digits: 4 } });
    expect(four.consumptionM3).toBe('0.002');
  });

  it('returns a negative difference when a rollover is implausible', () => {
    // 500 -> 480 would be a 99980 m3 rollover: far more likely a misread.
    const r = computeConsumption({ previousReading: '500', currentReading: '480', register: reg5 });
    expect(r).toMatchObject({ consumptionM3: '-20.000', method: 'difference', rolledOver: false });
  });

  it('lets the caller bound what counts as a rollover', () => {
    const input = { previousReading: '99000', currentReading: '100', register: reg5 };
    expect(computeConsumption(input).consumptionM3).toBe('1100.000'); // within 10 % of capacity
    expect(computeConsumption({ ...input, maxRolloverM3: '1000' }).consumptionM3).toBe('-98900.000');
  });

  it('adds both runs across a meter exchange', () => {
    // (final_old - prev) + (curr - initial_new) = (1530 - 1500) + (12.25 - 0.75)
    const r = computeConsumption({
      previousReading: '1500',
      currentReading: '12.25',
      register: reg5,
      exchange: { finalOldReading: '1530', initialNewReading: '0.75' },
    });
    expect(r.consumptionM3).toBe('41.500');
    expect(r.method).toBe('exchange');
    expect(r.segments.map((s) => s.consumptionM3)).toEqual(['30.000', '11.500']);
  });

  it('lets the old meter roll over on its own register during an exchange', () => {
    const r = computeConsumption({
      previousReading: '9995',
      currentReading: '3',
      register: reg5,
      exchange: { finalOldReading: '2', initialNewReading: '1', oldRegister: { digits: 4 } },
    });
    expect(r).toMatchObject({ consumptionM3: '9.000', rolledOver: true });
  });

  it.each([
    [{ previousReading: '-1', currentReading: '5', register: reg5 }],
    [{ previousReading: '1', currentReading: '100000', register: reg5 }],
    [{ previousReading: 'abc', currentReading: '5', register: reg5 }],
    [{ previousReading: '1e3', currentReading: '5', register: reg5 }],
    [{ previousReading: '1', currentReading: '5', register: { digits: 0 } }],
    [{ previousReading: '1', currentReading: '5', register: { digits: 4.5 } }],
  ])('rejects invalid input %j', (input) => {
    expect(() => computeConsumption(input)).toThrow(VeeError);
    expect(() => computeConsumption(input)).toThrow(expect.objectContaining({ code: 'METERING.VEE_INVALID_INPUT' }));
  });
});

import { Dec } from '@supra/domain/money';
import { type M3, ZERO, fmtM3, m3 } from './m3';
import { VeeError } from './vee.errors';

export interface RegisterSpec {
  /** Whole-m3 digits on the register: it counts from 0 up to 10^digits - 0.001 and then rolls over to 0. */
  digits: number;
}

export interface MeterExchange {
  /** Last reading of the removed meter. */
  finalOldReading: string;
  /** Reading of the new meter when installed (rarely exactly 0). */
  initialNewReading: string;
  /** Register of the removed meter, when it differs from the new one. */
  oldRegister?: RegisterSpec;
}

export interface ConsumptionInput {
  previousReading: string;
  currentReading: string;
  /** Register of the meter that produced currentReading. */
  register: RegisterSpec;
  /**
   * The largest consumption still believed to be a rollover when the register went backwards. Defaults to
   * 10 % of the register capacity; beyond it a backwards register is more likely a misread or a reversed
   * meter, and the (negative) difference is returned for the negative-consumption rule to flag.
   */
  maxRolloverM3?: string;
  exchange?: MeterExchange;
}

export interface ConsumptionSegment {
  from: string;
  to: string;
  consumptionM3: string;
  rolledOver: boolean;
}

export interface ConsumptionResult {
  consumptionM3: string;
  method: 'difference' | 'rollover' | 'exchange';
  rolledOver: boolean;
  segments: ConsumptionSegment[];
}

function capacityOf(register: RegisterSpec): M3 {
  if (!Number.isInteger(register.digits) || register.digits < 1 || register.digits > 12) {
    throw new VeeError('METERING.VEE_INVALID_INPUT', `Register digits must be an integer 1..12, got ${register.digits}`, {
      digits: register.digits,
    });
  }
  return new Dec(10).pow(register.digits);
}

function reading(value: string, capacity: M3, what: string): M3 {
  const r = m3(value, what);
  if (r.isNegative() || r.gte(capacity)) {
    throw new VeeError('METERING.VEE_INVALID_INPUT', `${what} ${value} does not fit the register (0 .. ${capacity.minus('0.001').toFixed(3)})`, {
      what,
      value,
    });
  }
  return r;
}

function segment(fromRaw: string, toRaw: string, register: RegisterSpec, maxRolloverRaw: string | undefined): ConsumptionSegment & { value: M3 } {
  const capacity = capacityOf(register);
  const from = reading(fromRaw, capacity, 'start reading');
  const to = reading(toRaw, capacity, 'end reading');
  let value = to.minus(from);
  let rolledOver = false;
  if (value.isNegative()) {
    const wrapped = capacity.minus(from).plus(to);
    const maxRollover = maxRolloverRaw === undefined ? capacity.dividedBy(10) : m3(maxRolloverRaw, 'maxRolloverM3');
    if (wrapped.lte(maxRollover)) {
      value = wrapped;
      rolledOver = true;
    }
  }
  return { from: fmtM3(from), to: fmtM3(to), consumptionM3: fmtM3(value), rolledOver, value };
}

/**
 * Consumption between two register readings. With a meter exchange in between, it is the old meter's run
 * from the previous reading to its final reading plus the new meter's run from its initial reading:
 * (final_old - previous) + (current - initial_new). Each run may roll over on its own register.
 */
export function computeConsumption(input: ConsumptionInput): ConsumptionResult {
  if (input.exchange) {
    const { finalOldReading, initialNewReading, oldRegister } = input.exchange;
    const oldRun = segment(input.previousReading, finalOldReading, oldRegister ?? input.register, input.maxRolloverM3);
    const newRun = segment(initialNewReading, input.currentReading, input.register, input.maxRolloverM3);
    const strip = ({ value: _v, ...s }: ConsumptionSegment & { value: M3 }): ConsumptionSegment => s;
    return {
      consumptionM3: fmtM3(oldRun.value.plus(newRun.value)),
      method: 'exchange',
      rolledOver: oldRun.rolledOver || newRun.rolledOver,
      segments: [strip(oldRun), strip(newRun)],
    };
  }
  const { value, ...run } = segment(input.previousReading, input.currentReading, input.register, input.maxRolloverM3);
  return {
    consumptionM3: fmtM3(value.isZero() ? ZERO : value),
    method: run.rolledOver ? 'rollover' : 'difference',
    rolledOver: run.rolledOver,
    segments: [run],
  };
}

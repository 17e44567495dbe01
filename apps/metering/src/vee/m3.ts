import { Dec, toDec } from '@supra/domain/money';
import { VeeError } from './vee.errors';

/**
 * Volumes are exact decimals with litre resolution (3 decimals of m3), strings at the boundary: a float
 * would turn 0.1 + 0.2 m3 into a billing dispute.
 */
export type M3 = InstanceType<typeof Dec>;

export const M3_PLACES = 3;

export function m3(value: string | number | M3, what = 'volume'): M3 {
  try {
    return toDec(value, what).toDecimalPlaces(M3_PLACES, Dec.ROUND_HALF_UP);
  } catch (cause) {
    throw new VeeError('METERING.VEE_INVALID_INPUT', `Invalid ${what}: ${String(value)}`, { what, value: String(value), cause: String(cause) });
  }
}

/** Renders with exactly 3 decimals ("12.500"); zero has no sign. */
export function fmtM3(value: M3): string {
  const v = value.toDecimalPlaces(M3_PLACES, Dec.ROUND_HALF_UP);
  return v.isZero() ? '0.000' : v.toFixed(M3_PLACES);
}

export const ZERO = new Dec(0);

/** A validated decimal at full precision (rates, factors): same boundary rules as m3, no rounding. */
export function dec(value: string | number | M3, what: string): M3 {
  try {
    return toDec(value, what);
  } catch (cause) {
    throw new VeeError('METERING.VEE_INVALID_INPUT', `Invalid ${what}: ${String(value)}`, { what, value: String(value), cause: String(cause) });
  }
}

import DecimalJs from 'decimal.js';
import { MoneyError } from './money.errors';

/**
 * A private Decimal constructor so our precision/rounding settings never leak into (or get changed by)
 * other users of decimal.js in the same process. 40 significant digits is far beyond any tariff or
 * CFDI amount; rounding is always explicit (see round2/round6), never implicit.
 */
export const Dec = DecimalJs.clone({ precision: 40, rounding: DecimalJs.ROUND_HALF_UP, toExpNeg: -30, toExpPos: 40 });
export type Dec = InstanceType<typeof Dec>;

export type DecimalInput = Dec | string | number | bigint;

/** Strict decimal literal: optional sign, digits, optional fraction. No exponents, no spaces, no commas. */
const DECIMAL_RE = /^[+-]?(\d+(\.\d*)?|\.\d+)$/;

/**
 * Converts a boundary value into a Decimal. Strings must be plain decimal literals; numbers are accepted only
 * when they are safe integers (a float like 0.1 is exactly the kind of value this module exists to keep out).
 */
export function toDec(value: DecimalInput, what = 'amount'): Dec {
  if (value instanceof Dec) return value;
  if (typeof value === 'string') {
    const s = value.trim();
    if (!DECIMAL_RE.test(s)) throw new MoneyError('MONEY.INVALID_AMOUNT', `Invalid ${what}: "${value}"`, { value });
    return new Dec(s);
  }
  if (typeof value === 'bigint') return new Dec(value.toString());
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value)) {
      throw new MoneyError('MONEY.INVALID_AMOUNT', `Invalid ${what}: ${value} (pass decimals as strings, not floats)`, { value });
    }
    return new Dec(value);
  }
  // Another decimal.js instance (e.g. the default export) — accept via its string form.
  const maybe = value as { toFixed?: () => string };
  if (maybe && typeof maybe.toFixed === 'function') return toDec(maybe.toFixed(), what);
  throw new MoneyError('MONEY.INVALID_AMOUNT', `Invalid ${what}`, { value: String(value) });
}

/** SAT rounding for amounts (Importe, Base, SubTotal, Total): 2 decimals, half-up (away from zero). */
export function round2(value: DecimalInput): Dec {
  return toDec(value).toDecimalPlaces(2, Dec.ROUND_HALF_UP);
}

/** SAT rounding for unit prices and tasas (ValorUnitario, TasaOCuota): 6 decimals, half-up. */
export function round6(value: DecimalInput): Dec {
  return toDec(value).toDecimalPlaces(6, Dec.ROUND_HALF_UP);
}

/** Rounds half-up to `places` and renders exactly that many decimals ("12.50", "0.160000"). */
export function fixed(value: DecimalInput, places: number): string {
  const d = toDec(value).toDecimalPlaces(places, Dec.ROUND_HALF_UP);
  // decimal.js renders -0 as "-0.00"; an amount of zero has no sign.
  return d.isZero() ? new Dec(0).toFixed(places) : d.toFixed(places);
}

/** Sum of decimals (exact). */
export function sumDec(values: Iterable<DecimalInput>): Dec {
  let acc = new Dec(0);
  for (const v of values) acc = acc.plus(toDec(v));
  return acc;
}

import { isValidYmd, normalizeIdentifier } from './calendar';
import { MexicoError, type MexicoErrorCode } from './mexico.errors';
import { CURP_STATE_CODES } from './states';

export type CurpErrorCode = Extract<MexicoErrorCode, `CURP_${string}`>;
export type CurpSex = 'H' | 'M' | 'X';

export interface CurpValidation {
  valid: boolean;
  normalized: string;
  errorCode?: CurpErrorCode;
  /** Present when valid: ISO date (YYYY-MM-DD), sex marker and RENAPO state code (NE = born abroad). */
  birthDate?: string;
  sex?: CurpSex;
  stateCode?: string;
}

const CHECK_DICTIONARY = '0123456789ABCDEFGHIJKLMNÑOPQRSTUVWXYZ';

// 1 initial, 1 internal vowel (X when none), 2 initials, YYMMDD, sex, state, 3 internal consonants,
// homonymy differentiator (digit before 2000, letter from 2000), check digit.
const CURP_RE = /^([A-Z][AEIOUX][A-Z]{2})(\d{2})(\d{2})(\d{2})([A-Z])([A-Z]{2})([B-DF-HJ-NP-TV-Z]{3})([0-9A-Z])(\d)$/;

/** Computes the CURP check digit over its first 17 characters (weights 18..2, 10 - sum mod 10). */
export function computeCurpCheckDigit(base: string): string {
  if (base.length !== 17) throw new MexicoError('CURP_FORMAT', 'A CURP check digit needs the first 17 characters', { base });
  let sum = 0;
  for (let i = 0; i < 17; i++) {
    const value = CHECK_DICTIONARY.indexOf(base[i]);
    if (value < 0) throw new MexicoError('CURP_FORMAT', `Character not allowed in a CURP: "${base[i]}"`, { base });
    sum += value * (18 - i);
  }
  const digit = 10 - (sum % 10);
  return String(digit === 10 ? 0 : digit);
}

export function validateCurp(raw: string): CurpValidation {
  const curp = normalizeIdentifier(raw ?? '');
  const fail = (errorCode: CurpErrorCode): CurpValidation => ({ valid: false, normalized: curp, errorCode });
  const m = CURP_RE.exec(curp);
  if (!m) return fail('CURP_FORMAT');
  const [, , yy, mm, dd, sex, state, , differentiator, checkDigit] = m;
  if (sex !== 'H' && sex !== 'M' && sex !== 'X') return fail('CURP_SEX');
  if (!CURP_STATE_CODES.has(state)) return fail('CURP_STATE');
  // RENAPO encodes the century in the differentiator: a digit for births before 2000, a letter after.
  const year = (/\d/.test(differentiator) ? 1900 : 2000) + Number(yy);
  if (!isValidYmd(year, Number(mm), Number(dd))) return fail('CURP_DATE');
  if (computeCurpCheckDigit(curp.slice(0, 17)) !== checkDigit) return fail('CURP_CHECK_DIGIT');
  return { valid: true, normalized: curp, birthDate: `${year}-${mm}-${dd}`, sex, stateCode: state };
}

export function isValidCurp(raw: string): boolean {
  return validateCurp(raw).valid;
}

export function assertCurp(raw: string): string {
  const r = validateCurp(raw);
  if (!r.valid) throw new MexicoError(r.errorCode ?? 'CURP_FORMAT', `Invalid CURP: "${raw}"`, { curp: raw });
  return r.normalized;
}

import { isValidYmd, normalizeIdentifier } from './calendar';
import { MexicoError, type MexicoErrorCode } from './mexico.errors';

export type PersonType = 'fisica' | 'moral';

export type RfcErrorCode = Extract<MexicoErrorCode, `RFC_${string}`>;

export interface RfcValidation {
  valid: boolean;
  /** Decided by length (13 física, 12 moral); null when the length fits neither. */
  kind: PersonType | null;
  /** XAXX010101000 (público en general) or XEXX010101000 (extranjero). */
  generic: boolean;
  /** The upper-cased RFC without spaces or hyphens, as it should be stored. */
  normalized: string;
  errorCode?: RfcErrorCode;
}

export const RFC_PUBLICO_GENERAL = 'XAXX010101000';
export const RFC_EXTRANJERO = 'XEXX010101000';

/** SAT's value table for the check digit: each character's index is its value (0..38). */
const CHECK_DICTIONARY = '0123456789ABCDEFGHIJKLMN&OPQRSTUVWXYZ Ñ';

// Names part: letters, Ñ and & (companies such as "C&A"); date YYMMDD; homoclave; check digit.
const RFC_RE = /^([A-ZÑ&]{3,4})(\d{2})(\d{2})(\d{2})([A-Z0-9]{2})([0-9A])$/;

/**
 * The homoclave's two characters come from SAT's 34-symbol table, which has neither 0 nor O
 * (they would be confused with each other), so an RFC carrying them was mistyped.
 */
const HOMOCLAVE_RE = /^[1-9A-NP-Z]{2}$/;

/**
 * Computes the RFC check digit (dígito verificador) for the first 11 (moral) or 12 (física) characters.
 * A moral's base is left-padded with a space so both weigh 12 characters with weights 13..2.
 */
export function computeRfcCheckDigit(base: string): string {
  const padded = base.length === 11 ? ` ${base}` : base;
  if (padded.length !== 12) {
    throw new MexicoError('RFC_FORMAT', 'An RFC check digit needs the first 11 or 12 characters', { base });
  }
  let sum = 0;
  for (let i = 0; i < 12; i++) {
    const value = CHECK_DICTIONARY.indexOf(padded[i]);
    if (value < 0) throw new MexicoError('RFC_FORMAT', `Character not allowed in an RFC: "${padded[i]}"`, { base });
    sum += value * (13 - i);
  }
  const digit = 11 - (sum % 11);
  if (digit === 11) return '0';
  if (digit === 10) return 'A';
  return String(digit);
}

/** Validates an RFC (persona física or moral) by structure, date, homoclave and check digit. */
export function validateRfc(raw: string): RfcValidation {
  const rfc = normalizeIdentifier(raw ?? '');
  const kind: PersonType | null = rfc.length === 13 ? 'fisica' : rfc.length === 12 ? 'moral' : null;
  const fail = (errorCode: RfcErrorCode): RfcValidation => ({ valid: false, kind, generic: false, normalized: rfc, errorCode });

  if (rfc === RFC_PUBLICO_GENERAL || rfc === RFC_EXTRANJERO) {
    // Fixed by SAT for receipts to the general public and foreigners; they do not follow the algorithm.
    return { valid: true, kind: 'fisica', generic: true, normalized: rfc };
  }
  const m = kind ? RFC_RE.exec(rfc) : null;
  if (!m) return fail('RFC_FORMAT');
  const [, names, yy, mm, dd, homoclave, checkDigit] = m;
  if ((kind === 'fisica' && names.length !== 4) || (kind === 'moral' && names.length !== 3)) return fail('RFC_FORMAT');
  // The century is not encoded; 2000 + YY and 1900 + YY agree on leap years for every YY (2000 is leap).
  if (!isValidYmd(2000 + Number(yy), Number(mm), Number(dd))) return fail('RFC_DATE');
  if (!HOMOCLAVE_RE.test(homoclave)) return fail('RFC_HOMOCLAVE');
  if (computeRfcCheckDigit(rfc.slice(0, -1)) !== checkDigit) return fail('RFC_CHECK_DIGIT');
  return { valid: true, kind, generic: false, normalized: rfc };
}

export function isValidRfc(raw: string, personType?: PersonType): boolean {
  const r = validateRfc(raw);
  return r.valid && (personType === undefined || r.kind === personType);
}

/** Returns the normalized RFC or throws a MexicoError carrying the validation code. */
export function assertRfc(raw: string): string {
  const r = validateRfc(raw);
  if (!r.valid) throw new MexicoError(r.errorCode ?? 'RFC_FORMAT', `Invalid RFC: "${raw}"`, { rfc: raw });
  return r.normalized;
}

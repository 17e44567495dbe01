import { MEXICAN_STATES, type MexicanState } from './states';

export interface PostalCodeValidation {
  valid: boolean;
  /** The state whose SEPOMEX range holds the code. */
  state?: MexicanState;
  errorCode?: 'POSTAL_CODE_FORMAT' | 'POSTAL_CODE_RANGE';
}

/**
 * A Mexican código postal is 5 digits whose first two name the state (01-16 Ciudad de México ... 98-99
 * Zacatecas). 00 and 17-19 are assigned to no state, so a code starting with them is a typo.
 */
export function validatePostalCode(raw: string): PostalCodeValidation {
  const cp = (raw ?? '').trim();
  if (!/^\d{5}$/.test(cp)) return { valid: false, errorCode: 'POSTAL_CODE_FORMAT' };
  const prefix = Number(cp.slice(0, 2));
  const state = MEXICAN_STATES.find((s) => s.postalPrefixes.some(([lo, hi]) => prefix >= lo && prefix <= hi));
  if (!state) return { valid: false, errorCode: 'POSTAL_CODE_RANGE' };
  return { valid: true, state };
}

export function isValidPostalCode(raw: string): boolean {
  return validatePostalCode(raw).valid;
}

import { RFC_EXTRANJERO, RFC_PUBLICO_GENERAL, assertRfc, computeRfcCheckDigit, isValidRfc, validateRfc } from './rfc';
import { MexicoError } from './mexico.errors';

describe('computeRfcCheckDigit', () => {
  it('matches a hand-computed sum for a moral (leading space, weights 13..2)', () => {
    // " EKU9003173C" -> values [37,14,20,31,9,0,0,3,1,7,3,12] x weights [13..2]
    const values = [37, 14, 20, 31, 9, 0, 0, 3, 1, 7, 3, 12];
    const sum = values.reduce((acc, v, i) => acc + v * (13 - i), 0);
    expect(sum % 11).toBe(2);
    expect(computeRfcCheckDigit('EKU9003173C')).toBe(String(11 - (sum % 11)));
  });

  it('maps 11 to 0 and 10 to A', () => {
    // Search bases for each special case instead of trusting a fixture.
    const digits = new Set<string>();
    for (let n = 100; n < 400; n++) digits.add(computeRfcCheckDigit(`ABC010101${String(n).slice(0, 2)}`));
    expect(digits.has('0')).toBe(true);
    expect(digits.has('A')).toBe(true);
    for (const d of digits) expect(d).toMatch(/^[0-9A]$/);
  });

  it('rejects a base of the wrong length', () => {
    expect(() => computeRfcCheckDigit('ABC')).toThrow(MexicoError);
  });
});

describe('validateRfc', () => {
  it.each([
    // SAT's own RFC and the test issuers of SAT's CFDI sandbox; all satisfy the published algorithm.
    ['EKU9003173C9', 'moral'],
    ['SAT970701NN3', 'moral'],
    ['IIA040805DZ4', 'moral'],
    ['XIA190128J61', 'moral'],
    ['MAG041126GT8', 'moral'],
    ['CACX7605101P8', 'fisica'],
    ['GODE561231GR8', 'fisica'],
  ])('accepts %s as a valid persona %s', (rfc, kind) => {
    expect(validateRfc(rfc)).toEqual({ valid: true, kind, generic: false, normalized: rfc });
  });

  it('normalizes case, spaces and hyphens', () => {
    const r = validateRfc(' eku-900317-3c9 ');
    expect(r.valid).toBe(true);
    expect(r.normalized).toBe('EKU9003173C9');
  });

  it('accepts Ñ and & in the name part', () => {
    const base = 'ÑA&0402293X';
    const rfc = base + computeRfcCheckDigit(base);
    expect(validateRfc(rfc)).toMatchObject({ valid: true, kind: 'moral' });
    expect(validateRfc(rfc.toLowerCase()).valid).toBe(true);
  });

  it.each([RFC_PUBLICO_GENERAL, RFC_EXTRANJERO])('accepts the generic RFC %s and flags it', (rfc) => {
    expect(validateRfc(rfc)).toEqual({ valid: true, kind: 'fisica', generic: true, normalized: rfc });
  });

  it.each([
    ['', 'RFC_FORMAT', null],
    ['EKU9003173C', 'RFC_FORMAT', null], // 11 chars
    ['EKU9003173C99', 'RFC_FORMAT', 'fisica'], // 13 chars but only 3 letters
    ['EKUX9003173C9X', 'RFC_FORMAT', null], // 14 chars
    ['EK19003173C9', 'RFC_FORMAT', 'moral'], // digit among the letters
    ['EKU90O3173C9', 'RFC_FORMAT', 'moral'], // letter in the date
    ['EKU9003173CB', 'RFC_FORMAT', 'moral'], // check digit can only be 0-9 or A
    ['EKU900317-3C9!', 'RFC_FORMAT', 'fisica'], // hyphen dropped, '!' is not allowed
    ['EKU9013173C9', 'RFC_DATE', 'moral'], // month 13
    ['EKU9000173C9', 'RFC_DATE', 'moral'], // month 00
    ['EKU9002303C9', 'RFC_DATE', 'moral'], // 30 February
    ['EKU9004313C9', 'RFC_DATE', 'moral'], // 31 April
    ['GODE550229GR8', 'RFC_DATE', 'fisica'], // 29 Feb in a non-leap year
    ['EKU90031703C9', 'RFC_FORMAT', 'fisica'],
    ['EKU9003170C9', 'RFC_HOMOCLAVE', 'moral'], // 0 is not in the homoclave table
    ['EKU900317OC9', 'RFC_HOMOCLAVE', 'moral'], // nor is O
    ['EKU9003173C8', 'RFC_CHECK_DIGIT', 'moral'],
    ['EKU9003173CA', 'RFC_CHECK_DIGIT', 'moral'],
    ['GODE561231GR9', 'RFC_CHECK_DIGIT', 'fisica'],
    ['XAXX010101001', 'RFC_HOMOCLAVE', 'fisica'], // near-miss of the generic RFC: 00 is no homoclave
  ])('rejects %j with %s', (rfc, errorCode, kind) => {
    const r = validateRfc(rfc);
    expect(r.valid).toBe(false);
    expect(r.generic).toBe(false);
    expect(r.errorCode).toBe(errorCode);
    expect(r.kind).toBe(kind);
  });

  it('accepts 29 February in a leap year', () => {
    const base = 'GODE560229GR';
    expect(validateRfc(base + computeRfcCheckDigit(base)).valid).toBe(true);
    const y2000 = 'GODE000229GR';
    expect(validateRfc(y2000 + computeRfcCheckDigit(y2000)).valid).toBe(true);
  });

  it('detects every single-character substitution of the check digit', () => {
    for (const d of '0123456789A') {
      expect(validateRfc(`EKU9003173C${d}`).valid).toBe(d === '9');
    }
  });
});

describe('isValidRfc / assertRfc', () => {
  it('filters by person type', () => {
    expect(isValidRfc('EKU9003173C9')).toBe(true);
    expect(isValidRfc('EKU9003173C9', 'moral')).toBe(true);
    expect(isValidRfc('EKU9003173C9', 'fisica')).toBe(false);
    expect(isValidRfc('GODE561231GR8', 'fisica')).toBe(true);
  });

  it('throws a MexicoError with the validation code', () => {
    expect(assertRfc('eku9003173c9')).toBe('EKU9003173C9');
    try {
      assertRfc('EKU9003173C8');
      throw new Error('expected a MexicoError');
    } catch (e) {
      expect(e).toBeInstanceOf(MexicoError);
      expect((e as MexicoError).code).toBe('RFC_CHECK_DIGIT');
    }
  });
});

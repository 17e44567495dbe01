import { assertCurp, computeCurpCheckDigit, isValidCurp, validateCurp } from './curp';
import { MexicoError } from './mexico.errors';

/** Builds a CURP with a correct check digit from its first 17 characters. */
const withCheck = (base: string) => base + computeCurpCheckDigit(base);

describe('computeCurpCheckDigit', () => {
  it('matches a hand-computed sum (weights 18..2, dictionary with Ñ after N)', () => {
    // L O O A 5 3 1 1 1 3 H T C P B N 0
    const values = [21, 25, 25, 10, 5, 3, 1, 1, 1, 3, 17, 30, 12, 26, 11, 23, 0];
    const sum = values.reduce((acc, v, i) => acc + v * (18 - i), 0);
    expect(computeCurpCheckDigit('LOOA531113HTCPBN0')).toBe(String((10 - (sum % 10)) % 10));
  });

  it('rejects a base of the wrong length', () => {
    expect(() => computeCurpCheckDigit('LOOA')).toThrow(MexicoError);
  });
});

describe('validateCurp', () => {
  it.each([
    ['LOOA531113HTCPBN07', '1953-11-13', 'H', 'TC'],
    ['HEGG560427MVZRRL04', '1956-04-27', 'M', 'VZ'],
  ])('accepts the published CURP %s', (curp, birthDate, sex, stateCode) => {
    expect(validateCurp(curp)).toEqual({ valid: true, normalized: curp, birthDate, sex, stateCode });
  });

  it('reads the century from the differentiator (letter = born 2000 or later)', () => {
    const r = validateCurp(withCheck('GOMC000229MNERRLA'));
    expect(r).toMatchObject({ valid: true, birthDate: '2000-02-29', sex: 'M', stateCode: 'NE' });
    // 29 Feb 1900 did not exist: a digit differentiator puts the birth in the 1900s.
    expect(validateCurp(withCheck('GOMC000229MNERRL0')).errorCode).toBe('CURP_DATE');
  });

  it('accepts sex X and lower case input', () => {
    expect(validateCurp(withCheck('PERJ900512XQTRRN0').toLowerCase())).toMatchObject({ valid: true, sex: 'X', stateCode: 'QT' });
  });

  it('accepts every state code and NE', () => {
    for (const state of ['AS', 'BC', 'DF', 'QT', 'ZS', 'NE']) {
      expect(validateCurp(withCheck(`PERJ900512H${state}RRN0`)).valid).toBe(true);
    }
  });

  it.each([
    ['', 'CURP_FORMAT'],
    ['LOOA531113HTCPBN0', 'CURP_FORMAT'], // 17 chars
    ['LOOA531113HTCPBN077', 'CURP_FORMAT'],
    ['LBOA531113HTCPBN07', 'CURP_FORMAT'], // second char must be a vowel or X
    ['LOOA531113HTCPAN07', 'CURP_FORMAT'], // vowel among the consonants
    ['LOOA5311I3HTCPBN07', 'CURP_FORMAT'],
    ['LOOA531113HTCPBN0A', 'CURP_FORMAT'], // check digit is numeric
    ['LOOA531113ZTCPBN07', 'CURP_SEX'],
    ['LOOA531113HXXPBN07', 'CURP_STATE'],
    ['LOOA531313HTCPBN07', 'CURP_DATE'], // month 13
    ['LOOA531131HTCPBN07', 'CURP_DATE'], // 31 November
    ['LOOA531113HTCPBN08', 'CURP_CHECK_DIGIT'],
    ['HEGG560427MVZRRL05', 'CURP_CHECK_DIGIT'],
  ])('rejects %j with %s', (curp, errorCode) => {
    const r = validateCurp(curp);
    expect(r.valid).toBe(false);
    expect(r.errorCode).toBe(errorCode);
    expect(r.birthDate).toBeUndefined();
  });

  it('exposes boolean and asserting forms', () => {
    expect(isValidCurp('LOOA531113HTCPBN07')).toBe(true);
    expect(isValidCurp('LOOA531113HTCPBN08')).toBe(false);
    expect(assertCurp('looa531113htcpbn07')).toBe('LOOA531113HTCPBN07');
    expect(() => assertCurp('LOOA531113HXXPBN07')).toThrow(expect.objectContaining({ code: 'CURP_STATE' }));
  });
});

import { isValidPostalCode, validatePostalCode } from './postal-code';
import { CURP_STATE_CODES, MEXICAN_STATES, stateByCurpCode, stateByInegi } from './states';

describe('validatePostalCode', () => {
  it.each([
    ['76000', 'Querétaro'],
    ['01000', 'Ciudad de México'],
    ['16999', 'Ciudad de México'],
    ['20000', 'Aguascalientes'],
    ['44100', 'Jalisco'],
    ['64000', 'Nuevo León'],
    ['99999', 'Zacatecas'],
  ])('accepts %s in %s', (cp, state) => {
    const r = validatePostalCode(cp);
    expect(r.valid).toBe(true);
    expect(r.state?.name).toBe(state);
  });

  it.each([
    ['7600', 'POSTAL_CODE_FORMAT'],
    ['760000', 'POSTAL_CODE_FORMAT'],
    ['76O00', 'POSTAL_CODE_FORMAT'],
    ['', 'POSTAL_CODE_FORMAT'],
    ['00100', 'POSTAL_CODE_RANGE'],
    ['17000', 'POSTAL_CODE_RANGE'],
    ['19999', 'POSTAL_CODE_RANGE'],
  ])('rejects %j with %s', (cp, errorCode) => {
    expect(validatePostalCode(cp)).toEqual({ valid: false, errorCode });
    expect(isValidPostalCode(cp)).toBe(false);
  });

  it('trims surrounding spaces', () => {
    expect(isValidPostalCode(' 76000 ')).toBe(true);
  });
});

describe('states', () => {
  it('lists the 32 entities with unique INEGI 01..32, CURP and SAT codes', () => {
    expect(MEXICAN_STATES.map((s) => s.inegi)).toEqual(Array.from({ length: 32 }, (_, i) => String(i + 1).padStart(2, '0')));
    expect(new Set(MEXICAN_STATES.map((s) => s.curp)).size).toBe(32);
    expect(new Set(MEXICAN_STATES.map((s) => s.sat)).size).toBe(32);
  });

  it('assigns every postal prefix to at most one state', () => {
    const owners = new Map<number, string>();
    for (const s of MEXICAN_STATES) {
      for (const [lo, hi] of s.postalPrefixes) {
        for (let p = lo; p <= hi; p++) {
          expect(owners.get(p)).toBeUndefined();
          owners.set(p, s.inegi);
        }
      }
    }
    expect(owners.size).toBe(96); // 01-99 less 17, 18, 19
  });

  it('looks states up by code', () => {
    expect(stateByInegi('22')?.curp).toBe('QT');
    expect(stateByCurpCode('DF')?.inegi).toBe('09');
    expect(stateByInegi('33')).toBeUndefined();
    expect(CURP_STATE_CODES.has('NE')).toBe(true);
  });
});

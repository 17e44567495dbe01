import { validateCurp, validateRfc } from '@supra/domain/mexico';
import { generateFisica, generateMoral, prng } from '../seed/mexican-identities';
import { buildChannels, checkIdentity, isCurrent, phoneDigits } from './person-rules';

const codes = (r: { errors: Array<{ field: string; code: string }> }) => r.errors.map((e) => `${e.field}:${e.code}`);

/** Replaces the last character with another digit, so the check digit no longer matches. */
const breakCheckDigit = (id: string): string => id.slice(0, -1) + (id.endsWith('1') ? '2' : '1');

describe('checkIdentity', () => {
  const rnd = prng(42);
  const fisica = generateFisica(rnd);
  const moral = generateMoral(rnd);

  it('accepts a física with a matching RFC and CURP, regime and use, and normalises them', () => {
    const r = checkIdentity({ personType: 'fisica', rfc: fisica.rfc.toLowerCase(), curp: fisica.curp, regimenFiscal: '605', usoCfdi: 'd01', postalCode: '76000' });
    expect(r.errors).toEqual([]);
    expect(r.value).toEqual({ rfc: fisica.rfc, curp: fisica.curp, regimenFiscal: '605', usoCfdi: 'D01', postalCode: '76000' });
  });

  it('reports a wrong RFC check digit with its code', () => {
    expect(codes(checkIdentity({ personType: 'fisica', rfc: breakCheckDigit(fisica.rfc) }))).toEqual(['rfc:RFC_CHECK_DIGIT']);
  });

  it('reports a wrong CURP check digit with its code', () => {
    expect(codes(checkIdentity({ personType: 'fisica', curp: breakCheckDigit(fisica.curp) }))).toEqual(['curp:CURP_CHECK_DIGIT']);
  });

  it('refuses a moral RFC for a física, a CURP for a moral, and accepts the generic RFCs for both', () => {
    expect(codes(checkIdentity({ personType: 'fisica', rfc: moral.rfc }))).toEqual(['rfc:RFC_PERSON_TYPE']);
    expect(codes(checkIdentity({ personType: 'moral', rfc: moral.rfc, curp: fisica.curp }))).toEqual(['curp:CURP_NOT_ALLOWED']);
    expect(checkIdentity({ personType: 'fisica', rfc: 'XAXX010101000' }).errors).toEqual([]);
    expect(checkIdentity({ personType: 'moral', rfc: 'XEXX010101000' }).errors).toEqual([]);
  });

  it('detects an RFC and CURP with different birth dates', () => {
    const other = generateFisica(prng(7));
    expect(other.birthDate).not.toBe(fisica.birthDate);
    expect(codes(checkIdentity({ personType: 'fisica', rfc: fisica.rfc, curp: other.curp }))).toEqual(['curp:RFC_CURP_MISMATCH']);
  });

  it('checks regime and CFDI use against the SAT catalogs for the person type', () => {
    expect(codes(checkIdentity({ personType: 'fisica', regimenFiscal: '601' }))).toEqual(['regimenFiscal:REGIMEN_FISCAL_PERSON_TYPE']);
    expect(codes(checkIdentity({ personType: 'moral', regimenFiscal: '999' }))).toEqual(['regimenFiscal:REGIMEN_FISCAL_UNKNOWN']);
    expect(codes(checkIdentity({ personType: 'moral', usoCfdi: 'D01' }))).toEqual(['usoCfdi:USO_CFDI_PERSON_TYPE']);
    expect(codes(checkIdentity({ personType: 'fisica', regimenFiscal: '605', usoCfdi: 'G03' }))).toEqual(['usoCfdi:USO_CFDI_REGIMEN']);
    expect(codes(checkIdentity({ personType: 'fisica', usoCfdi: 'P01' }))).toEqual(['usoCfdi:USO_CFDI_UNKNOWN']);
    expect(checkIdentity({ personType: 'moral', regimenFiscal: '601', usoCfdi: 'G03' }).errors).toEqual([]);
  });

  it('checks the postal code', () => {
    expect(codes(checkIdentity({ personType: 'fisica', postalCode: '1800' }))).toEqual(['postalCode:POSTAL_CODE_FORMAT']);
    expect(codes(checkIdentity({ personType: 'fisica', postalCode: '18000' }))).toEqual(['postalCode:POSTAL_CODE_RANGE']);
  });

  it('reports every problem at once', () => {
    expect(codes(checkIdentity({ personType: 'fisica', rfc: breakCheckDigit(fisica.rfc), usoCfdi: 'ZZZ', postalCode: 'abc' }))).toEqual([
      'rfc:RFC_CHECK_DIGIT',
      'usoCfdi:USO_CFDI_UNKNOWN',
      'postalCode:POSTAL_CODE_FORMAT',
    ]);
  });
});

describe('generated identities', () => {
  it('always carry valid check digits', () => {
    const rnd = prng(1);
    for (let i = 0; i < 500; i++) {
      const f = generateFisica(rnd);
      expect(validateRfc(f.rfc)).toMatchObject({ valid: true, kind: 'fisica' });
      expect(validateCurp(f.curp)).toMatchObject({ valid: true, birthDate: f.birthDate });
      expect(validateRfc(generateMoral(rnd).rfc)).toMatchObject({ valid: true, kind: 'moral' });
    }
  });
});

describe('contact channels', () => {
  const now = '2026-11-23T18:00:00.000Z';

  it('normalises phones to +52 and e-mails to lower case, one primary per kind', () => {
    const r = buildChannels(
      { email: 'Ana@Example.MX', phone: '(442) 123-4567', contactChannels: [{ kind: 'whatsapp', value: '+52 1 442 765 4321' }, { kind: 'email', value: 'otra@example.mx' }] },
      [],
      null,
      now,
    );
    expect(r.errors).toEqual([]);
    expect(r.channels.map((c) => [c.kind, c.value, c.primary])).toEqual([
      ['telefono', '+524421234567', true],
      ['email', 'ana@example.mx', true],
      ['whatsapp', '+524427654321', true],
      ['email', 'otra@example.mx', false],
    ]);
  });

  it('refuses consent without an accepted privacy notice, and dates consent when given', () => {
    const refused = buildChannels({ contactChannels: [{ kind: 'email', value: 'a@b.mx', consent: true }] }, [], null, now);
    expect(refused.errors.map((e) => `${e.field}:${e.code}`)).toEqual(['contactChannels[0].consent:PRIVACY_NOTICE_REQUIRED']);
    const given = buildChannels({ contactChannels: [{ kind: 'email', value: 'a@b.mx', consent: true }] }, [], now, now);
    expect(given.channels[0]).toMatchObject({ consent: true, consentAt: now });
    const later = '2026-12-01T00:00:00.000Z';
    const kept = buildChannels({ contactChannels: [{ kind: 'email', value: 'a@b.mx' }] }, given.channels, now, later);
    expect(kept.channels[0].consentAt).toBe(now);
    const withdrawn = buildChannels({ contactChannels: [{ kind: 'email', value: 'a@b.mx', consent: false }] }, given.channels, now, later);
    expect(withdrawn.channels[0]).toMatchObject({ consent: false, consentAt: later });
  });

  it('refuses phones that are not 10 national digits', () => {
    expect(buildChannels({ phone: '12345' }, [], null, now).errors.map((e) => e.code)).toEqual(['PHONE_FORMAT']);
    expect(phoneDigits('+52 442 123 4567')).toBe('4421234567');
  });
});

describe('vulnerability validity', () => {
  it('is current between its dates, open-ended without an end', () => {
    expect(isCurrent({ validFrom: '2026-01-01', validUntil: null }, '2026-11-23')).toBe(true);
    expect(isCurrent({ validFrom: '2026-01-01', validUntil: '2026-06-30' }, '2026-11-23')).toBe(false);
    expect(isCurrent({ validFrom: '2027-01-01', validUntil: null }, '2026-11-23')).toBe(false);
  });
});

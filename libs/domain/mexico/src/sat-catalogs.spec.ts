import {
  C_CLAVE_PROD_SERV,
  C_CLAVE_UNIDAD,
  C_FORMA_PAGO,
  C_MESES,
  C_METODO_PAGO,
  C_MONEDA,
  C_MOTIVO_CANCELACION,
  C_REGIMEN_FISCAL,
  C_USO_CFDI,
  claveProdServFor,
  isCatalogKey,
  isRegimenValidFor,
  isUsoCfdiValidFor,
  mesesCodeFor,
  usosCfdiFor,
} from './sat-catalogs';
import { MexicoError } from './mexico.errors';

describe('c_RegimenFiscal', () => {
  it('applies each regime to the right person type', () => {
    expect(isRegimenValidFor('moral', '601')).toBe(true);
    expect(isRegimenValidFor('fisica', '601')).toBe(false);
    expect(isRegimenValidFor('fisica', '605')).toBe(true);
    expect(isRegimenValidFor('moral', '605')).toBe(false);
    expect(isRegimenValidFor('fisica', '626')).toBe(true);
    expect(isRegimenValidFor('moral', '626')).toBe(true);
    expect(isRegimenValidFor('moral', '603')).toBe(true);
    expect(isRegimenValidFor('fisica', '616')).toBe(true);
    expect(isRegimenValidFor('moral', '616')).toBe(false);
  });

  it('rejects codes that are not in the catalog', () => {
    expect(isRegimenValidFor('fisica', '600')).toBe(false);
    expect(isRegimenValidFor('moral', 'toString')).toBe(false);
  });

  it('lets every regime apply to at least one person type', () => {
    for (const entry of Object.values(C_REGIMEN_FISCAL)) expect(entry.fisica || entry.moral).toBe(true);
  });
});

describe('c_UsoCFDI', () => {
  it('accepts G03 for a moral in 601 and a física with business activity', () => {
    expect(isUsoCfdiValidFor('moral', '601', 'G03')).toBe(true);
    expect(isUsoCfdiValidFor('fisica', '612', 'G03')).toBe(true);
    expect(isUsoCfdiValidFor('fisica', '626', 'G03')).toBe(true);
  });

  it('only allows S01 (or CP01) to receptors without obligations', () => {
    expect(isUsoCfdiValidFor('fisica', '616', 'G03')).toBe(false);
    expect(isUsoCfdiValidFor('fisica', '616', 'S01')).toBe(true);
    expect(usosCfdiFor('fisica', '616')).toEqual(['S01', 'CP01']);
  });

  it('keeps personal deductions for personas físicas', () => {
    expect(isUsoCfdiValidFor('fisica', '605', 'D01')).toBe(true);
    expect(isUsoCfdiValidFor('moral', '601', 'D01')).toBe(false);
    expect(isUsoCfdiValidFor('fisica', '605', 'G03')).toBe(false);
  });

  it('allows nómina only for 605', () => {
    expect(isUsoCfdiValidFor('fisica', '605', 'CN01')).toBe(true);
    expect(isUsoCfdiValidFor('fisica', '612', 'CN01')).toBe(false);
  });

  it('rejects a regime that does not fit the person type even if the use would', () => {
    expect(isUsoCfdiValidFor('fisica', '601', 'G03')).toBe(false);
  });

  it('has no P01, withdrawn in CFDI 4.0', () => {
    expect(isCatalogKey(C_USO_CFDI, 'P01')).toBe(false);
    expect(isUsoCfdiValidFor('fisica', '612', 'P01')).toBe(false);
  });

  it('only lists regimes that exist and fit the use person types', () => {
    for (const [uso, entry] of Object.entries(C_USO_CFDI)) {
      for (const regimen of entry.regimenes) {
        const r = C_REGIMEN_FISCAL[regimen];
        expect({ uso, regimen, fits: (entry.fisica && r.fisica) || (entry.moral && r.moral) }).toEqual({ uso, regimen, fits: true });
      }
    }
  });
});

describe('other catalogs', () => {
  it('has the codes billing and payments rely on', () => {
    expect(C_FORMA_PAGO['03'].description).toBe('Transferencia electrónica de fondos');
    expect(C_FORMA_PAGO['99'].description).toBe('Por definir');
    expect(Object.keys(C_METODO_PAGO)).toEqual(['PUE', 'PPD']);
    expect(C_MONEDA.MXN.decimals).toBe(2);
    expect(Object.keys(C_MOTIVO_CANCELACION)).toEqual(['01', '02', '03', '04']);
    expect(C_MOTIVO_CANCELACION['01'].requiresSubstitute).toBe(true);
    expect(Object.keys(C_CLAVE_UNIDAD).sort()).toEqual(['ACT', 'E48', 'H87', 'MTQ']);
    expect(Object.keys(C_MESES)).toHaveLength(18);
  });

  it('maps the utility services to the water and sewer utilities class (UNSPSC 831015), not fertilizers or construction', () => {
    for (const c of ['agua', 'alcantarillado', 'saneamiento', 'reconexion'] as const) expect(claveProdServFor(c)).toBe('83101500');
    expect(Object.keys(C_CLAVE_PROD_SERV).some((k) => k.startsWith('1017') || k.startsWith('7215'))).toBe(false);
    for (const key of Object.keys(C_CLAVE_PROD_SERV)) expect(key).toMatch(/^\d{8}$/);
  });

  it('computes c_Meses codes for monthly and bimonthly global invoices', () => {
    expect(mesesCodeFor(1)).toBe('01');
    expect(mesesCodeFor(12)).toBe('12');
    expect(mesesCodeFor(1, true)).toBe('13');
    expect(mesesCodeFor(2, true)).toBe('13');
    expect(mesesCodeFor(11, true)).toBe('18');
    expect(C_MESES[mesesCodeFor(6, true)].description).toBe('Mayo-Junio');
    expect(() => mesesCodeFor(13)).toThrow(MexicoError);
    expect(() => mesesCodeFor(0, true)).toThrow(MexicoError);
  });

  it('narrows arbitrary strings with isCatalogKey', () => {
    expect(isCatalogKey(C_FORMA_PAGO, '01')).toBe(true);
    expect(isCatalogKey(C_FORMA_PAGO, '07')).toBe(false);
    expect(isCatalogKey(C_FORMA_PAGO, 'constructor')).toBe(false);
  });
});

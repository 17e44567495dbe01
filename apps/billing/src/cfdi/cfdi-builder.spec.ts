import { buildCfdi, cfdiDateTime, importeTolerance, sealCfdi } from './cfdi-builder';
import { cadenaOriginal } from './cadena-original';
import { CfdiError } from './cfdi.errors';
import { parseCfdiXml, renderCfdiXml } from './cfdi-xml';
import { verifySello } from './csd';
import { CfdiInputBuilder } from './testing/cfdi-input.builder';
import { demoCsd } from './testing/sat-dir';

function issuesOf(fn: () => unknown): string[] {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(CfdiError);
    expect((err as CfdiError).code).toBe('BILLING.CFDI_INVALID');
    return ((err as CfdiError).details.issues as { path: string; message: string }[]).map((i) => `${i.path}: ${i.message}`);
  }
  throw new Error('expected BILLING.CFDI_INVALID');
}

describe('buildCfdi amounts', () => {
  it('rounds per concept and totals as sums of rounded values (hand-computed)', () => {
    const doc = buildCfdi(
      CfdiInputBuilder.invoice()
        .concepto({ cantidad: '18', valorUnitario: '12.35' }) // 222.30, IVA 35.568 -> 35.57
        .concepto({ claveProdServ: '83101500', cantidad: '1', claveUnidad: 'E48', valorUnitario: '44.46', descripcion: 'Alcantarillado' }) // 44.46, IVA 7.1136 -> 7.11
        .concepto({ cantidad: '15', valorUnitario: '8.123457', traslados: [{ impuesto: '002', tipoFactor: 'Tasa', tasaOCuota: '0' }] }) // 121.851855 -> 121.85, IVA 0
        .build(),
    );
    expect(doc.conceptos.map((k) => k.Importe)).toEqual(['222.30', '44.46', '121.85']);
    expect(doc.conceptos.map((k) => k.traslados[0].Importe)).toEqual(['35.57', '7.11', '0.00']);
    expect(doc.conceptos[2].traslados[0].TasaOCuota).toBe('0.000000');
    expect(doc.comprobante.SubTotal).toBe('388.61');
    expect(doc.impuestos?.traslados).toEqual([
      { Base: '266.76', Impuesto: '002', TipoFactor: 'Tasa', TasaOCuota: '0.160000', Importe: '42.68' },
      { Base: '121.85', Impuesto: '002', TipoFactor: 'Tasa', TasaOCuota: '0.000000', Importe: '0.00' },
    ]);
    expect(doc.impuestos?.TotalImpuestosTrasladados).toBe('42.68');
    expect(doc.comprobante.Total).toBe('431.29');
  });

  it('sums rounded taxes, not the tax of the summed bases', () => {
    const doc = buildCfdi(
      CfdiInputBuilder.invoice().concepto({ cantidad: '1', valorUnitario: '10.03' }).concepto({ cantidad: '1', valorUnitario: '10.03' }).build(),
    );
    // 10.03 * 0.16 = 1.6048 -> 1.60 twice = 3.20 (round(20.06 * 0.16) would be 3.21)
    expect(doc.impuestos?.TotalImpuestosTrasladados).toBe('3.20');
    expect(doc.comprobante.Total).toBe('23.26');
  });

  it('applies discounts to the tax base and totals', () => {
    const doc = buildCfdi(CfdiInputBuilder.invoice().concepto({ cantidad: '10', valorUnitario: '10', descuento: '25' }).build());
    expect(doc.conceptos[0].Descuento).toBe('25.00');
    expect(doc.conceptos[0].traslados[0]).toMatchObject({ Base: '75.00', Importe: '12.00' });
    expect(doc.comprobante).toMatchObject({ SubTotal: '100.00', Descuento: '25.00', Total: '87.00' });
  });

  it('omits TotalImpuestosTrasladados when every traslado is Exento, and the Impuestos node for ObjetoImp 01', () => {
    const exento = buildCfdi(
      CfdiInputBuilder.invoice().concepto({ traslados: [{ impuesto: '002', tipoFactor: 'Exento' }] }).build(),
    );
    expect(exento.impuestos?.TotalImpuestosTrasladados).toBeUndefined();
    expect(exento.impuestos?.traslados).toEqual([{ Base: '222.30', Impuesto: '002', TipoFactor: 'Exento' }]);
    expect(exento.comprobante.Total).toBe('222.30');
    const noObjeto = buildCfdi(CfdiInputBuilder.invoice().concepto({ objetoImp: '01', traslados: [] }).build());
    expect(noObjeto.impuestos).toBeUndefined();
    expect(renderCfdiXml(noObjeto)).not.toContain('<cfdi:Impuestos');
  });

  it('accepts a given importe inside SAT tolerance and rejects one outside', () => {
    // 3 x 33.333333 = 99.999999; tolerance [ (2.5)(33.3333325)=83.33, (3.5)(33.3333335)=116.67 ]
    const tol = importeTolerance('3', '33.333333');
    expect(tol.min.toFixed(2)).toBe('83.33');
    expect(tol.max.toFixed(2)).toBe('116.67');
    const doc = buildCfdi(CfdiInputBuilder.invoice().concepto({ cantidad: '3.00', valorUnitario: '33.333333', importe: '100.00' }).build());
    expect(doc.conceptos[0].Importe).toBe('100.00');
    // with Cantidad "3.00": [(2.995)(33.3333325)=99.83, (3.005)(33.3333335)=100.17]
    expect(importeTolerance('3.00', '33.333333').max.toFixed(2)).toBe('100.17');
    expect(issuesOf(() => buildCfdi(CfdiInputBuilder.invoice().concepto({ cantidad: '3.00', valorUnitario: '33.333333', importe: '100.18' }).build())))
      .toEqual([expect.stringContaining("conceptos[0].importe: 100.18 is outside SAT's tolerance [99.83, 100.17]")]);
  });
});

describe('buildCfdi validation', () => {
  it('reports every catalog and structure problem at once', () => {
    const input = CfdiInputBuilder.invoice()
      .with({ formaPago: 'ZZ', metodoPago: 'XXX', exportacion: '09', lugarExpedicion: '7600', fecha: '2026-11-20 10:00' })
      .emisor({ regimenFiscal: '612' })
      .receptor({ usoCfdi: 'Z99', regimenFiscal: '999', rfc: 'BAD' })
      .concepto({ objetoImp: '09', descripcion: 'Agua | drenaje', traslados: [{ impuesto: '002', tipoFactor: 'Tasa', tasaOCuota: '0.15' }] })
      .build();
    const issues = issuesOf(() => buildCfdi(input));
    expect(issues).toEqual(
      expect.arrayContaining([
        'formaPago: "ZZ" is not a c_FormaPago key',
        'metodoPago: "XXX" is not a c_MetodoPago key',
        'exportacion: "09" is not a c_Exportacion key',
        'lugarExpedicion: must be a 5-digit postal code',
        'fecha: must be AAAA-MM-DDThh:mm:ss',
        'emisor.regimenFiscal: 612 does not apply to a persona moral',
        'receptor.usoCfdi: "Z99" is not a c_UsoCFDI key',
        'receptor.regimenFiscal: "999" is not a c_RegimenFiscal key',
        'receptor.rfc: "BAD" is not a valid RFC',
        'conceptos[0].objetoImp: "09" is not a c_ObjetoImp key',
        'conceptos[0].descripcion: must not contain "|" (it separates the cadena original)',
        'conceptos[0].traslados[0].tasaOCuota: 0.150000 is not an IVA rate (0, 8 or 16 %)',
      ]),
    );
  });

  it('enforces público en general rules on global invoices', () => {
    expect(() => buildCfdi(CfdiInputBuilder.invoice().global().concepto({ claveProdServ: '01010101', claveUnidad: 'ACT', cantidad: '1', valorUnitario: '100' }).build())).not.toThrow();
    const noInfo = CfdiInputBuilder.invoice().global().with({ informacionGlobal: undefined }).concepto({ claveProdServ: '01010101', claveUnidad: 'ACT' }).build();
    expect(issuesOf(() => buildCfdi(noInfo))).toContain('informacionGlobal: is required for a global invoice to PUBLICO EN GENERAL');
    const wrong = CfdiInputBuilder.invoice().global().receptor({ usoCfdi: 'G03', domicilioFiscal: '01000' }).concepto().build();
    expect(issuesOf(() => buildCfdi(wrong))).toEqual(
      expect.arrayContaining([
        'receptor.usoCfdi: must be S01 for XAXX010101000',
        'receptor.domicilioFiscal: must equal lugarExpedicion for XAXX010101000',
        'conceptos[0]: a global invoice uses ClaveProdServ 01010101 and ClaveUnidad ACT',
      ]),
    );
    const bimestral = CfdiInputBuilder.invoice().global('10').concepto({ claveProdServ: '01010101', claveUnidad: 'ACT' }).build();
    bimestral.informacionGlobal = { periodicidad: '05', meses: '10', anio: '2026' };
    expect(issuesOf(() => buildCfdi(bimestral))).toContain('informacionGlobal.meses: periodicidad 05 needs a two-month key (13–18)');
  });

  it('requires a relation on a credit note (egreso) and PPD with forma 99', () => {
    const e = CfdiInputBuilder.invoice().with({ tipoDeComprobante: 'E', formaPago: '03', metodoPago: 'PUE' }).concepto().build();
    expect(issuesOf(() => buildCfdi(e))).toEqual([
      'relacionados: a credit note (egreso) must relate the CFDI it corrects (TipoRelacion 01)',
    ]);
    const ppd = CfdiInputBuilder.invoice().with({ formaPago: '01', metodoPago: 'PPD' }).concepto().build();
    expect(issuesOf(() => buildCfdi(ppd))).toEqual(['formaPago: must be 99 (por definir) when metodoPago is PPD']);
  });

  it('checks the use against the receptor regime (SAT CFDI40158 family)', () => {
    const bad = CfdiInputBuilder.invoice().receptor({ regimenFiscal: '605', usoCfdi: 'G01' }).concepto().build();
    expect(issuesOf(() => buildCfdi(bad))).toEqual(['receptor.usoCfdi: G01 is not allowed for a receptor in regime 605']);
  });

  it('rejects characters XML cannot carry', () => {
    const bad = CfdiInputBuilder.invoice().receptor({ nombre: 'ACME\u0001' }).concepto().build();
    expect(issuesOf(() => buildCfdi(bad))).toEqual(['receptor.nombre: contains characters XML cannot carry']);
  });
});

describe('sealing and round trip', () => {
  it('fills NoCertificado/Certificado and a Sello that verifies against the certificate', () => {
    const csd = demoCsd();
    const sealed = sealCfdi(buildCfdi(CfdiInputBuilder.invoice().concepto().build()), csd);
    expect(sealed.document.comprobante.NoCertificado).toBe('30001000000500003416');
    expect(sealed.xml).toContain(`Certificado="${csd.certificadoBase64}"`);
    expect(sealed.cadenaOriginal.startsWith('||4.0|A|1001|2026-11-20T10:15:00|99|30001000000500003416|')).toBe(true);
    expect(verifySello(sealed.cadenaOriginal, sealed.sello, csd.certificadoBase64)).toBe(true);
    expect(verifySello(sealed.cadenaOriginal.replace('222.30', '222.31'), sealed.sello, csd.certificate)).toBe(false);
  });

  it('parses its own XML back to the same document and cadena', () => {
    const input = CfdiInputBuilder.invoice()
      .receptor({ nombre: 'JOSÉ  "PEPE" & <HIJOS>\tPEÑA' })
      .with({ relacionados: [{ tipoRelacion: '04', uuids: ['5FB2822E-396D-4725-8521-CDC4BDD20CCF'] }] })
      .concepto({ descripcion: '  Agua\npotable  ' })
      .build();
    const sealed = sealCfdi(buildCfdi(input), demoCsd());
    const parsed = parseCfdiXml(sealed.xml);
    expect(parsed).toEqual({ ...sealed.document, informacionGlobal: undefined });
    expect(cadenaOriginal(parsed)).toBe(sealed.cadenaOriginal);
    expect(sealed.cadenaOriginal).toContain('|JOSÉ "PEPE" & <HIJOS> PEÑA|');
  });
});

describe('cfdiDateTime', () => {
  it('renders the Mexico City wall clock', () => {
    expect(cfdiDateTime(new Date('2026-11-20T16:15:00Z'))).toBe('2026-11-20T10:15:00');
    expect(cfdiDateTime(new Date('2026-01-01T05:59:59Z'))).toBe('2025-12-31T23:59:59');
  });
});

describe('concept reuse across invoices', () => {
  it('reuses a valid concept node, and still refuses an invalid twin and recomputes a changed one', () => {
    const a = buildCfdi(CfdiInputBuilder.invoice().concepto().build());
    const b = buildCfdi(CfdiInputBuilder.invoice().with({ folio: '1002' }).concepto().build());
    expect(b.conceptos[0]).toBe(a.conceptos[0]); // the same node: computed once
    expect(b.comprobante.Total).toBe(a.comprobante.Total);
    // A field that differs only in a character the cadena forbids is validated, not taken from the valid twin.
    expect(issuesOf(() => buildCfdi(CfdiInputBuilder.invoice().concepto({ descripcion: 'Servicio de agua potable| uso doméstico' }).build()))).toEqual([
      'conceptos[0].descripcion: must not contain "|" (it separates the cadena original)',
    ]);
    // Fields are length-prefixed in the key: moving text from one field to the next is another concept.
    const c = buildCfdi(CfdiInputBuilder.invoice().concepto({ noIdentificacion: 'AGUA1', cantidad: '8' }).build());
    expect(c.conceptos[0].Cantidad).toBe('8');
    expect(c.conceptos[0].Importe).toBe('98.80');
  });
});

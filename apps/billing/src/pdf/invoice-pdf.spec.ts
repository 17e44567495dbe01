import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildCfdi, sealCfdi } from '../cfdi/cfdi-builder';
import { attachTfd } from '../cfdi/tfd';
import { CfdiInputBuilder } from '../cfdi/testing/cfdi-input.builder';
import { demoCsd } from '../cfdi/testing/sat-dir';
import { testTfd } from '../cfdi/testing/tfd-fixture';
import { renderInvoicePdf } from './invoice-pdf';
import { satVerificationUrl } from './sat-verification-url';

describe('satVerificationUrl', () => {
  it('builds the SAT QR URL with total without non-significant zeros and the last 8 chars of the seal', () => {
    expect(
      satVerificationUrl({ uuid: 'AAAAAAAA-BBBB-4CCC-8DDD-EEEEEEEEEEEE', rfcEmisor: 'EKU9003173C9', rfcReceptor: 'M&A010101AAA', total: '1234.50', sello: 'xxxxABCDEFGH' }),
    ).toBe(
      'https://verificacfdi.facturaelectronica.sat.gob.mx/default.aspx?id=AAAAAAAA-BBBB-4CCC-8DDD-EEEEEEEEEEEE&re=EKU9003173C9&rr=M%26A010101AAA&tt=1234.5&fe=ABCDEFGH',
    );
    expect(satVerificationUrl({ uuid: 'u', rfcEmisor: 'a', rfcReceptor: 'b', total: '100.00', sello: '12345678' })).toContain('&tt=100.0&');
  });
});

describe('renderInvoicePdf', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'supra-pdf-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('renders fiscal data, concepts, totals, TFD, chart and payment references that pdftotext can read', async () => {
    const input = CfdiInputBuilder.invoice()
      .receptor({ nombre: 'JOSÉ PEÑA ÁLVAREZ', rfc: 'PEAJ800101AB1' })
      .concepto({ cantidad: '18', valorUnitario: '12.35', traslados: [{ impuesto: '002', tipoFactor: 'Tasa', tasaOCuota: '0' }] })
      .concepto({ claveProdServ: '83101500', claveUnidad: 'E48', cantidad: '1', valorUnitario: '1000.00', descripcion: 'Alcantarillado' })
      .build();
    const sealed = sealCfdi(buildCfdi(input), demoCsd());
    const { tfd, xml: tfdXml } = testTfd(sealed.sello);
    const pdf = await renderInvoicePdf({
      stampedXml: attachTfd(sealed.xml, tfdXml),
      serviceInfo: [
        { label: 'Cuenta', value: '0012345' },
        { label: 'Medidor', value: 'MED-98765' },
        { label: 'Periodo', value: 'Octubre 2026' },
        { label: 'Vencimiento', value: '2026-12-05' },
      ],
      consumptionHistory: ['14', '16', '12', '19', '22', '18'].map((m3, i) => ({ label: `2026-${String(i + 5).padStart(2, '0')}`, m3 })),
      paymentReferences: [{ channel: 'OXXO', reference: '9000123456789012', note: 'válida hasta 2026-12-05' }],
    });
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    const file = path.join(dir, 'invoice.pdf');
    writeFileSync(file, pdf);
    if (process.env.SUPRA_KEEP_PDF) writeFileSync(process.env.SUPRA_KEEP_PDF, pdf);
    const r = spawnSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    const text = r.stdout;
    // 18 x 12.35 = 222.30 (IVA 0); 1000.00 + IVA 160.00 -> total 1382.30
    for (const expected of [
      tfd.UUID,
      'EKU9003173C9',
      'PEAJ800101AB1',
      'JOSÉ PEÑA ÁLVAREZ',
      '$1,382.30',
      '$222.30',
      '$160.00',
      '30001000000500003416',
      tfd.NoCertificadoSAT,
      'MED-98765',
      '9000123456789012',
      'OXXO',
      'HISTORIAL DE CONSUMO',
      'Uso CFDI: G03 - Gastos en general',
      'Régimen fiscal: 601 - General de Ley Personas Morales',
      'Cadena original del complemento de certificación digital del SAT',
    ]) {
      expect(text).toContain(expected);
    }
    // The TFD cadena is printed (its start fits on one line).
    expect(text).toContain(`||1.1|${tfd.UUID}|${tfd.FechaTimbrado}|`);
  });
});

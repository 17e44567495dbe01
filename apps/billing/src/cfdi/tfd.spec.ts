import { createPublicKey, verify } from 'node:crypto';
import { writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildCfdi, sealCfdi } from './cfdi-builder';
import { parseCfdiXml } from './cfdi-xml';
import { cadenaOriginal } from './cadena-original';
import { attachTfd, parseTfd, renderTfdXml, tfdCadenaOriginal } from './tfd';
import { CfdiInputBuilder } from './testing/cfdi-input.builder';
import { demoCsd } from './testing/sat-dir';
import { xsltCadenaCfdi, xsltCadenaTfd } from './testing/sat-tools';
import { testPacKey, testTfd } from './testing/tfd-fixture';

describe('TimbreFiscalDigital 1.1', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'supra-tfd-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const sealed = sealCfdi(buildCfdi(CfdiInputBuilder.invoice().concepto().build()), demoCsd());

  it.each([
    ['without Leyenda', {}],
    ['with a Leyenda with spaces and quotes', { Leyenda: '  Leyenda   de "prueba" & <SAT>  ' }],
  ])('TFD cadena equals cadenaoriginal_TFD_1_1.xslt %s', (_name, extra) => {
    const { tfd, xml } = testTfd(sealed.sello, extra);
    const stamped = attachTfd(sealed.xml, xml);
    const file = path.join(dir, `${tfd.UUID}.xml`);
    // The XSLT matches the TFD element at the document root, as SAT applies it to the extracted complement.
    writeFileSync(file, `<?xml version="1.0" encoding="UTF-8"?>\n${renderTfdXml(tfd)}`, 'utf8');
    const expected = xsltCadenaTfd(file);
    expect(tfdCadenaOriginal(tfd)).toBe(expected);
    expect(expected).toBe(`||1.1|${tfd.UUID}|2026-11-20T10:16:02|SPR190613I52|${'Leyenda' in extra ? 'Leyenda de "prueba" & <SAT>|' : ''}${sealed.sello}|30001000000500003456||`);
    // SelloSAT verifies with the PAC key over that cadena.
    expect(verify('sha256', Buffer.from(expected), createPublicKey(testPacKey()), Buffer.from(tfd.SelloSAT, 'base64'))).toBe(true);
    // Parse back from the stamped CFDI.
    expect(parseTfd(stamped)).toEqual(tfd);
  });

  it('attaching the TFD does not change the CFDI cadena (the stamp is outside the signed data)', () => {
    const stamped = attachTfd(sealed.xml, testTfd(sealed.sello).xml);
    const file = path.join(dir, 'stamped.xml');
    writeFileSync(file, stamped, 'utf8');
    expect(xsltCadenaCfdi(file)).toBe(sealed.cadenaOriginal);
    const parsed = parseCfdiXml(stamped);
    expect(parsed.complementos[0]).toContain('tfd:TimbreFiscalDigital');
    expect(cadenaOriginal(parsed)).toBe(sealed.cadenaOriginal);
  });

  it('rejects a document without a TFD', () => {
    expect(() => parseTfd(sealed.xml)).toThrow(expect.objectContaining({ code: 'BILLING.CFDI_XML_MALFORMED' }));
  });
});

import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { buildCfdi, sealCfdi } from './cfdi-builder';
import { attachTfd } from './tfd';
import { CfdiInputBuilder } from './testing/cfdi-input.builder';
import { randomInvoice } from './testing/random-invoices';
import { demoCsd } from './testing/sat-dir';
import { XsdSandbox } from './testing/sat-tools';
import { testTfd } from './testing/tfd-fixture';

/**
 * Validates generated CFDIs with xmllint against the official cfdv40.xsd, tdCFDI.xsd and TimbreFiscalDigitalv11.xsd.
 * The official catCFDI.xsd is missing from shared/sat, so the sandbox uses a clearly named stand-in that relaxes
 * only the catalog types (catalog membership is checked by the builder against catalogs.ts).
 */
describe('CFDI XML against the official XSD', () => {
  const sandbox = new XsdSandbox();
  afterAll(() => sandbox.dispose());

  function write(name: string, xml: string): string {
    const file = path.join(sandbox.dir, name);
    writeFileSync(file, xml, 'utf8');
    return file;
  }

  it('accepts sealed and stamped invoices of every kind', () => {
    const files: string[] = [];
    for (let i = 0; i < 25; i++) {
      const sealed = sealCfdi(buildCfdi(randomInvoice(500 + i * 31)), demoCsd());
      files.push(write(`sealed-${i}.xml`, sealed.xml));
      files.push(write(`stamped-${i}.xml`, attachTfd(sealed.xml, testTfd(sealed.sello).xml)));
    }
    const result = sandbox.validate(files);
    expect(result.output).not.toMatch(/fails to validate|error/i);
    expect(result.ok).toBe(true);
  });

  it('really validates: a schema violation is reported', () => {
    const sealed = sealCfdi(buildCfdi(CfdiInputBuilder.invoice().concepto().build()), demoCsd());
    const broken = write('broken.xml', sealed.xml.replace(/Total="[0-9.]+"/, 'Total="1,000.00"'));
    const noEmisor = write('no-emisor.xml', sealed.xml.replace(/<cfdi:Emisor [^>]*\/>/, ''));
    const badTfd = write('bad-tfd.xml', attachTfd(sealed.xml, testTfd(sealed.sello, { NoCertificadoSAT: '123' }).xml));
    for (const f of [broken, noEmisor, badTfd]) {
      const r = sandbox.validate([f]);
      expect(r.ok).toBe(false);
      expect(r.output).toContain('fails to validate');
    }
  });
});

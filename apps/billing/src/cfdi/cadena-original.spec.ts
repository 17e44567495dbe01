import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildCfdi, sealCfdi } from './cfdi-builder';
import { cadenaOriginal } from './cadena-original';
import { parseCfdiXml } from './cfdi-xml';
import { randomInvoice } from './testing/random-invoices';
import { demoCsd } from './testing/sat-dir';
import { xsltCadenaCfdi } from './testing/sat-tools';
import { normalizeSpace } from './xml-text';

describe('cadena original vs SAT XSLT (xsltproc)', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'supra-cadena-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('normalize-space follows XPath (only #x20 #x9 #xD #xA)', () => {
    expect(normalizeSpace('  a \t\r\n b  ')).toBe('a b');
    expect(normalizeSpace('\u00A0a\u00A0')).toBe('\u00A0a\u00A0');
  });

  // 80 generated invoices: global ones, credit notes, substitutions, 40-concept ones, accents, "&", "<",
  // quotes, runs of spaces, tabs and newlines inside attributes, NBSP and astral characters.
  const seeds = Array.from({ length: 80 }, (_, i) => 1000 + i * 7919);

  it.each(seeds)('matches byte for byte for generated invoice seed %i (built and re-parsed)', (seed) => {
    const sealed = sealCfdi(buildCfdi(randomInvoice(seed)), demoCsd());
    const file = path.join(dir, `${seed}.xml`);
    writeFileSync(file, sealed.xml, 'utf8');
    const expected = xsltCadenaCfdi(file);
    expect(expected.startsWith('||4.0|')).toBe(true);
    expect(sealed.cadenaOriginal).toBe(expected);
    expect(cadenaOriginal(parseCfdiXml(sealed.xml))).toBe(expected);
  });
});

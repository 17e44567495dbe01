import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CADENA_XSLT, CFD_DIR, TFD_XSLT } from './sat-dir';

/** Runs SAT's XSLT with xsltproc (stderr dropped: libxslt warns about version="2.0" stylesheets). */
export function xsltproc(xslt: string, xmlFile: string): string {
  const r = spawnSync('xsltproc', [xslt, xmlFile], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`xsltproc failed (${r.status}): ${r.stderr}`);
  return r.stdout;
}

export const xsltCadenaCfdi = (xmlFile: string): string => xsltproc(CADENA_XSLT(), xmlFile);
export const xsltCadenaTfd = (xmlFile: string): string => xsltproc(TFD_XSLT(), xmlFile);

/**
 * A temporary copy of the official schemas with the same relative layout, plus the stand-in catalog schema
 * at catalogos/catCFDI.xsd, plus an entry schema importing CFDI 4.0 and TFD 1.1 (Complemento is processContents
 * strict, so the TFD's schema must be loaded too).
 */
export class XsdSandbox {
  readonly dir = mkdtempSync(path.join(os.tmpdir(), 'supra-cfdi-xsd-'));
  readonly entry = path.join(this.dir, 'cfd/entry.xsd');

  constructor() {
    const cfd = CFD_DIR();
    for (const rel of ['4/cfdv40.xsd', 'tipoDatos/tdCFDI/tdCFDI.xsd', 'TimbreFiscalDigital/TimbreFiscalDigitalv11.xsd']) {
      mkdirSync(path.dirname(path.join(this.dir, 'cfd', rel)), { recursive: true });
      copyFileSync(path.join(cfd, rel), path.join(this.dir, 'cfd', rel));
    }
    mkdirSync(path.join(this.dir, 'cfd/catalogos'), { recursive: true });
    copyFileSync(path.join(__dirname, 'catCFDI.STAND-IN-relaxed.xsd'), path.join(this.dir, 'cfd/catalogos/catCFDI.xsd'));
    writeFileSync(
      this.entry,
      `<?xml version="1.0" encoding="UTF-8"?>
<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema">
  <xs:import namespace="http://www.sat.gob.mx/cfd/4" schemaLocation="4/cfdv40.xsd"/>
  <xs:import namespace="http://www.sat.gob.mx/TimbreFiscalDigital" schemaLocation="TimbreFiscalDigital/TimbreFiscalDigitalv11.xsd"/>
</xs:schema>
`,
    );
  }

  /** xmllint --schema over several files at once; returns the files that failed with their messages. */
  validate(files: string[]): { ok: boolean; output: string } {
    const r = spawnSync('xmllint', ['--noout', '--schema', this.entry, ...files], { encoding: 'utf8' });
    return { ok: r.status === 0, output: `${r.stdout}${r.stderr}` };
  }

  dispose(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

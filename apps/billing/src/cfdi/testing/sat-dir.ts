import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { loadCsd, type Csd } from '../csd';

/** Repository root, from apps/billing/src/cfdi/testing. */
export const REPO_ROOT = path.resolve(__dirname, '../../../../..');

/** The project's shared SAT files (XSD, XSLT): env SUPRA_SAT_DIR, else ../shared/sat beside the repository. */
export function satDir(): string {
  const dir = process.env.SUPRA_SAT_DIR ?? path.resolve(REPO_ROOT, '../shared/sat');
  if (!existsSync(path.join(dir, 'www.sat.gob.mx'))) {
    throw new Error(`SAT files not found at ${dir}: set SUPRA_SAT_DIR or place shared/sat beside the repository`);
  }
  return dir;
}

export const CFD_DIR = (): string => path.join(satDir(), 'www.sat.gob.mx/sitio_internet/cfd');
export const CADENA_XSLT = (): string => path.join(CFD_DIR(), '4/cadenaoriginal_4_0/cadenaoriginal_4_0.xslt');
export const TFD_XSLT = (): string => path.join(CFD_DIR(), 'TimbreFiscalDigital/cadenaoriginal_TFD_1_1.xslt');

/** The demo tenant's CSD vendored in apps/billing/csd-test (SAT public test credentials). */
export const DEMO_CSD_DIR = path.resolve(__dirname, '../../../csd-test');

export function demoCsdFiles(): { cer: Buffer; key: Buffer; password: string } {
  return {
    cer: readFileSync(path.join(DEMO_CSD_DIR, 'EKU9003173C9.cer')),
    key: readFileSync(path.join(DEMO_CSD_DIR, 'EKU9003173C9.key')),
    password: readFileSync(path.join(DEMO_CSD_DIR, 'EKU9003173C9.password.bin'), 'utf8').replace(/\r?\n$/, ''),
  };
}

let cached: Csd | undefined;
export function demoCsd(): Csd {
  cached ??= loadCsd(demoCsdFiles());
  return cached;
}

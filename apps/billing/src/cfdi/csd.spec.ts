import { readFileSync } from 'node:fs';
import path from 'node:path';
import { loadCsd, noCertificadoFromSerial, signCadena, verifySello } from './csd';
import { decryptSecret, encryptSecret } from './secret-box';
import { DEMO_CSD_DIR, demoCsdFiles } from './testing/sat-dir';
import { randomBytes } from 'node:crypto';

describe('CSD', () => {
  it('loads the SAT test CSD (DER .cer/.key) with NoCertificado from the ASCII serial', () => {
    const csd = loadCsd(demoCsdFiles());
    expect(csd.noCertificado).toBe('30001000000500003416');
    expect(csd.rfc).toBe('EKU9003173C9');
    expect(csd.nombre).toBe('ESCUELA KEMPER URGATE SA DE CV');
    expect(csd.validTo.toISOString()).toBe('2027-05-18T11:43:51.000Z');
    expect(Buffer.from(csd.certificadoBase64, 'base64').equals(readFileSync(path.join(DEMO_CSD_DIR, 'EKU9003173C9.cer')))).toBe(true);
  });

  it('also loads the PEM forms', () => {
    const files = demoCsdFiles();
    const csd = loadCsd({
      cer: readFileSync(path.join(DEMO_CSD_DIR, 'EKU9003173C9.cer.pem'), 'utf8'),
      key: readFileSync(path.join(DEMO_CSD_DIR, 'EKU9003173C9.key.pem'), 'utf8'),
      password: files.password,
    });
    const sello = signCadena('||4.0|x||', csd.privateKey);
    expect(verifySello('||4.0|x||', sello, csd.certificate)).toBe(true);
  });

  it('decodes SAT serials and leaves other serials alone', () => {
    expect(noCertificadoFromSerial('3330303031303030303030353030303033343136')).toBe('30001000000500003416');
    expect(noCertificadoFromSerial('0A1B')).toBe('0A1B');
  });

  it('rejects a wrong password with a domain code', () => {
    expect(() => loadCsd({ ...demoCsdFiles(), password: 'wrong' })).toThrow(expect.objectContaining({ code: 'BILLING.CSD_PASSWORD_INVALID' }));
  });
});

describe('encryptSecret / decryptSecret (AES-256-GCM)', () => {
  const key = randomBytes(32);

  it('round-trips the CSD key and password, bound to a tenant', () => {
    const keyDer = demoCsdFiles().key;
    const env = encryptSecret(keyDer, key.toString('base64'), 'tenant:cea-qro');
    expect(env).not.toContain(keyDer.toString('base64').slice(0, 20));
    expect(decryptSecret(env, key, 'tenant:cea-qro').equals(keyDer)).toBe(true);
    expect(decryptSecret(encryptSecret('12345678a', key.toString('hex')), key).toString()).toBe('12345678a');
  });

  it('uses a fresh IV each time', () => {
    expect(encryptSecret('same', key)).not.toBe(encryptSecret('same', key));
  });

  it('detects tampering with ciphertext, tag, AAD or key', () => {
    const env = encryptSecret('secret password', key, 'tenant:a');
    const raw = Buffer.from(env, 'base64');
    const flip = (i: number): string => {
      const copy = Buffer.from(raw);
      copy[i] ^= 0x01;
      return copy.toString('base64');
    };
    const tampered = 'BILLING.SECRET_TAMPERED';
    expect(() => decryptSecret(flip(raw.length - 1), key, 'tenant:a')).toThrow(expect.objectContaining({ code: tampered })); // ciphertext
    expect(() => decryptSecret(flip(2 + 12 + 3), key, 'tenant:a')).toThrow(expect.objectContaining({ code: tampered })); // tag
    expect(() => decryptSecret(flip(5), key, 'tenant:a')).toThrow(expect.objectContaining({ code: tampered })); // iv
    expect(() => decryptSecret(env, key, 'tenant:b')).toThrow(expect.objectContaining({ code: tampered })); // other tenant
    expect(() => decryptSecret(env, randomBytes(32), 'tenant:a')).toThrow(expect.objectContaining({ code: tampered }));
    expect(() => decryptSecret('djE=', key)).toThrow(expect.objectContaining({ code: tampered }));
  });

  it('refuses keys that are not 32 bytes', () => {
    expect(() => encryptSecret('x', 'short')).toThrow(expect.objectContaining({ code: 'BILLING.SECRET_KEY_INVALID' }));
  });
});

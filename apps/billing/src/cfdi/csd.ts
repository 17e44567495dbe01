import { createPrivateKey, sign, verify, X509Certificate, type KeyObject } from 'node:crypto';
import { CfdiError } from './cfdi.errors';

/**
 * A loaded Certificado de Sello Digital: the parsed certificate plus the decrypted private key as a KeyObject.
 * Load it once per tenant and reuse it for every invoice of a bill run: decrypting the PKCS#8 key (PBES2) costs
 * far more than a signature.
 */
export interface Csd {
  /** NoCertificado: the 20 digits SAT encodes as ASCII in the certificate's hex serial. */
  noCertificado: string;
  /** Certificado attribute: the DER certificate in base64 (no PEM armour, no line breaks). */
  certificadoBase64: string;
  /** RFC of the holder (first RFC in x500UniqueIdentifier). */
  rfc: string;
  /** Holder name (O/CN). */
  nombre: string;
  validFrom: Date;
  validTo: Date;
  certificate: X509Certificate;
  privateKey: KeyObject;
}

export interface CsdFiles {
  /** .cer file (DER) or PEM text. */
  cer: Buffer | string;
  /** .key file: DER PKCS#8 encrypted (SAT format) or PEM "ENCRYPTED PRIVATE KEY". */
  key: Buffer | string;
  password: string;
}

/** SAT serials are the ASCII codes of the decimal NoCertificado, e.g. hex "3330..." -> "30...". */
export function noCertificadoFromSerial(serialHex: string): string {
  const hex = serialHex.length % 2 === 1 ? `0${serialHex}` : serialHex;
  const decoded = Buffer.from(hex, 'hex').toString('latin1');
  return /^[0-9]{20}$/.test(decoded) ? decoded : serialHex;
}

function isPem(v: Buffer | string): boolean {
  return (typeof v === 'string' ? v : v.subarray(0, 30).toString('latin1')).includes('-----BEGIN');
}

export function parseCertificate(cer: Buffer | string): Omit<Csd, 'privateKey'> {
  let certificate: X509Certificate;
  try {
    certificate = new X509Certificate(cer);
  } catch (err) {
    throw new CfdiError('BILLING.CSD_INVALID', `Certificate cannot be read: ${(err as Error).message}`);
  }
  const subject = certificate.subject;
  const uid = /x500UniqueIdentifier=([^\n/]+)/.exec(subject)?.[1]?.trim() ?? '';
  const nombre = (/\nO=([^\n]+)/.exec(`\n${subject}`) ?? /CN=([^\n]+)/.exec(subject))?.[1]?.trim() ?? '';
  return {
    noCertificado: noCertificadoFromSerial(certificate.serialNumber),
    certificadoBase64: certificate.raw.toString('base64'),
    rfc: uid,
    nombre,
    validFrom: new Date(certificate.validFrom),
    validTo: new Date(certificate.validTo),
    certificate,
  };
}

/** Loads a CSD from its .cer/.key/password; checks the key belongs to the certificate. */
export function loadCsd(files: CsdFiles): Csd {
  const cert = parseCertificate(files.cer);
  let privateKey: KeyObject;
  try {
    privateKey = isPem(files.key)
      ? createPrivateKey({ key: files.key, format: 'pem', passphrase: files.password })
      : createPrivateKey({ key: files.key as Buffer, format: 'der', type: 'pkcs8', passphrase: files.password });
  } catch (err) {
    // OpenSSL reports a wrong password as a decrypt/parse failure; no detail is passed on (it can hint at the key).
    throw new CfdiError('BILLING.CSD_PASSWORD_INVALID', 'The CSD private key cannot be decrypted with this password', {
      reason: (err as { code?: string }).code ?? 'decrypt_failed',
    });
  }
  if (!cert.certificate.checkPrivateKey(privateKey)) {
    throw new CfdiError('BILLING.CSD_KEY_MISMATCH', 'The private key does not belong to the certificate', {
      noCertificado: cert.noCertificado,
    });
  }
  return { ...cert, privateKey };
}

/** SHA256withRSA over the UTF-8 cadena original, base64 — the Sello attribute. */
export function signCadena(cadena: string, privateKey: KeyObject): string {
  return sign('sha256', Buffer.from(cadena, 'utf8'), privateKey).toString('base64');
}

/** Verifies a Sello against a certificate (base64 DER as in the Certificado attribute, or an X509Certificate). */
export function verifySello(cadena: string, selloBase64: string, certificate: X509Certificate | string): boolean {
  const cert = typeof certificate === 'string' ? new X509Certificate(Buffer.from(certificate, 'base64')) : certificate;
  try {
    return verify('sha256', Buffer.from(cadena, 'utf8'), cert.publicKey, Buffer.from(selloBase64, 'base64'));
  } catch {
    return false;
  }
}

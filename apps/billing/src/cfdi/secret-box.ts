import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { CfdiError } from './cfdi.errors';

/**
 * AES-256-GCM envelope for CSD material at rest (the .key file and its password). Format (base64 of):
 *   "v1" (2 bytes) | iv (12) | tag (16) | ciphertext
 * The version prefix is authenticated (AAD) so a future format cannot be confused with this one. The key comes
 * from the environment and is passed in: this module never reads configuration.
 */
const VERSION = Buffer.from('v1');
const IV_LEN = 12;
const TAG_LEN = 16;

/** Accepts a 32-byte Buffer, or a string with 32 bytes in base64 (44 chars) or hex (64 chars). */
export function parseSecretKey(key: Buffer | string): Buffer {
  let buf: Buffer;
  if (Buffer.isBuffer(key)) buf = key;
  else if (/^[0-9a-fA-F]{64}$/.test(key)) buf = Buffer.from(key, 'hex');
  else buf = Buffer.from(key, 'base64');
  if (buf.length !== 32) {
    throw new CfdiError('BILLING.SECRET_KEY_INVALID', 'The encryption key must be 32 bytes (base64 or hex)');
  }
  return buf;
}

export function encryptSecret(plaintext: Buffer | string, key: Buffer | string, aad?: string): string {
  const k = parseSecretKey(key);
  const iv = randomBytes(IV_LEN);
  const cipher = createCipheriv('aes-256-gcm', k, iv, { authTagLength: TAG_LEN });
  cipher.setAAD(aad === undefined ? VERSION : Buffer.concat([VERSION, Buffer.from(aad, 'utf8')]));
  const body = Buffer.concat([cipher.update(typeof plaintext === 'string' ? Buffer.from(plaintext, 'utf8') : plaintext), cipher.final()]);
  return Buffer.concat([VERSION, iv, cipher.getAuthTag(), body]).toString('base64');
}

/**
 * Decrypts and authenticates. Throws BILLING.SECRET_TAMPERED if the ciphertext, the tag, the AAD (e.g. the tenant
 * id the secret was bound to) or the key is wrong — GCM cannot tell those apart, and neither should the caller.
 */
export function decryptSecret(envelope: string, key: Buffer | string, aad?: string): Buffer {
  const k = parseSecretKey(key);
  const raw = Buffer.from(envelope, 'base64');
  if (raw.length < VERSION.length + IV_LEN + TAG_LEN || !raw.subarray(0, 2).equals(VERSION)) {
    throw new CfdiError('BILLING.SECRET_TAMPERED', 'Encrypted secret has an unknown format');
  }
  const iv = raw.subarray(2, 2 + IV_LEN);
  const tag = raw.subarray(2 + IV_LEN, 2 + IV_LEN + TAG_LEN);
  const body = raw.subarray(2 + IV_LEN + TAG_LEN);
  try {
    const decipher = createDecipheriv('aes-256-gcm', k, iv, { authTagLength: TAG_LEN });
    decipher.setAAD(aad === undefined ? VERSION : Buffer.concat([VERSION, Buffer.from(aad, 'utf8')]));
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(body), decipher.final()]);
  } catch {
    throw new CfdiError('BILLING.SECRET_TAMPERED', 'Encrypted secret failed authentication');
  }
}

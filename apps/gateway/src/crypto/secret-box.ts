import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { DomainError } from '@supra/platform/errors';

/**
 * AES-256-GCM for secrets at rest (JWT signing keys, TOTP secrets). The ciphertext is
 * `v1.<iv>.<tag>.<data>` in base64url, so a future key or algorithm change can be told apart.
 * `aad` binds a ciphertext to its row (e.g. the user id) so it cannot be copied to another row.
 */
export class SecretBox {
  private constructor(private readonly key: Buffer) {}

  /** Parses a 32-byte key given as 64 hex characters or base64/base64url. */
  static fromKey(raw: string): SecretBox {
    const trimmed = raw.trim();
    const key = /^[0-9a-fA-F]{64}$/.test(trimmed) ? Buffer.from(trimmed, 'hex') : Buffer.from(trimmed, 'base64');
    if (key.length !== 32) {
      throw new DomainError('GATEWAY.SECRET_KEY_INVALID', 'SUPRA_SECRET_KEY must be 32 bytes (64 hex characters or base64)', { status: 500 });
    }
    return new SecretBox(key);
  }

  /**
   * The key from the environment; outside production a fixed development key is allowed (and
   * reported through `isDevKey`) so `npm start` works without set-up.
   */
  static fromEnv(value: string | undefined, nodeEnv: string): { box: SecretBox; isDevKey: boolean } {
    if (value) return { box: SecretBox.fromKey(value), isDevKey: false };
    if (nodeEnv === 'production') {
      throw new DomainError('GATEWAY.SECRET_KEY_MISSING', 'SUPRA_SECRET_KEY is required in production', { status: 500 });
    }
    return { box: new SecretBox(createHash('sha256').update('supra-development-secret-key').digest()), isDevKey: true };
  }

  seal(plaintext: string | Buffer, aad = ''): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    cipher.setAAD(Buffer.from(aad));
    const data = Buffer.concat([cipher.update(plaintext), cipher.final()]);
    return ['v1', iv, cipher.getAuthTag(), data].map((p) => (typeof p === 'string' ? p : p.toString('base64url'))).join('.');
  }

  open(sealed: string, aad = ''): Buffer {
    const [version, iv, tag, data] = sealed.split('.');
    if (version !== 'v1' || !iv || !tag || data === undefined) {
      throw new DomainError('GATEWAY.SECRET_UNREADABLE', 'Sealed secret has an unknown format', { status: 500 });
    }
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.key, Buffer.from(iv, 'base64url'));
      decipher.setAAD(Buffer.from(aad));
      decipher.setAuthTag(Buffer.from(tag, 'base64url'));
      return Buffer.concat([decipher.update(Buffer.from(data, 'base64url')), decipher.final()]);
    } catch (e) {
      throw new DomainError('GATEWAY.SECRET_UNREADABLE', 'Sealed secret could not be decrypted (wrong SUPRA_SECRET_KEY?)', { status: 500, cause: e });
    }
  }
}

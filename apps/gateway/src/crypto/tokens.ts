import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** SHA-256 of an opaque token, hex. Refresh tokens are stored only in this form. */
export const hashToken = (token: string): string => createHash('sha256').update(token, 'utf8').digest('hex');

export const sameHash = (a: string, b: string): boolean => {
  const x = Buffer.from(a, 'hex');
  const y = Buffer.from(b, 'hex');
  return x.length === y.length && x.length > 0 && timingSafeEqual(x, y);
};

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * Refresh tokens are `<tenantId>.<sessionId>.<secret>`: the two ids are not secret and let the
 * gateway open the right tenant's transaction (RLS) and lock the session row; only the 256-bit
 * secret part makes the token unguessable, and only the hash of the whole token is stored.
 */
export interface RefreshTokenParts {
  tenantId: string;
  sessionId: string;
}

export function newRefreshToken(tenantId: string, sessionId: string): string {
  return `${tenantId}.${sessionId}.${randomBytes(32).toString('base64url')}`;
}

export function parseRefreshToken(token: string): RefreshTokenParts | null {
  const parts = token.split('.');
  if (parts.length !== 3) return null;
  const [tenantId, sessionId, secret] = parts;
  if (!UUID.test(tenantId) || !UUID.test(sessionId) || !/^[A-Za-z0-9_-]{43}$/.test(secret)) return null;
  return { tenantId, sessionId };
}

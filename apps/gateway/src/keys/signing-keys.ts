import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { calculateJwkThumbprint, exportJWK, type JWK } from 'jose';
import type { ServiceDatabase } from '@supra/platform/database';
import { DomainError } from '@supra/platform/errors';
import type { SecretBox } from '../crypto/secret-box';

export type SigningAlg = 'EdDSA' | 'ES256';

export interface SigningKey {
  kid: string;
  alg: SigningAlg;
  privateKey: KeyObject;
}

export interface PublicJwk extends JWK {
  kid: string;
  alg: SigningAlg;
  use: 'sig';
}

/** The key that signs (the newest active one) and every key still published for verification. */
export interface KeyRing {
  signing: SigningKey;
  published: PublicJwk[];
}

function algOf(key: KeyObject): SigningAlg {
  if (key.asymmetricKeyType === 'ed25519') return 'EdDSA';
  if (key.asymmetricKeyType === 'ec' && key.asymmetricKeyDetails?.namedCurve === 'prime256v1') return 'ES256';
  throw new DomainError('GATEWAY.SIGNING_KEY_UNSUPPORTED', 'JWT_PRIVATE_KEY must be an Ed25519 or P-256 private key', { status: 500 });
}

async function publicJwk(privateKey: KeyObject, kid: string, alg: SigningAlg): Promise<PublicJwk> {
  const jwk = await exportJWK(createPublicKey(privateKey));
  return { ...jwk, kid, alg, use: 'sig' };
}

/** A key given in the environment (PEM, literal `\n` accepted) wins; nothing is stored then. */
export async function keyRingFromPem(pem: string, kid?: string): Promise<KeyRing> {
  const privateKey = createPrivateKey(pem.replace(/\\n/g, '\n'));
  const alg = algOf(privateKey);
  const id = kid ?? (await calculateJwkThumbprint(await exportJWK(createPublicKey(privateKey))));
  return { signing: { kid: id, alg, privateKey }, published: [await publicJwk(privateKey, id, alg)] };
}

interface KeyRow {
  kid: string;
  alg: SigningAlg;
  public_jwk: PublicJwk;
  private_key_sealed: string;
}

type Querier = { query(sql: string, params?: unknown[]): Promise<unknown> };

async function insertNewKey(em: Querier, box: SecretBox): Promise<string> {
  const { privateKey } = generateKeyPairSync('ed25519');
  const jwk = await exportJWK(createPublicKey(privateKey));
  const kid = await calculateJwkThumbprint(jwk);
  const pub = await publicJwk(privateKey, kid, 'EdDSA');
  const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  // clock_timestamp(), not now(): two keys made in one transaction must still order by creation.
  await em.query(
    `INSERT INTO identity.signing_keys (kid, alg, public_jwk, private_key_sealed, created_at) VALUES ($1, $2, $3, $4, clock_timestamp())`,
    [kid, 'EdDSA', JSON.stringify(pub), box.seal(pem, `signing-key:${kid}`)],
  );
  return kid;
}

/**
 * Keys kept in `identity.signing_keys`, the private half sealed with AES-256-GCM under
 * SUPRA_SECRET_KEY. The first gateway to boot generates an Ed25519 key (under an advisory lock, so
 * two booting at once agree on one). Key rotation: insert a new key, then mark the old one retired
 * once its last tokens have expired; every instance reloads the ring on an unknown `kid`.
 */
export async function loadKeyRing(db: ServiceDatabase, box: SecretBox): Promise<KeyRing> {
  return db.asSystem(async (em) => {
    const read = async () =>
      (await em.query(
        `SELECT kid, alg, public_jwk, private_key_sealed FROM identity.signing_keys WHERE status = 'active' ORDER BY created_at DESC, kid`,
      )) as KeyRow[];
    let rows = await read();
    if (!rows.length) {
      await em.query(`SELECT pg_advisory_xact_lock(hashtext('supra-identity-signing-key'))`);
      rows = await read();
      if (!rows.length) {
        await insertNewKey(em, box);
        rows = await read();
      }
    }
    const newest = rows[0];
    const privateKey = createPrivateKey(box.open(newest.private_key_sealed, `signing-key:${newest.kid}`).toString());
    return {
      signing: { kid: newest.kid, alg: newest.alg, privateKey },
      published: rows.map((r) => r.public_jwk),
    };
  });
}

export interface SigningKeyInfo {
  kid: string;
  alg: SigningAlg;
  status: 'active' | 'retired';
  /** The newest active key: the one that signs new tokens. */
  signing: boolean;
  createdAt: string;
  retiredAt: string | null;
  /** For an active key that no longer signs: from when retiring it cannot cut off a valid token. */
  safeToRetireAfter: string | null;
}

export const SigningKeyErrors = {
  fromEnvironment: () =>
    new DomainError('GATEWAY.SIGNING_KEY_FROM_ENV', 'The signing key comes from JWT_PRIVATE_KEY: rotate it in the environment', { status: 409 }),
  notFound: (kid: string) => new DomainError('GATEWAY.SIGNING_KEY_NOT_FOUND', `No signing key ${kid}`, { status: 404, details: { kid } }),
  inUse: (kid: string) =>
    new DomainError('GATEWAY.SIGNING_KEY_IN_USE', 'This key signs new tokens: rotate first, then retire it', { status: 409, details: { kid } }),
  stillVerifying: (kid: string, after: string) =>
    new DomainError('GATEWAY.SIGNING_KEY_STILL_VERIFYING', 'Tokens signed with this key may still be valid; retire it later or with force', {
      status: 409,
      details: { kid, safeToRetireAfter: after },
    }),
};

interface KeyInfoRow {
  kid: string;
  alg: SigningAlg;
  status: 'active' | 'retired';
  created_at: Date;
  retired_at: Date | null;
}

/**
 * An active key stops signing when a newer one is created; instances notice within
 * `refreshSeconds`, and what they signed until then lives `ttlSeconds` more.
 */
export function listSigningKeys(db: ServiceDatabase, lifetimes: { ttlSeconds: number; refreshSeconds: number }): Promise<SigningKeyInfo[]> {
  return db.asSystem(async (em) => {
    const rows = (await em.query(
      `SELECT kid, alg, status, created_at, retired_at FROM identity.signing_keys ORDER BY created_at DESC, kid`,
    )) as KeyInfoRow[];
    const active = rows.filter((r) => r.status === 'active');
    return rows.map((r) => {
      const successor = active.filter((a) => a.created_at > r.created_at).at(-1);
      const safe = r.status === 'active' && successor
        ? new Date(successor.created_at.getTime() + (lifetimes.ttlSeconds + lifetimes.refreshSeconds) * 1000).toISOString()
        : null;
      return {
        kid: r.kid,
        alg: r.alg,
        status: r.status,
        signing: r === active[0],
        createdAt: r.created_at.toISOString(),
        retiredAt: r.retired_at ? r.retired_at.toISOString() : null,
        safeToRetireAfter: safe,
      };
    });
  });
}

/** A new Ed25519 key becomes the signing key; the old ones stay published until retired. */
export function rotateSigningKey(db: ServiceDatabase, box: SecretBox): Promise<string> {
  return db.asSystem(async (em) => {
    await em.query(`SELECT pg_advisory_xact_lock(hashtext('supra-identity-signing-key'))`);
    return insertNewKey(em, box);
  });
}

/**
 * Stops publishing a key: tokens it signed are refused from the next ring refresh on. Refused for
 * the signing key, and before `safeToRetireAfter` unless `force` (a compromised key).
 */
export async function retireSigningKey(
  db: ServiceDatabase,
  kid: string,
  opts: { force: boolean; ttlSeconds: number; refreshSeconds: number; now?: Date },
): Promise<void> {
  const keys = await listSigningKeys(db, opts);
  const key = keys.find((k) => k.kid === kid);
  if (!key) throw SigningKeyErrors.notFound(kid);
  if (key.status === 'retired') return;
  if (key.signing) throw SigningKeyErrors.inUse(kid);
  const now = opts.now ?? new Date();
  if (!opts.force && key.safeToRetireAfter && new Date(key.safeToRetireAfter) > now) throw SigningKeyErrors.stillVerifying(kid, key.safeToRetireAfter);
  await db.asSystem((em) => em.query(`UPDATE identity.signing_keys SET status = 'retired', retired_at = now() WHERE kid = $1 AND status = 'active'`, [kid]));
}

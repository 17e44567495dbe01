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
        const { privateKey } = generateKeyPairSync('ed25519');
        const jwk = await exportJWK(createPublicKey(privateKey));
        const kid = await calculateJwkThumbprint(jwk);
        const pub = await publicJwk(privateKey, kid, 'EdDSA');
        const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
        await em.query(`INSERT INTO identity.signing_keys (kid, alg, public_jwk, private_key_sealed) VALUES ($1, $2, $3, $4)`, [
          kid,
          'EdDSA',
          JSON.stringify(pub),
          box.seal(pem, `signing-key:${kid}`),
        ]);
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

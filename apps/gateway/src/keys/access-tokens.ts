import { createLocalJWKSet, errors as joseErrors, jwtVerify, SignJWT, type JWTPayload } from 'jose';
import { AuthErrors } from '../auth/auth.errors';
import type { KeyRing, PublicJwk } from './signing-keys';

/** Who is calling, as the access token says. */
export interface Principal {
  userId: string;
  tenantId: string;
  tenantSlug: string;
  permissions: string[];
  sessionId: string;
  /** `totp_setup`: an admin who must enrol TOTP; the token opens only the TOTP set-up routes. */
  scope?: 'totp_setup';
}

export const TOTP_SETUP_SCOPE = 'totp_setup' as const;

interface Claims extends JWTPayload {
  tid: string;
  tslug: string;
  perms: string[];
  sid: string;
  scope?: string;
}

export interface AccessTokenOptions {
  issuer: string;
  audience: string;
  ttlSeconds: number;
  /** Milliseconds since the epoch; tests move it. */
  now?: () => number;
  /** Called on an unknown `kid`: another instance may have rotated the key. */
  reload?: () => Promise<KeyRing>;
}

/**
 * Short-lived access JWTs signed with the gateway's asymmetric key (EdDSA or ES256, `kid` in the
 * header), verified against the published key set only: `alg: none`, HMAC, a foreign key, an
 * unknown `kid`, a wrong issuer or audience and an expired token are all refused.
 */
export class AccessTokens {
  private verifier: ReturnType<typeof createLocalJWKSet>;
  private lastReload = 0;

  constructor(
    private ring: KeyRing,
    private readonly opts: AccessTokenOptions,
  ) {
    this.verifier = createLocalJWKSet({ keys: ring.published });
  }

  private now(): number {
    return this.opts.now ? this.opts.now() : Date.now();
  }

  /** Re-reads the stored keys: picks up a rotation (new signing key) or a retirement (key no longer accepted). */
  async refresh(): Promise<void> {
    if (!this.opts.reload) return;
    this.lastReload = this.now();
    this.ring = await this.opts.reload();
    this.verifier = createLocalJWKSet({ keys: this.ring.published });
  }

  get signingKid(): string {
    return this.ring.signing.kid;
  }

  jwks(): { keys: PublicJwk[] } {
    return { keys: this.ring.published };
  }

  async sign(p: Principal, ttlSeconds = this.opts.ttlSeconds): Promise<{ token: string; expiresIn: number }> {
    const iat = Math.floor(this.now() / 1000);
    const claims: Claims = { tid: p.tenantId, tslug: p.tenantSlug, perms: p.permissions, sid: p.sessionId };
    if (p.scope) claims.scope = p.scope;
    const token = await new SignJWT(claims)
      .setProtectedHeader({ alg: this.ring.signing.alg, kid: this.ring.signing.kid, typ: 'JWT' })
      .setSubject(p.userId)
      .setIssuer(this.opts.issuer)
      .setAudience(this.opts.audience)
      .setIssuedAt(iat)
      .setExpirationTime(iat + ttlSeconds)
      .sign(this.ring.signing.privateKey);
    return { token, expiresIn: ttlSeconds };
  }

  async verify(token: string): Promise<Principal> {
    try {
      return await this.verifyOnce(token);
    } catch (e) {
      if (e instanceof joseErrors.JWKSNoMatchingKey && this.opts.reload && this.now() - this.lastReload > 30_000) {
        await this.refresh();
        try {
          return await this.verifyOnce(token);
        } catch (again) {
          throw this.mapError(again);
        }
      }
      throw this.mapError(e);
    }
  }

  private async verifyOnce(token: string): Promise<Principal> {
    const { payload } = await jwtVerify<Claims>(token, this.verifier, {
      issuer: this.opts.issuer,
      audience: this.opts.audience,
      algorithms: ['EdDSA', 'ES256'],
      currentDate: new Date(this.now()),
      requiredClaims: ['sub', 'exp', 'iat', 'tid', 'tslug', 'sid'],
    });
    if (!Array.isArray(payload.perms) || payload.perms.some((x) => typeof x !== 'string')) {
      throw new joseErrors.JWTClaimValidationFailed('perms must be an array of strings', payload, 'perms', 'invalid');
    }
    return {
      userId: String(payload.sub),
      tenantId: payload.tid,
      tenantSlug: payload.tslug,
      permissions: payload.perms,
      sessionId: payload.sid,
      ...(payload.scope === TOTP_SETUP_SCOPE ? { scope: TOTP_SETUP_SCOPE } : {}),
    };
  }

  private mapError(e: unknown): Error {
    if (e instanceof joseErrors.JWTExpired) return AuthErrors.tokenExpired();
    if (e instanceof joseErrors.JWKSNoMatchingKey) return AuthErrors.tokenInvalid('unknown key');
    if (e instanceof joseErrors.JWSSignatureVerificationFailed) return AuthErrors.tokenInvalid('bad signature');
    if (e instanceof joseErrors.JOSEAlgNotAllowed) return AuthErrors.tokenInvalid('algorithm not allowed');
    if (e instanceof joseErrors.JWTClaimValidationFailed) return AuthErrors.tokenInvalid(`claim ${e.claim} ${e.reason}`);
    if (e instanceof joseErrors.JOSEError) return AuthErrors.tokenInvalid('malformed');
    return AuthErrors.tokenInvalid('malformed');
  }
}

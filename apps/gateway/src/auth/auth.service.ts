import { Inject, Injectable } from '@nestjs/common';
import { v7 as uuidv7 } from 'uuid';
import { ServiceDatabase } from '@supra/platform/database';
import { SERVICE_ENV } from '@supra/platform/runtime';
import { effectivePermissions } from '@supra/platform/tenancy';
import type { DomainError } from '@supra/platform/errors';
import { burnPasswordCheck, verifyPassword } from '../crypto/passwords';
import { SecretBox } from '../crypto/secret-box';
import { hashToken, newRefreshToken, parseRefreshToken, sameHash } from '../crypto/tokens';
import { generateTotpSecret, otpauthUri, verifyTotp } from '../crypto/totp';
import type { GatewayEnv } from '../gateway.env';
import { TenantsRepository, type TenantRow } from '../identity/tenants.repository';
import { UsersRepository, type UserRow } from '../identity/users.repository';
import { SessionsRepository, toSessionView } from '../identity/sessions.repository';
import { RedisStore } from '../http/redis-store';
import { AccessTokens, TOTP_SETUP_SCOPE, type Principal } from '../keys/access-tokens';
import { AuthErrors } from './auth.errors';
import type { LoginRequest, MeResponse, SessionView, TokenResponse, TotpSetupResponse } from './dto/auth.dto';

export const ADMIN_ROLE = 'admin';

export interface ClientMeta {
  ip?: string;
  userAgent?: string;
}

/** The clock, injectable so tests can move time. */
export const CLOCK = Symbol('CLOCK');
export type Clock = () => number;

type Outcome<T> = { ok: T } | { error: DomainError };

/** Admins must enrol TOTP unless their tenant turned the requirement off (the demo tenants do). */
export const totpRequiredFor = (tenant: Pick<TenantRow, 'settings'>, roleNames: string[]): boolean =>
  roleNames.includes(ADMIN_ROLE) && tenant.settings?.requireTotpForAdmins !== false;

/**
 * Sign-in, refresh, sign-out and TOTP enrolment. Failures that must be remembered (failed attempts,
 * a reused refresh token) are returned from the transaction, not thrown in it, so they commit.
 */
@Injectable()
export class AuthService {
  constructor(
    private readonly db: ServiceDatabase,
    private readonly tenants: TenantsRepository,
    private readonly users: UsersRepository,
    private readonly sessions: SessionsRepository,
    private readonly tokens: AccessTokens,
    private readonly box: SecretBox,
    private readonly store: RedisStore,
    @Inject(SERVICE_ENV) private readonly env: GatewayEnv,
    @Inject(CLOCK) private readonly now: Clock,
  ) {}

  async login(req: LoginRequest, meta: ClientMeta): Promise<TokenResponse> {
    const tenant = await this.db.asSystem(() => this.tenants.bySlug(req.tenant));
    if (!tenant) {
      await burnPasswordCheck(req.password);
      throw AuthErrors.invalidCredentials();
    }
    const outcome = await this.db.withTenant({ tenantId: tenant.id, tenantSlug: tenant.slug }, async (): Promise<Outcome<{ principal: Principal; refreshToken?: string }>> => {
      const user = await this.users.byEmailForUpdate(req.email);
      if (!user) {
        await burnPasswordCheck(req.password);
        return { error: AuthErrors.invalidCredentials() };
      }
      if (user.lockedUntil && user.lockedUntil.getTime() > this.now()) return { error: AuthErrors.accountLocked(user.lockedUntil) };
      if (!(await verifyPassword(user.passwordHash, req.password))) return { error: await this.failure(user, AuthErrors.invalidCredentials()) };
      if (user.status !== 'active') return { error: AuthErrors.accountDisabled() };
      if (tenant.status !== 'active') return { error: AuthErrors.tenantInactive() };

      const roles = await this.users.roles(user.id);
      const permissions = effectivePermissions(roles);
      if (user.totpEnabled) {
        if (!req.totp) return { error: AuthErrors.totpRequired() };
        const step = this.checkTotp(user, req.totp);
        if (step === null) return { error: await this.failure(user, AuthErrors.totpInvalid()) };
        await this.users.update(user.id, { totpLastStep: String(step) });
      } else if (totpRequiredFor(tenant, roles.map((r) => r.name))) {
        await this.users.update(user.id, { failedAttempts: 0, lockedUntil: null });
        const principal: Principal = { userId: user.id, tenantId: tenant.id, tenantSlug: tenant.slug, permissions: [], sessionId: uuidv7(), scope: TOTP_SETUP_SCOPE };
        return { ok: { principal } };
      }

      await this.users.update(user.id, { failedAttempts: 0, lockedUntil: null, lastLoginAt: new Date(this.now()) });
      const sessionId = uuidv7();
      const refreshToken = newRefreshToken(tenant.id, sessionId);
      await this.sessions.insert({
        id: sessionId,
        tenantId: tenant.id,
        userId: user.id,
        deviceName: req.deviceName,
        userAgent: meta.userAgent,
        ip: meta.ip,
        tokenHash: hashToken(refreshToken),
        expiresAt: new Date(this.now() + this.env.REFRESH_TOKEN_TTL_SECONDS * 1000),
      });
      return { ok: { principal: { userId: user.id, tenantId: tenant.id, tenantSlug: tenant.slug, permissions, sessionId }, refreshToken } };
    });
    if ('error' in outcome) throw outcome.error;
    const { principal, refreshToken } = outcome.ok;
    if (principal.scope === TOTP_SETUP_SCOPE) {
      const { token, expiresIn } = await this.tokens.sign(principal, this.env.TOTP_SETUP_TOKEN_TTL_SECONDS);
      return { accessToken: token, expiresIn, tokenType: 'Bearer', scope: TOTP_SETUP_SCOPE };
    }
    const { token, expiresIn } = await this.tokens.sign(principal);
    return { accessToken: token, refreshToken, expiresIn, tokenType: 'Bearer' };
  }

  private checkTotp(user: UserRow, code: string): number | null {
    if (!user.totpSecretSealed) return null;
    const secret = this.box.open(user.totpSecretSealed, `totp:${user.id}`).toString();
    const step = verifyTotp(secret, code, Math.floor(this.now() / 1000));
    // A code is good once: the same (or an earlier) step cannot be replayed.
    if (step === null || (user.totpLastStep !== null && step <= Number(user.totpLastStep))) return null;
    return step;
  }

  private async failure(user: UserRow, error: DomainError): Promise<DomainError> {
    await this.users.registerFailure(user.id, this.env.LOGIN_MAX_FAILURES, this.env.LOGIN_LOCK_MINUTES);
    return error;
  }

  async refresh(refreshToken: string): Promise<TokenResponse> {
    const parts = parseRefreshToken(refreshToken);
    if (!parts) throw AuthErrors.refreshInvalid();
    const tenant = await this.db.asSystem(() => this.tenants.byId(parts.tenantId));
    if (!tenant || tenant.status !== 'active') throw AuthErrors.refreshInvalid();
    const presented = hashToken(refreshToken);
    const outcome = await this.db.withTenant({ tenantId: tenant.id, tenantSlug: tenant.slug }, async (): Promise<Outcome<{ principal: Principal; refreshToken: string }>> => {
      const s = await this.sessions.byIdForUpdate(parts.sessionId);
      if (!s || s.revokedAt) return { error: AuthErrors.refreshInvalid() };
      if (s.rotatedTokenHashes.some((h) => sameHash(h, presented))) {
        // Someone holds an old token of this family: the thief or the owner. Kill the family.
        await this.sessions.revoke(s.id, 'refresh_reuse');
        return { error: AuthErrors.refreshReused() };
      }
      if (!sameHash(s.currentTokenHash, presented) || s.expiresAt.getTime() <= this.now()) return { error: AuthErrors.refreshInvalid() };
      const user = await this.users.byId(s.userId);
      if (!user || user.status !== 'active') {
        await this.sessions.revoke(s.id, 'user_disabled');
        return { error: AuthErrors.refreshInvalid() };
      }
      const permissions = effectivePermissions(await this.users.roles(user.id));
      const next = newRefreshToken(tenant.id, s.id);
      await this.sessions.rotate(s.id, s.currentTokenHash, hashToken(next));
      return { ok: { principal: { userId: user.id, tenantId: tenant.id, tenantSlug: tenant.slug, permissions, sessionId: s.id }, refreshToken: next } };
    });
    if ('error' in outcome) {
      if (outcome.error.code === 'AUTH.REFRESH_REUSED') await this.store.revokeSessions([parts.sessionId], this.env.ACCESS_TOKEN_TTL_SECONDS);
      throw outcome.error;
    }
    const { token, expiresIn } = await this.tokens.sign(outcome.ok.principal);
    return { accessToken: token, refreshToken: outcome.ok.refreshToken, expiresIn, tokenType: 'Bearer' };
  }

  async logout(p: Principal): Promise<void> {
    await this.db.withTenant(this.ctx(p), () => this.sessions.revoke(p.sessionId, 'logout', p.userId));
    await this.store.revokeSessions([p.sessionId], this.env.ACCESS_TOKEN_TTL_SECONDS);
  }

  /** The caller's open device sessions, so a user can see where they are signed in. */
  async listSessions(p: Principal): Promise<SessionView[]> {
    const rows = await this.db.withTenant(this.ctx(p), () => this.sessions.openOfUser(p.userId));
    return rows.map((r) => toSessionView(r, p.sessionId));
  }

  /** Signs out one of the caller's own sessions (a lost phone); another user's id is not found. */
  async revokeOwnSession(p: Principal, sessionId: string): Promise<void> {
    const revoked = await this.db.withTenant(this.ctx(p), () => this.sessions.revoke(sessionId, 'revoked_by_user', p.userId));
    if (!revoked) throw AuthErrors.sessionNotFound(sessionId);
    await this.store.revokeSessions([sessionId], this.env.ACCESS_TOKEN_TTL_SECONDS);
  }

  async me(p: Principal): Promise<MeResponse> {
    return this.db.withTenant(this.ctx(p), async () => {
      const user = await this.users.byId(p.userId);
      if (!user) throw AuthErrors.tokenInvalid('user not found');
      const roles = await this.users.roles(user.id);
      return {
        userId: user.id,
        tenantId: p.tenantId,
        tenant: p.tenantSlug,
        email: user.email,
        name: user.name,
        roles: roles.map((r) => r.name),
        permissions: p.permissions,
        totpEnabled: user.totpEnabled,
        sessionId: p.sessionId,
      };
    });
  }

  /** Starts (or restarts) enrolment: a new secret, stored sealed, enabled only once a code is verified. */
  async totpSetup(p: Principal): Promise<TotpSetupResponse> {
    return this.db.withTenant(this.ctx(p), async () => {
      const user = await this.users.byId(p.userId, true);
      if (!user) throw AuthErrors.tokenInvalid('user not found');
      if (user.totpEnabled) throw AuthErrors.totpAlreadyEnabled();
      const secret = generateTotpSecret();
      await this.users.update(user.id, { totpSecretSealed: this.box.seal(secret, `totp:${user.id}`), totpLastStep: null });
      return { secret, otpauthUri: otpauthUri(secret, `SUPRA ${p.tenantSlug}`, user.email) };
    });
  }

  async totpVerify(p: Principal, code: string): Promise<{ totpEnabled: true }> {
    return this.db.withTenant(this.ctx(p), async () => {
      const user = await this.users.byId(p.userId, true);
      if (!user) throw AuthErrors.tokenInvalid('user not found');
      if (user.totpEnabled) throw AuthErrors.totpAlreadyEnabled();
      if (!user.totpSecretSealed) throw AuthErrors.totpNotPending();
      const step = this.checkTotp(user, code);
      if (step === null) throw AuthErrors.totpInvalid();
      await this.users.update(user.id, { totpEnabled: true, totpLastStep: String(step) });
      return { totpEnabled: true as const };
    });
  }

  private ctx(p: Principal) {
    return { tenantId: p.tenantId, tenantSlug: p.tenantSlug, userId: p.userId, permissions: p.permissions };
  }
}

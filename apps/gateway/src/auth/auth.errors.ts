import { DomainError, notFound } from '@supra/platform/errors';

/** Authentication and authorisation failures. Codes are stable: clients and tests match on them. */
export const AuthErrors = {
  invalidCredentials: () => new DomainError('AUTH.INVALID_CREDENTIALS', 'Email, password or tenant is not valid', { status: 401 }),
  accountLocked: (until: Date) =>
    new DomainError('AUTH.ACCOUNT_LOCKED', 'The account is locked after repeated failed sign-ins', {
      status: 423,
      details: { lockedUntil: until.toISOString() },
    }),
  accountDisabled: () => new DomainError('AUTH.ACCOUNT_DISABLED', 'The account is disabled', { status: 403 }),
  tenantInactive: () => new DomainError('AUTH.TENANT_INACTIVE', 'The tenant is not active', { status: 403 }),
  totpRequired: () => new DomainError('AUTH.TOTP_REQUIRED', 'A TOTP code is required for this account', { status: 401 }),
  totpInvalid: () => new DomainError('AUTH.TOTP_INVALID', 'The TOTP code is not valid', { status: 401 }),
  totpNotPending: () => new DomainError('AUTH.TOTP_NOT_PENDING', 'Start TOTP set-up first (POST /auth/totp/setup)', { status: 409 }),
  totpAlreadyEnabled: () => new DomainError('AUTH.TOTP_ALREADY_ENABLED', 'TOTP is already enabled for this account', { status: 409 }),
  totpSetupOnly: () =>
    new DomainError('AUTH.TOTP_SETUP_REQUIRED', 'This token only allows TOTP set-up: enrol TOTP, then sign in again', { status: 403 }),
  tokenMissing: () => new DomainError('AUTH.UNAUTHENTICATED', 'A bearer access token is required', { status: 401 }),
  tokenExpired: () => new DomainError('AUTH.TOKEN_EXPIRED', 'The access token has expired', { status: 401 }),
  tokenInvalid: (reason: string) => new DomainError('AUTH.TOKEN_INVALID', 'The access token is not valid', { status: 401, details: { reason } }),
  sessionRevoked: () => new DomainError('AUTH.SESSION_REVOKED', 'The session has been signed out', { status: 401 }),
  sessionNotFound: (id: string) => notFound('AUTH.SESSION_NOT_FOUND', 'Session', id),
  refreshInvalid: () => new DomainError('AUTH.REFRESH_INVALID', 'The refresh token is not valid or has expired', { status: 401 }),
  refreshReused: () =>
    new DomainError('AUTH.REFRESH_REUSED', 'A refresh token was used twice: the session has been revoked', { status: 401 }),
  tenantMismatch: (url: string, token: string) =>
    new DomainError('AUTH.TENANT_MISMATCH', 'The tenant in the URL is not the tenant of the token', {
      status: 403,
      details: { urlTenant: url, tokenTenant: token },
    }),
  forbidden: (required: string) =>
    new DomainError('AUTH.FORBIDDEN', 'You do not have permission for this action', { status: 403, details: { required } }),
  routeNotGuarded: () => new DomainError('AUTH.ROUTE_NOT_GUARDED', 'This route declares no access rule', { status: 403 }),
  rateLimited: (scope: 'ip' | 'user', retryAfterSeconds: number) =>
    new DomainError('GATEWAY.RATE_LIMITED', 'Too many requests', { status: 429, retryable: true, details: { scope, retryAfterSeconds } }),
} as const;

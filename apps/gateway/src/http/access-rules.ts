import { applyDecorators, SetMetadata } from '@nestjs/common';
import type { Reflector } from '@nestjs/core';
import { ApiBearerAuth } from '@nestjs/swagger';
import { IS_PUBLIC, Public } from '@supra/platform/runtime';
import { hasPermission } from '@supra/platform/tenancy';
import { AuthErrors } from '../auth/auth.errors';
import type { Principal } from '../keys/access-tokens';

export { Public, IS_PUBLIC };

export const REQUIRED_PERMISSION = 'supra:permission';
export const AUTHENTICATED_ONLY = 'supra:authenticated';
export const ALLOW_TOTP_SETUP = 'supra:totp-setup';

/** The bearer scheme name in the OpenAPI document. */
export const BEARER = 'bearer';

/** The route needs a signed-in user holding `permission` (directly, by `module.*` or `*`). */
export const RequirePermission = (permission: string): MethodDecorator & ClassDecorator =>
  applyDecorators(SetMetadata(REQUIRED_PERMISSION, permission), ApiBearerAuth(BEARER));

/** The route needs a signed-in user and no particular permission (own profile, logout). */
export const Authenticated = (): MethodDecorator & ClassDecorator => applyDecorators(SetMetadata(AUTHENTICATED_ONLY, true), ApiBearerAuth(BEARER));

/** A `totp_setup` token (admin who has not enrolled TOTP yet) may call this route; no other route. */
export const AllowTotpSetupToken = (): MethodDecorator & ClassDecorator => SetMetadata(ALLOW_TOTP_SETUP, true);

export type RouteRule =
  | { kind: 'public' }
  | { kind: 'authenticated'; allowTotpSetup: boolean }
  | { kind: 'permission'; permission: string; allowTotpSetup: boolean };

type Target = Parameters<Reflector['getAllAndOverride']>[1][number];

/** The access rule declared on a handler (method metadata wins over the class), or null when none is. */
export function readRouteRule(reflector: Pick<Reflector, 'getAllAndOverride'>, targets: Target[]): RouteRule | null {
  const allowTotpSetup = reflector.getAllAndOverride<boolean>(ALLOW_TOTP_SETUP, targets) === true;
  const permission = reflector.getAllAndOverride<string>(REQUIRED_PERMISSION, targets);
  if (permission) return { kind: 'permission', permission, allowTotpSetup };
  if (reflector.getAllAndOverride<boolean>(AUTHENTICATED_ONLY, targets)) return { kind: 'authenticated', allowTotpSetup };
  if (reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets)) return { kind: 'public' };
  return null;
}

export interface AuthorizeOptions {
  /** `platform.*` permissions count only for users of this tenant, so a tenant's `*` admin is not a platform operator. */
  platformTenantSlug: string;
}

/**
 * The decision for a signed-in caller, pure: tenant of the URL against the token's, the
 * TOTP-set-up scope, then the permission. Throws the DomainError to answer with.
 */
export function authorize(rule: RouteRule, p: Principal, urlTenant: string | undefined, opts: AuthorizeOptions): void {
  if (rule.kind === 'public') return;
  if (urlTenant !== undefined && urlTenant !== p.tenantSlug) throw AuthErrors.tenantMismatch(urlTenant, p.tenantSlug);
  if (p.scope === 'totp_setup' && !rule.allowTotpSetup) throw AuthErrors.totpSetupOnly();
  if (rule.kind === 'authenticated') return;
  const isPlatform = rule.permission === 'platform' || rule.permission.startsWith('platform.');
  if (!hasPermission(p.permissions, rule.permission) || (isPlatform && p.tenantSlug !== opts.platformTenantSlug)) {
    throw AuthErrors.forbidden(rule.permission);
  }
}

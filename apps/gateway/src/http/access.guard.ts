import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { SERVICE_ENV } from '@supra/platform/runtime';
import { AuthErrors } from '../auth/auth.errors';
import type { GatewayEnv } from '../gateway.env';
import { AccessTokens } from '../keys/access-tokens';
import { authorize, readRouteRule } from './access-rules';
import type { GatewayRequest } from './gateway-request';
import { RedisStore } from './redis-store';

export const PLATFORM_TENANT_SLUG = 'platform';

/**
 * The one global guard, in this order: the route must declare an access rule (else 403: no
 * route is open by omission); the client IP's rate limit; for non-public routes the bearer token
 * (signature, expiry, audience, revoked session), the URL tenant, the TOTP set-up scope and the
 * permission; then the user's rate limit.
 */
@Injectable()
export class AccessGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly tokens: AccessTokens,
    private readonly store: RedisStore,
    @Inject(SERVICE_ENV) private readonly env: GatewayEnv,
  ) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    if (ctx.getType() !== 'http') return true; // RPC/events are the JetStream strategy's business
    const req = ctx.switchToHttp().getRequest<GatewayRequest>();
    const rule = readRouteRule(this.reflector, [ctx.getHandler(), ctx.getClass()]);
    if (!rule) throw AuthErrors.routeNotGuarded();

    await this.limit('ip', `ip:${req.ip ?? 'unknown'}`, this.env.RATE_LIMIT_PER_IP);
    if (rule.kind === 'public') return true;

    const header = req.get('authorization') ?? '';
    const m = /^Bearer\s+(\S+)$/i.exec(header);
    if (!m) throw AuthErrors.tokenMissing();
    const principal = await this.tokens.verify(m[1]);
    if (await this.store.isSessionRevoked(principal.sessionId)) throw AuthErrors.sessionRevoked();
    const urlTenant = typeof req.params?.tenant === 'string' ? req.params.tenant : undefined;
    authorize(rule, principal, urlTenant, { platformTenantSlug: PLATFORM_TENANT_SLUG });
    await this.limit('user', `user:${principal.tenantId}:${principal.userId}`, this.env.RATE_LIMIT_PER_USER);
    req.principal = principal;
    return true;
  }

  private async limit(scope: 'ip' | 'user', bucket: string, limit: number): Promise<void> {
    const r = await this.store.hit(bucket, limit, this.env.RATE_LIMIT_WINDOW_MS);
    if (!r.allowed) throw AuthErrors.rateLimited(scope, Math.max(1, Math.ceil(r.resetMs / 1000)));
  }
}

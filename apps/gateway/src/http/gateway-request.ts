import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import type { RequestContext } from '@supra/platform/tenancy';
import { AuthErrors } from '../auth/auth.errors';
import type { Principal } from '../keys/access-tokens';

/** An Express request after the gateway's middleware (request id) and guard (principal). */
export interface GatewayRequest extends Request {
  requestId?: string;
  principal?: Principal;
}

/** The signed-in caller; only on routes the guard authenticated. */
export const CurrentPrincipal = createParamDecorator((_: unknown, ctx: ExecutionContext): Principal => {
  const p = ctx.switchToHttp().getRequest<GatewayRequest>().principal;
  if (!p) throw AuthErrors.tokenMissing();
  return p;
});

/** What travels to a service with a forwarded request (NATS headers) and into `db.withTenant`. */
export function requestContextOf(req: GatewayRequest): RequestContext {
  const p = req.principal;
  if (!p) throw AuthErrors.tokenMissing();
  return {
    tenantId: p.tenantId,
    tenantSlug: p.tenantSlug,
    userId: p.userId,
    permissions: p.permissions,
    requestId: req.requestId,
    correlationId: req.requestId,
  };
}

export const CurrentRequestContext = createParamDecorator((_: unknown, ctx: ExecutionContext): RequestContext =>
  requestContextOf(ctx.switchToHttp().getRequest<GatewayRequest>()),
);

export const ClientMetaOf = createParamDecorator((_: unknown, ctx: ExecutionContext) => {
  const req = ctx.switchToHttp().getRequest<GatewayRequest>();
  return { ip: req.ip, userAgent: req.get('user-agent') ?? undefined };
});

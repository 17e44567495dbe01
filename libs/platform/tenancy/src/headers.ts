import type { RequestContext } from './request-context';

/** Header names that carry the request context on NATS request/reply. */
export const CONTEXT_HEADERS = {
  tenantId: 'supra-tenant-id',
  tenantSlug: 'supra-tenant-slug',
  userId: 'supra-user-id',
  permissions: 'supra-permissions',
  requestId: 'x-request-id',
  correlationId: 'supra-correlation-id',
} as const;

export function contextToHeaders(ctx: RequestContext): Record<string, string> {
  const h: Record<string, string> = { [CONTEXT_HEADERS.tenantId]: ctx.tenantId };
  if (ctx.tenantSlug) h[CONTEXT_HEADERS.tenantSlug] = ctx.tenantSlug;
  if (ctx.userId) h[CONTEXT_HEADERS.userId] = ctx.userId;
  if (ctx.permissions) h[CONTEXT_HEADERS.permissions] = ctx.permissions.join(',');
  if (ctx.requestId) h[CONTEXT_HEADERS.requestId] = ctx.requestId;
  if (ctx.correlationId) h[CONTEXT_HEADERS.correlationId] = ctx.correlationId;
  return h;
}

export function contextFromHeaders(get: (name: string) => string | undefined): RequestContext | undefined {
  const tenantId = get(CONTEXT_HEADERS.tenantId);
  if (!tenantId) return undefined;
  const perms = get(CONTEXT_HEADERS.permissions);
  return {
    tenantId,
    tenantSlug: get(CONTEXT_HEADERS.tenantSlug) || undefined,
    userId: get(CONTEXT_HEADERS.userId) || undefined,
    permissions: perms ? perms.split(',').filter(Boolean) : [],
    requestId: get(CONTEXT_HEADERS.requestId) || undefined,
    correlationId: get(CONTEXT_HEADERS.correlationId) || undefined,
  };
}

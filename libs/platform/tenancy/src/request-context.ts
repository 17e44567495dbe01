import { AsyncLocalStorage } from 'node:async_hooks';
import { CommonErrors } from '@supra/platform/errors';

/**
 * Who is acting and for which tenant. Lives in AsyncLocalStorage for the duration of one HTTP
 * request, RPC call or event, so repositories and the outbox never take the tenant as a loose
 * argument that a caller could forget.
 */
export interface RequestContext {
  tenantId: string;
  tenantSlug?: string;
  userId?: string;
  permissions?: readonly string[];
  requestId?: string;
  correlationId?: string;
  causationId?: string;
}

const storage = new AsyncLocalStorage<RequestContext>();

export const TenantContext = {
  run<T>(ctx: RequestContext, fn: () => T): T {
    return storage.run(ctx, fn);
  },
  current(): RequestContext | undefined {
    return storage.getStore();
  },
  /** The current tenant id; throws TENANCY.TENANT_REQUIRED when none is set. */
  tenantId(): string {
    const ctx = storage.getStore();
    if (!ctx?.tenantId) throw CommonErrors.tenantRequired();
    return ctx.tenantId;
  },
  require(): RequestContext {
    const ctx = storage.getStore();
    if (!ctx?.tenantId) throw CommonErrors.tenantRequired();
    return ctx;
  },
};

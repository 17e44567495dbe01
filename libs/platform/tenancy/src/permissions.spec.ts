import { assertPermission, effectivePermissions, hasPermission } from './permissions';
import { contextFromHeaders, contextToHeaders } from './headers';
import { TenantContext } from './request-context';

describe('permissions', () => {
  it('are the union of a user role permissions', () => {
    expect(
      effectivePermissions([{ permissions: ['customer.read', 'billing.read'] }, { permissions: ['customer.read', 'customer.write'] }]),
    ).toEqual(['billing.read', 'customer.read', 'customer.write']);
  });

  it('match exactly, by module wildcard or by the global wildcard', () => {
    expect(hasPermission(['customer.read'], 'customer.read')).toBe(true);
    expect(hasPermission(['customer.read'], 'customer.write')).toBe(false);
    expect(hasPermission(['customer.*'], 'customer.write')).toBe(true);
    expect(hasPermission(['customer.*'], 'billing.write')).toBe(false);
    expect(hasPermission(['*'], 'billing.write')).toBe(true);
    expect(hasPermission([], 'billing.read')).toBe(false);
  });

  it('refuses a missing permission with AUTH.FORBIDDEN naming what was required', () => {
    expect(() => assertPermission(['customer.read'], 'customer.write')).toThrow(
      expect.objectContaining({ code: 'AUTH.FORBIDDEN', status: 403, details: { required: 'customer.write' } }),
    );
  });
});

describe('request context', () => {
  it('round-trips through headers', () => {
    const ctx = { tenantId: 't1', tenantSlug: 'demo', userId: 'u1', permissions: ['a.b', 'c.d'], requestId: 'r1' };
    const h = contextToHeaders(ctx);
    expect(contextFromHeaders((n) => h[n])).toEqual({ ...ctx, correlationId: undefined });
  });

  it('requires a tenant', () => {
    expect(() => TenantContext.tenantId()).toThrow(expect.objectContaining({ code: 'TENANCY.TENANT_REQUIRED' }));
    expect(TenantContext.run({ tenantId: 'x' }, () => TenantContext.tenantId())).toBe('x');
  });
});

import { Controller, Get } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { Test } from '@nestjs/testing';
import { DiscoveryModule } from '@nestjs/core';
import type { Principal } from '../keys/access-tokens';
import { unknownPermissions } from '../admin/admin.service';
import { AllowTotpSetupToken, Authenticated, authorize, Public, readRouteRule, RequirePermission, type RouteRule } from './access-rules';
import { findUnguardedRoutes } from './route-inventory';

const p = (over: Partial<Principal> = {}): Principal => ({
  userId: 'u1',
  tenantId: 't1',
  tenantSlug: 'demo',
  permissions: ['customer.persons.read'],
  sessionId: 's1',
  ...over,
});
const opts = { platformTenantSlug: 'platform' };
const perm = (permission: string, allowTotpSetup = false): RouteRule => ({ kind: 'permission', permission, allowTotpSetup });

describe('authorize (guard decision)', () => {
  it('lets public routes through without looking at anything', () => {
    expect(() => authorize({ kind: 'public' }, p({ tenantSlug: 'x', scope: 'totp_setup' }), 'other', opts)).not.toThrow();
  });

  it('checks the URL tenant before the permission', () => {
    expect(() => authorize(perm('admin.users.read'), p(), 'demo2', opts)).toThrow(expect.objectContaining({ code: 'AUTH.TENANT_MISMATCH', status: 403 }));
    expect(() => authorize(perm('customer.persons.read'), p(), 'demo', opts)).not.toThrow();
    expect(() => authorize(perm('customer.persons.read'), p(), undefined, opts)).not.toThrow();
  });

  it('refuses a missing permission with AUTH.FORBIDDEN and accepts module wildcards and *', () => {
    expect(() => authorize(perm('customer.persons.create'), p(), 'demo', opts)).toThrow(
      expect.objectContaining({ code: 'AUTH.FORBIDDEN', details: { required: 'customer.persons.create' } }),
    );
    expect(() => authorize(perm('customer.persons.create'), p({ permissions: ['customer.*'] }), 'demo', opts)).not.toThrow();
    expect(() => authorize(perm('billing.invoices.read'), p({ permissions: ['*'] }), 'demo', opts)).not.toThrow();
  });

  it('honours platform.* only for users of the platform tenant, whatever their wildcard', () => {
    expect(() => authorize(perm('platform.tenants.manage'), p({ permissions: ['*'] }), 'demo', opts)).toThrow(expect.objectContaining({ code: 'AUTH.FORBIDDEN' }));
    expect(() => authorize(perm('platform.tenants.manage'), p({ permissions: ['*'], tenantSlug: 'platform' }), 'platform', opts)).not.toThrow();
    expect(() => authorize(perm('platform.tenants.manage'), p({ permissions: ['customer.*'], tenantSlug: 'platform' }), 'platform', opts)).toThrow();
  });

  it('confines a totp_setup token to the routes that allow it', () => {
    const setup = p({ scope: 'totp_setup', permissions: [] });
    expect(() => authorize({ kind: 'authenticated', allowTotpSetup: false }, setup, undefined, opts)).toThrow(expect.objectContaining({ code: 'AUTH.TOTP_SETUP_REQUIRED' }));
    expect(() => authorize({ kind: 'authenticated', allowTotpSetup: true }, setup, undefined, opts)).not.toThrow();
    expect(() => authorize(perm('customer.persons.read'), p({ scope: 'totp_setup', permissions: ['*'] }), 'demo', opts)).toThrow(expect.objectContaining({ code: 'AUTH.TOTP_SETUP_REQUIRED' }));
  });
});

@Controller('sample')
class SampleController {
  @Public() @Get('open') open() {}
  @RequirePermission('customer.persons.read') @Get('guarded') guarded() {}
  @Authenticated() @AllowTotpSetupToken() @Get('self') self() {}
  @Get('forgotten') forgotten() {}
}

@RequirePermission('admin.users.read')
@Controller('class-level')
class ClassLevelController {
  @Get() list() {}
  @Public() @Get('override') open() {}
}

describe('route rules', () => {
  it('reads the rule of each handler, method over class, and null when none is declared', () => {
    const r = new Reflector();
    const proto = SampleController.prototype;
    expect(readRouteRule(r, [proto.open, SampleController])).toEqual({ kind: 'public' });
    expect(readRouteRule(r, [proto.guarded, SampleController])).toEqual(perm('customer.persons.read'));
    expect(readRouteRule(r, [proto.self, SampleController])).toEqual({ kind: 'authenticated', allowTotpSetup: true });
    expect(readRouteRule(r, [proto.forgotten, SampleController])).toBeNull();
    expect(readRouteRule(r, [ClassLevelController.prototype.list, ClassLevelController])).toEqual(perm('admin.users.read'));
  });

  it('the route inventory finds a route that declares nothing', async () => {
    const mod = await Test.createTestingModule({ imports: [DiscoveryModule], controllers: [SampleController, ClassLevelController] }).compile();
    const app = mod.createNestApplication();
    await app.init();
    try {
      expect(findUnguardedRoutes(app).map((x) => `${x.method} ${x.path}`)).toEqual(['GET /sample/forgotten']);
    } finally {
      await app.close();
    }
  });
});

describe('role permission check', () => {
  const catalogue = ['customer.persons.read', 'customer.persons.create', 'admin.users.read'];
  it('accepts *, known permissions and wildcards over known prefixes; names the rest', () => {
    expect(unknownPermissions(['*', 'customer.persons.read', 'customer.*', 'customer.persons.*', 'admin.*'], catalogue)).toEqual([]);
    expect(unknownPermissions(['customer.persns.read', 'billing.*', 'customer.persons.delete'], catalogue)).toEqual([
      'customer.persns.read',
      'billing.*',
      'customer.persons.delete',
    ]);
  });
});

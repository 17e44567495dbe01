import { Body, Controller, Get, HttpCode, Param, Patch, Post, Put, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import type { Page } from '@supra/contracts';
import { uuidPipe } from '../http/uuid-pipe';
import type { RequestContext } from '@supra/platform/tenancy';
import { RequirePermission } from '../http/access-rules';
import { CurrentPrincipal, CurrentRequestContext } from '../http/gateway-request';
import type { Principal } from '../keys/access-tokens';
import { SessionView } from '../auth/dto/auth.dto';
import type { SigningKeyInfo } from '../keys/signing-keys';
import { AdminService } from './admin.service';
import {
  AdminPageQuery,
  CreateRoleRequest,
  CreateTenantRequest,
  CreateUserRequest,
  ListUsersQuery,
  RetireSigningKeyRequest,
  SigningKeyView,
  RoleView,
  SetUserRolesRequest,
  TenantView,
  UpdateRoleRequest,
  UpdateUserRequest,
  UserView,
} from './dto/admin.dto';

const uuid = uuidPipe;

/** Tenant creation is a platform operator's act: `platform.*` counts only for users of the `platform` tenant. */
@ApiTags('admin: tenants')
@ApiParam({ name: 'tenant', description: 'Tenant slug (must be the token’s)' })
@Controller(':tenant/v1/admin/tenants')
export class TenantsAdminController {
  constructor(private readonly admin: AdminService) {}

  @RequirePermission('platform.tenants.manage')
  @Post()
  @ApiOperation({ summary: 'Onboard a tenant: default roles and its admin user' })
  @ApiCreatedResponse({ type: TenantView })
  create(@Body() body: CreateTenantRequest): Promise<TenantView> {
    return this.admin.createTenant(body);
  }

  @RequirePermission('platform.tenants.manage')
  @Get()
  @ApiOperation({ summary: 'List tenants' })
  list(@CurrentRequestContext() ctx: RequestContext, @Query() q: AdminPageQuery): Promise<Page<TenantView>> {
    return this.admin.listTenants(ctx, q.page, q.size);
  }
}

@ApiTags('admin: users')
@ApiParam({ name: 'tenant', description: 'Tenant slug (must be the token’s)' })
@Controller(':tenant/v1/admin/users')
export class UsersAdminController {
  constructor(private readonly admin: AdminService) {}

  @RequirePermission('admin.users.manage')
  @Post()
  @ApiOperation({ summary: 'Create a user with roles' })
  @ApiCreatedResponse({ type: UserView })
  create(@CurrentRequestContext() ctx: RequestContext, @Body() body: CreateUserRequest): Promise<UserView> {
    return this.admin.createUser(ctx, body);
  }

  @RequirePermission('admin.users.read')
  @Get()
  @ApiOperation({ summary: 'List users' })
  list(@CurrentRequestContext() ctx: RequestContext, @Query() q: ListUsersQuery): Promise<Page<UserView>> {
    return this.admin.listUsers(ctx, q);
  }

  @RequirePermission('admin.users.read')
  @Get(':id')
  @ApiOkResponse({ type: UserView })
  get(@CurrentRequestContext() ctx: RequestContext, @Param('id', uuid) id: string): Promise<UserView> {
    return this.admin.getUser(ctx, id);
  }

  @RequirePermission('admin.users.manage')
  @Patch(':id')
  @ApiOperation({ summary: 'Update name, password, status; unlock; reset TOTP' })
  @ApiOkResponse({ type: UserView })
  update(@CurrentRequestContext() ctx: RequestContext, @Param('id', uuid) id: string, @Body() body: UpdateUserRequest): Promise<UserView> {
    return this.admin.updateUser(ctx, id, body);
  }

  @RequirePermission('admin.users.manage')
  @Post(':id/disable')
  @HttpCode(200)
  @ApiOperation({ summary: 'Disable a user and end all their sessions' })
  @ApiOkResponse({ type: UserView })
  disable(@CurrentRequestContext() ctx: RequestContext, @Param('id', uuid) id: string): Promise<UserView> {
    return this.admin.disableUser(ctx, id);
  }

  @RequirePermission('admin.sessions.manage')
  @Get(':id/sessions')
  @ApiOperation({ summary: 'A user’s open device sessions' })
  @ApiOkResponse({ type: [SessionView] })
  sessions(@CurrentRequestContext() ctx: RequestContext, @CurrentPrincipal() p: Principal, @Param('id', uuid) id: string): Promise<SessionView[]> {
    return this.admin.listUserSessions(ctx, id, p.sessionId);
  }

  @RequirePermission('admin.sessions.manage')
  @Post(':id/sessions/revoke')
  @HttpCode(200)
  @ApiOperation({ summary: 'End every session of a user (refresh and access tokens stop working at once)' })
  revokeAll(@CurrentRequestContext() ctx: RequestContext, @Param('id', uuid) id: string): Promise<{ revoked: number }> {
    return this.admin.revokeUserSessions(ctx, id);
  }

  @RequirePermission('admin.sessions.manage')
  @Post(':id/sessions/:sessionId/revoke')
  @HttpCode(200)
  @ApiOperation({ summary: 'End one session of a user' })
  revokeOne(
    @CurrentRequestContext() ctx: RequestContext,
    @Param('id', uuid) id: string,
    @Param('sessionId', uuid) sessionId: string,
  ): Promise<{ revoked: number }> {
    return this.admin.revokeUserSessions(ctx, id, sessionId);
  }

  @RequirePermission('admin.roles.manage')
  @Put(':id/roles')
  @ApiOperation({ summary: 'Assign roles to a user (replaces the set; permissions are their union)' })
  @ApiOkResponse({ type: UserView })
  setRoles(@CurrentRequestContext() ctx: RequestContext, @Param('id', uuid) id: string, @Body() body: SetUserRolesRequest): Promise<UserView> {
    return this.admin.setUserRoles(ctx, id, body.roles);
  }
}

@ApiTags('admin: roles')
@ApiParam({ name: 'tenant', description: 'Tenant slug (must be the token’s)' })
@Controller(':tenant/v1/admin')
export class RolesAdminController {
  constructor(private readonly admin: AdminService) {}

  @RequirePermission('admin.roles.read')
  @Get('roles')
  @ApiOkResponse({ type: [RoleView] })
  list(@CurrentRequestContext() ctx: RequestContext): Promise<RoleView[]> {
    return this.admin.listRoles(ctx);
  }

  @RequirePermission('admin.roles.manage')
  @Post('roles')
  @ApiCreatedResponse({ type: RoleView })
  create(@CurrentRequestContext() ctx: RequestContext, @Body() body: CreateRoleRequest): Promise<RoleView> {
    return this.admin.createRole(ctx, body);
  }

  @RequirePermission('admin.roles.manage')
  @Patch('roles/:id')
  @ApiOperation({ summary: 'Change a role’s permissions or description' })
  @ApiOkResponse({ type: RoleView })
  update(@CurrentRequestContext() ctx: RequestContext, @Param('id', uuid) id: string, @Body() body: UpdateRoleRequest): Promise<RoleView> {
    return this.admin.updateRole(ctx, id, body);
  }

  @RequirePermission('admin.roles.read')
  @Get('permissions')
  @ApiOperation({ summary: 'The permission catalogue (what roles may grant)' })
  permissions(@CurrentRequestContext() ctx: RequestContext): Promise<Array<{ code: string; description: string }>> {
    return this.admin.permissionCatalogue(ctx);
  }
}

/**
 * The access-token signing keys (one set for the whole installation, hence platform operators only).
 * Rotation: `rotate` makes a new key sign; retire the old one once `safeToRetireAfter` has passed.
 */
@ApiTags('admin: signing keys')
@ApiParam({ name: 'tenant', description: 'Tenant slug (must be the token’s)' })
@Controller(':tenant/v1/admin/signing-keys')
export class SigningKeysAdminController {
  constructor(private readonly admin: AdminService) {}

  @RequirePermission('platform.keys.manage')
  @Get()
  @ApiOkResponse({ type: [SigningKeyView] })
  list(): Promise<SigningKeyInfo[]> {
    return this.admin.listSigningKeys();
  }

  @RequirePermission('platform.keys.manage')
  @Post('rotate')
  @HttpCode(200)
  @ApiOperation({ summary: 'Generate a new signing key; the previous keys stay published until retired' })
  @ApiOkResponse({ type: [SigningKeyView] })
  rotate(): Promise<SigningKeyInfo[]> {
    return this.admin.rotateSigningKey();
  }

  @RequirePermission('platform.keys.manage')
  @Post(':kid/retire')
  @HttpCode(200)
  @ApiOperation({ summary: 'Stop publishing a key that no longer signs (force: also before its tokens expired, e.g. a leaked key)' })
  @ApiOkResponse({ type: [SigningKeyView] })
  retire(@Param('kid') kid: string, @Body() body: RetireSigningKeyRequest): Promise<SigningKeyInfo[]> {
    return this.admin.retireSigningKey(kid, body.force === true);
  }
}

import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Patch, Post, Put, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import type { Page } from '@supra/contracts';
import { validationFailed } from '@supra/platform/errors';
import type { RequestContext } from '@supra/platform/tenancy';
import { RequirePermission } from '../http/access-rules';
import { CurrentRequestContext } from '../http/gateway-request';
import { AdminService } from './admin.service';
import {
  AdminPageQuery,
  CreateRoleRequest,
  CreateTenantRequest,
  CreateUserRequest,
  ListUsersQuery,
  RoleView,
  SetUserRolesRequest,
  TenantView,
  UpdateRoleRequest,
  UpdateUserRequest,
  UserView,
} from './dto/admin.dto';

const uuid = new ParseUUIDPipe({
  exceptionFactory: () => validationFailed([{ field: 'id', code: 'isUuid', message: 'id must be a UUID' }]),
});

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

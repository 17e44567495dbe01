import { Inject, Injectable } from '@nestjs/common';
import { v7 as uuidv7 } from 'uuid';
import type { Page } from '@supra/contracts';
import { ServiceDatabase } from '@supra/platform/database';
import { SERVICE_ENV } from '@supra/platform/runtime';
import type { RequestContext } from '@supra/platform/tenancy';
import { hashPassword } from '../crypto/passwords';
import type { GatewayEnv } from '../gateway.env';
import { RedisStore } from '../http/redis-store';
import { RolesRepository, type RoleRow } from '../identity/roles.repository';
import { SessionsRepository, toSessionView } from '../identity/sessions.repository';
import { AccessTokens } from '../keys/access-tokens';
import { listSigningKeys, retireSigningKey, rotateSigningKey, SigningKeyErrors, type SigningKeyInfo } from '../keys/signing-keys';
import { SecretBox } from '../crypto/secret-box';
import type { SessionView } from '../auth/dto/auth.dto';
import { TenantsRepository, type TenantRow } from '../identity/tenants.repository';
import { UsersRepository, type UserRow } from '../identity/users.repository';
import { onboardTenant } from '../onboarding/onboard-tenant';
import { AdminErrors } from './admin.errors';
import type {
  CreateRoleRequest,
  CreateTenantRequest,
  CreateUserRequest,
  RoleView,
  TenantView,
  UpdateRoleRequest,
  UpdateUserRequest,
  UserView,
} from './dto/admin.dto';

const iso = (d: Date | null): string | null => (d ? new Date(d).toISOString() : null);
const paging = (page = 1, size = 50) => ({ page, size, offset: (page - 1) * size });

export const toTenantView = (t: TenantRow): TenantView => ({
  id: t.id,
  slug: t.slug,
  name: t.name,
  timeZone: t.timeZone,
  status: t.status,
  requireTotpForAdmins: t.settings?.requireTotpForAdmins !== false,
  fiscalData: t.fiscalData,
  createdAt: new Date(t.createdAt).toISOString(),
});

const toUserView = (u: UserRow, roles: string[]): UserView => ({
  id: u.id,
  email: u.email,
  name: u.name,
  status: u.status,
  roles,
  totpEnabled: u.totpEnabled,
  lockedUntil: u.lockedUntil && u.lockedUntil.getTime() > Date.now() ? iso(u.lockedUntil) : null,
  lastLoginAt: iso(u.lastLoginAt),
  createdAt: new Date(u.createdAt).toISOString(),
});

const toRoleView = (r: RoleRow): RoleView => ({ id: r.id, name: r.name, description: r.description, permissions: r.permissions });

/**
 * Every permission a role grants must be `*`, a known permission, or `<prefix>.*` where some known
 * permission starts with the prefix: a typo must not silently grant nothing.
 */
export function unknownPermissions(requested: string[], catalogue: string[]): string[] {
  const known = new Set(catalogue);
  return requested.filter((p) => {
    if (p === '*' || known.has(p)) return false;
    if (p.endsWith('.*')) {
      const prefix = p.slice(0, -1);
      return !catalogue.some((c) => c.startsWith(prefix));
    }
    return true;
  });
}

/** Tenants (platform operators), users and roles of the caller's tenant. */
@Injectable()
export class AdminService {
  constructor(
    private readonly db: ServiceDatabase,
    private readonly tenants: TenantsRepository,
    private readonly users: UsersRepository,
    private readonly roles: RolesRepository,
    private readonly sessions: SessionsRepository,
    private readonly store: RedisStore,
    private readonly tokens: AccessTokens,
    private readonly box: SecretBox,
    @Inject(SERVICE_ENV) private readonly env: GatewayEnv,
  ) {}

  // ---------------------------------------------------------------- tenants

  async createTenant(req: CreateTenantRequest): Promise<TenantView> {
    const r = await onboardTenant(this.db, req);
    if (!r.created) throw AdminErrors.tenantExists(req.slug);
    const t = await this.db.asSystem(() => this.tenants.byId(r.tenantId));
    return toTenantView(t as TenantRow);
  }

  async listTenants(ctx: RequestContext, page?: number, size?: number): Promise<Page<TenantView>> {
    const p = paging(page, size);
    const { rows, total } = await this.db.withTenant(ctx, () => this.tenants.list(p.offset, p.size));
    return { data: rows.map(toTenantView), page: { number: p.page, size: p.size, total } };
  }

  // ---------------------------------------------------------------- users

  async listUsers(ctx: RequestContext, q: { page?: number; size?: number; q?: string }): Promise<Page<UserView>> {
    const p = paging(q.page, q.size);
    return this.db.withTenant(ctx, async () => {
      const { rows, total } = await this.users.list(p.offset, p.size, q.q);
      const roles = await this.users.rolesOf(rows.map((u) => u.id));
      return { data: rows.map((u) => toUserView(u, roles.get(u.id) ?? [])), page: { number: p.page, size: p.size, total } };
    });
  }

  async getUser(ctx: RequestContext, id: string): Promise<UserView> {
    return this.db.withTenant(ctx, async () => {
      const u = await this.users.byId(id);
      if (!u) throw AdminErrors.userNotFound(id);
      return toUserView(u, (await this.users.roles(id)).map((r) => r.name));
    });
  }

  async createUser(ctx: RequestContext, req: CreateUserRequest): Promise<UserView> {
    const passwordHash = await hashPassword(req.password);
    return this.db.withTenant(ctx, async () => {
      const roles = await this.resolveRoles(req.roles);
      const id = uuidv7();
      if (!(await this.users.insert({ id, tenantId: ctx.tenantId, email: req.email.toLowerCase(), name: req.name, passwordHash }))) {
        throw AdminErrors.emailTaken(req.email);
      }
      await this.users.setRoles(ctx.tenantId, id, roles.map((r) => r.id));
      return toUserView((await this.users.byId(id)) as UserRow, roles.map((r) => r.name).sort());
    });
  }

  async updateUser(ctx: RequestContext, id: string, req: UpdateUserRequest): Promise<UserView> {
    const passwordHash = req.password ? await hashPassword(req.password) : undefined;
    let revoked: string[] = [];
    const view = await this.db.withTenant(ctx, async () => {
      const u = await this.users.byId(id, true);
      if (!u) throw AdminErrors.userNotFound(id);
      if (req.status === 'disabled' && id === ctx.userId) throw AdminErrors.cannotDisableSelf();
      await this.users.update(id, {
        name: req.name,
        passwordHash,
        status: req.status,
        ...(req.unlock ? { failedAttempts: 0, lockedUntil: null } : {}),
        ...(req.resetTotp ? { totpEnabled: false, totpSecretSealed: null, totpLastStep: null } : {}),
      });
      // A disabled user or a new password ends every open session at once.
      if (req.status === 'disabled' || passwordHash) revoked = await this.sessions.revokeAllOfUser(id, req.status === 'disabled' ? 'user_disabled' : 'password_changed');
      return toUserView((await this.users.byId(id)) as UserRow, (await this.users.roles(id)).map((r) => r.name));
    });
    await this.store.revokeSessions(revoked, this.env.ACCESS_TOKEN_TTL_SECONDS);
    return view;
  }

  async disableUser(ctx: RequestContext, id: string): Promise<UserView> {
    return this.updateUser(ctx, id, { status: 'disabled' });
  }

  async setUserRoles(ctx: RequestContext, id: string, names: string[]): Promise<UserView> {
    return this.db.withTenant(ctx, async () => {
      const u = await this.users.byId(id, true);
      if (!u) throw AdminErrors.userNotFound(id);
      const roles = await this.resolveRoles(names);
      await this.users.setRoles(ctx.tenantId, id, roles.map((r) => r.id));
      return toUserView(u, roles.map((r) => r.name).sort());
    });
  }

  // ---------------------------------------------------------------- sessions

  async listUserSessions(ctx: RequestContext, userId: string, currentSessionId?: string): Promise<SessionView[]> {
    return this.db.withTenant(ctx, async () => {
      if (!(await this.users.byId(userId))) throw AdminErrors.userNotFound(userId);
      return (await this.sessions.openOfUser(userId)).map((r) => toSessionView(r, currentSessionId));
    });
  }

  /** Ends one session of a user (`sessionId`) or all of them; returns how many were open. */
  async revokeUserSessions(ctx: RequestContext, userId: string, sessionId?: string): Promise<{ revoked: number }> {
    const ids = await this.db.withTenant(ctx, async () => {
      if (!(await this.users.byId(userId))) throw AdminErrors.userNotFound(userId);
      if (!sessionId) return this.sessions.revokeAllOfUser(userId, 'revoked_by_admin');
      if (!(await this.sessions.revoke(sessionId, 'revoked_by_admin', userId))) throw AdminErrors.sessionNotFound(sessionId);
      return [sessionId];
    });
    await this.store.revokeSessions(ids, this.env.ACCESS_TOKEN_TTL_SECONDS);
    return { revoked: ids.length };
  }

  // ---------------------------------------------------------------- signing keys (platform operators)

  private keyLifetimes() {
    return { ttlSeconds: this.env.ACCESS_TOKEN_TTL_SECONDS, refreshSeconds: this.env.SIGNING_KEY_REFRESH_SECONDS };
  }

  async listSigningKeys(): Promise<SigningKeyInfo[]> {
    if (this.env.JWT_PRIVATE_KEY) throw SigningKeyErrors.fromEnvironment();
    return listSigningKeys(this.db, this.keyLifetimes());
  }

  /** The new key signs at once here, and on other instances within SIGNING_KEY_REFRESH_SECONDS. */
  async rotateSigningKey(): Promise<SigningKeyInfo[]> {
    if (this.env.JWT_PRIVATE_KEY) throw SigningKeyErrors.fromEnvironment();
    await rotateSigningKey(this.db, this.box);
    await this.tokens.refresh();
    return this.listSigningKeys();
  }

  async retireSigningKey(kid: string, force: boolean): Promise<SigningKeyInfo[]> {
    if (this.env.JWT_PRIVATE_KEY) throw SigningKeyErrors.fromEnvironment();
    await retireSigningKey(this.db, kid, { force, ...this.keyLifetimes() });
    await this.tokens.refresh();
    return this.listSigningKeys();
  }

  private async resolveRoles(names: string[]): Promise<RoleRow[]> {
    const unique = [...new Set(names)];
    const roles = await this.roles.byNames(unique);
    const missing = unique.filter((n) => !roles.some((r) => r.name === n));
    if (missing.length) throw AdminErrors.unknownRoles(missing);
    return roles;
  }

  // ---------------------------------------------------------------- roles

  async listRoles(ctx: RequestContext): Promise<RoleView[]> {
    return this.db.withTenant(ctx, async () => (await this.roles.list()).map(toRoleView));
  }

  async permissionCatalogue(ctx: RequestContext): Promise<Array<{ code: string; description: string }>> {
    return this.db.withTenant(ctx, () => this.roles.catalogue());
  }

  async createRole(ctx: RequestContext, req: CreateRoleRequest): Promise<RoleView> {
    return this.db.withTenant(ctx, async () => {
      await this.checkPermissions(req.permissions);
      const id = uuidv7();
      const permissions = [...new Set(req.permissions)].sort();
      if (!(await this.roles.insert({ id, tenantId: ctx.tenantId, name: req.name, description: req.description ?? '', permissions }))) {
        throw AdminErrors.roleExists(req.name);
      }
      return toRoleView((await this.roles.byId(id)) as RoleRow);
    });
  }

  /** New permissions reach a user's tokens at the next refresh (at most one access-token lifetime). */
  async updateRole(ctx: RequestContext, id: string, req: UpdateRoleRequest): Promise<RoleView> {
    return this.db.withTenant(ctx, async () => {
      if (!(await this.roles.byId(id))) throw AdminErrors.roleNotFound(id);
      if (req.permissions) await this.checkPermissions(req.permissions);
      await this.roles.update(id, { description: req.description, permissions: req.permissions && [...new Set(req.permissions)].sort() });
      return toRoleView((await this.roles.byId(id)) as RoleRow);
    });
  }

  private async checkPermissions(perms: string[]): Promise<void> {
    const unknown = unknownPermissions(perms, (await this.roles.catalogue()).map((c) => c.code));
    if (unknown.length) throw AdminErrors.unknownPermissions(unknown);
  }
}

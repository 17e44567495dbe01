import { Injectable } from '@nestjs/common';
import { ServiceDatabase } from '@supra/platform/database';

export interface UserRow {
  id: string;
  tenantId: string;
  email: string;
  name: string;
  passwordHash: string;
  status: 'active' | 'disabled';
  failedAttempts: number;
  lockedUntil: Date | null;
  totpSecretSealed: string | null;
  totpEnabled: boolean;
  totpLastStep: string | null;
  lastLoginAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface UserRoleRef {
  id: string;
  name: string;
  permissions: string[];
}

const COLS = `id, tenant_id AS "tenantId", email, name, password_hash AS "passwordHash", status,
  failed_attempts AS "failedAttempts", locked_until AS "lockedUntil", totp_secret_sealed AS "totpSecretSealed",
  totp_enabled AS "totpEnabled", totp_last_step AS "totpLastStep", last_login_at AS "lastLoginAt",
  created_at AS "createdAt", updated_at AS "updatedAt"`;

/** Users of the current tenant (RLS scopes every query to the transaction's tenant). */
@Injectable()
export class UsersRepository {
  constructor(private readonly db: ServiceDatabase) {}

  private get em() {
    return this.db.manager();
  }

  async byEmailForUpdate(email: string): Promise<UserRow | undefined> {
    const rows = (await this.em.query(`SELECT ${COLS} FROM identity.users WHERE lower(email) = lower($1) FOR UPDATE`, [email])) as UserRow[];
    return rows[0];
  }

  async byId(id: string, forUpdate = false): Promise<UserRow | undefined> {
    const rows = (await this.em.query(`SELECT ${COLS} FROM identity.users WHERE id = $1${forUpdate ? ' FOR UPDATE' : ''}`, [id])) as UserRow[];
    return rows[0];
  }

  async list(offset: number, limit: number, q?: string): Promise<{ rows: UserRow[]; total: number }> {
    const where = q ? `WHERE email ILIKE '%' || $3 || '%' OR name ILIKE '%' || $3 || '%'` : '';
    const params: unknown[] = q ? [offset, limit, q] : [offset, limit];
    const rows = (await this.em.query(`SELECT ${COLS} FROM identity.users ${where} ORDER BY email OFFSET $1 LIMIT $2`, params)) as UserRow[];
    const [{ n }] = (await this.em.query(
      `SELECT count(*)::int AS n FROM identity.users ${q ? `WHERE email ILIKE '%' || $1 || '%' OR name ILIKE '%' || $1 || '%'` : ''}`,
      q ? [q] : [],
    )) as Array<{ n: number }>;
    return { rows, total: n };
  }

  async insert(u: { id: string; tenantId: string; email: string; name: string; passwordHash: string }): Promise<boolean> {
    const rows = (await this.em.query(
      `INSERT INTO identity.users (id, tenant_id, email, name, password_hash) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (tenant_id, lower(email)) DO NOTHING RETURNING id`,
      [u.id, u.tenantId, u.email, u.name, u.passwordHash],
    )) as unknown[];
    return rows.length === 1;
  }

  async update(id: string, patch: Partial<Pick<UserRow, 'name' | 'passwordHash' | 'status' | 'failedAttempts' | 'lockedUntil' | 'totpSecretSealed' | 'totpEnabled' | 'totpLastStep' | 'lastLoginAt'>>): Promise<void> {
    const cols: Record<string, string> = {
      name: 'name',
      passwordHash: 'password_hash',
      status: 'status',
      failedAttempts: 'failed_attempts',
      lockedUntil: 'locked_until',
      totpSecretSealed: 'totp_secret_sealed',
      totpEnabled: 'totp_enabled',
      totpLastStep: 'totp_last_step',
      lastLoginAt: 'last_login_at',
    };
    const entries = Object.entries(patch).filter(([, v]) => v !== undefined);
    if (!entries.length) return;
    const sets = entries.map(([k], i) => `${cols[k]} = $${i + 2}`);
    await this.em.query(`UPDATE identity.users SET ${sets.join(', ')}, updated_at = now() WHERE id = $1`, [id, ...entries.map(([, v]) => v)]);
  }

  /** Counts a failed sign-in; locks the account once `max` consecutive failures are reached. */
  async registerFailure(id: string, max: number, lockMinutes: number): Promise<{ attempts: number; lockedUntil: Date | null }> {
    const [row] = (await this.em.query(
      `UPDATE identity.users
          SET failed_attempts = failed_attempts + 1,
              locked_until = CASE WHEN failed_attempts + 1 >= $2 THEN now() + make_interval(mins => $3) ELSE locked_until END,
              updated_at = now()
        WHERE id = $1
        RETURNING failed_attempts AS attempts, locked_until AS "lockedUntil"`,
      [id, max, lockMinutes],
    )) as [Array<{ attempts: number; lockedUntil: Date | null }>, number];
    return row[0];
  }

  async roles(userId: string): Promise<UserRoleRef[]> {
    return (await this.em.query(
      `SELECT r.id, r.name, r.permissions FROM identity.user_roles ur JOIN identity.roles r ON r.id = ur.role_id
        WHERE ur.user_id = $1 ORDER BY r.name`,
      [userId],
    )) as UserRoleRef[];
  }

  async rolesOf(userIds: string[]): Promise<Map<string, string[]>> {
    const rows = (await this.em.query(
      `SELECT ur.user_id AS "userId", array_agg(r.name ORDER BY r.name) AS names FROM identity.user_roles ur
         JOIN identity.roles r ON r.id = ur.role_id WHERE ur.user_id = ANY($1) GROUP BY ur.user_id`,
      [userIds],
    )) as Array<{ userId: string; names: string[] }>;
    return new Map(rows.map((r) => [r.userId, r.names]));
  }

  /** Replaces the user's roles with exactly these. */
  async setRoles(tenantId: string, userId: string, roleIds: string[]): Promise<void> {
    await this.em.query(`DELETE FROM identity.user_roles WHERE user_id = $1 AND NOT (role_id = ANY($2))`, [userId, roleIds]);
    if (roleIds.length) {
      await this.em.query(
        `INSERT INTO identity.user_roles (tenant_id, user_id, role_id) SELECT $1, $2, unnest($3::uuid[]) ON CONFLICT DO NOTHING`,
        [tenantId, userId, roleIds],
      );
    }
  }
}

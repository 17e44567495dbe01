import { v7 as uuidv7 } from 'uuid';
import type { ServiceDatabase } from '@supra/platform/database';
import { DomainError } from '@supra/platform/errors';
import { hashPassword } from '../crypto/passwords';
import { DEFAULT_ROLES } from './default-roles';

export interface OnboardTenantInput {
  slug: string;
  name: string;
  adminEmail: string;
  adminPassword: string;
  /** IANA zone; default America/Mexico_City. */
  timeZone?: string;
  /** Admins must enrol TOTP before using the API (default true; the demo tenants pass false). */
  requireTotpForAdmins?: boolean;
  fiscalData?: Record<string, unknown>;
}

export interface OnboardTenantResult {
  tenantId: string;
  slug: string;
  adminUserId: string;
  /** False when the tenant already existed (nothing was overwritten). */
  created: boolean;
}

const SLUG = /^[a-z0-9][a-z0-9-]{1,62}$/;

const isTimeZone = (tz: string): boolean => {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
};

/**
 * Creates a tenant, its default roles and its admin user. Idempotent: run again, it creates only
 * what is missing and never changes an existing tenant's settings, roles or the admin's password.
 * Needs the identity schema migrated (`db.migrate()`).
 */
export async function onboardTenant(db: ServiceDatabase, input: OnboardTenantInput): Promise<OnboardTenantResult> {
  const errors = [
    !SLUG.test(input.slug) && { field: 'slug', code: 'matches', message: 'slug must be lowercase letters, digits and dashes (2-63)' },
    !input.name?.trim() && { field: 'name', code: 'isNotEmpty', message: 'name is required' },
    !/^[^@\s]+@[^@\s]+$/.test(input.adminEmail) && { field: 'adminEmail', code: 'isEmail', message: 'adminEmail must be an email' },
    (input.adminPassword ?? '').length < 8 && { field: 'adminPassword', code: 'minLength', message: 'adminPassword needs at least 8 characters' },
    input.timeZone && !isTimeZone(input.timeZone) && { field: 'timeZone', code: 'isTimeZone', message: 'timeZone must be an IANA zone' },
  ].filter((e): e is { field: string; code: string; message: string } => Boolean(e));
  if (errors.length) throw new DomainError('VALIDATION_FAILED', 'The tenant is not valid', { status: 422, errors });

  const settings = { requireTotpForAdmins: input.requireTotpForAdmins ?? true };
  const [tenant] = (await db.asSystem((em) =>
    em.query(
      `WITH ins AS (
         INSERT INTO identity.tenants (id, slug, name, time_zone, fiscal_data, settings) VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (slug) DO NOTHING RETURNING id, true AS created)
       SELECT id, created FROM ins UNION ALL SELECT id, false FROM identity.tenants WHERE slug = $2 AND NOT EXISTS (SELECT 1 FROM ins)`,
      [uuidv7(), input.slug, input.name.trim(), input.timeZone ?? 'America/Mexico_City', JSON.stringify(input.fiscalData ?? {}), JSON.stringify(settings)],
    ),
  )) as Array<{ id: string; created: boolean }>;
  const passwordHash = await hashPassword(input.adminPassword);

  return db.withTenant({ tenantId: tenant.id, tenantSlug: input.slug }, async (em) => {
    for (const r of DEFAULT_ROLES) {
      await em.query(
        `INSERT INTO identity.roles (id, tenant_id, name, description, permissions) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (tenant_id, name) DO NOTHING`,
        [uuidv7(), tenant.id, r.name, r.description, r.permissions],
      );
    }
    await em.query(
      `INSERT INTO identity.users (id, tenant_id, email, name, password_hash) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (tenant_id, lower(email)) DO NOTHING`,
      [uuidv7(), tenant.id, input.adminEmail.toLowerCase(), 'Administrador', passwordHash],
    );
    const [admin] = (await em.query(`SELECT id FROM identity.users WHERE lower(email) = lower($1)`, [input.adminEmail])) as Array<{ id: string }>;
    await em.query(
      `INSERT INTO identity.user_roles (tenant_id, user_id, role_id) SELECT $1, $2, id FROM identity.roles WHERE name = 'admin' ON CONFLICT DO NOTHING`,
      [tenant.id, admin.id],
    );
    return { tenantId: tenant.id, slug: input.slug, adminUserId: admin.id, created: tenant.created };
  });
}

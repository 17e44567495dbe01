import { Injectable } from '@nestjs/common';
import { ServiceDatabase } from '@supra/platform/database';

export interface TenantSettings {
  /** Admins must use TOTP (default true). */
  requireTotpForAdmins?: boolean;
}

export interface TenantRow {
  id: string;
  slug: string;
  name: string;
  timeZone: string;
  fiscalData: Record<string, unknown>;
  settings: TenantSettings;
  status: 'active' | 'suspended';
  createdAt: Date;
}

const COLS = `id, slug, name, time_zone AS "timeZone", fiscal_data AS "fiscalData", settings, status, created_at AS "createdAt"`;

/** `identity.tenants` has no RLS (it is the registry itself); reads by slug happen before a tenant is known. */
@Injectable()
export class TenantsRepository {
  constructor(private readonly db: ServiceDatabase) {}

  async bySlug(slug: string): Promise<TenantRow | undefined> {
    const rows = (await this.db.manager().query(`SELECT ${COLS} FROM identity.tenants WHERE slug = $1`, [slug])) as TenantRow[];
    return rows[0];
  }

  async byId(id: string): Promise<TenantRow | undefined> {
    const rows = (await this.db.manager().query(`SELECT ${COLS} FROM identity.tenants WHERE id = $1`, [id])) as TenantRow[];
    return rows[0];
  }

  async list(offset: number, limit: number): Promise<{ rows: TenantRow[]; total: number }> {
    const em = this.db.manager();
    const rows = (await em.query(`SELECT ${COLS} FROM identity.tenants ORDER BY slug OFFSET $1 LIMIT $2`, [offset, limit])) as TenantRow[];
    const [{ n }] = (await em.query(`SELECT count(*)::int AS n FROM identity.tenants`)) as Array<{ n: number }>;
    return { rows, total: n };
  }
}

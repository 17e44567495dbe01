import { Injectable } from '@nestjs/common';
import { ServiceDatabase } from '@supra/platform/database';

export interface RoleRow {
  id: string;
  name: string;
  description: string;
  permissions: string[];
  createdAt: Date;
  updatedAt: Date;
}

const COLS = `id, name, description, permissions, created_at AS "createdAt", updated_at AS "updatedAt"`;

@Injectable()
export class RolesRepository {
  constructor(private readonly db: ServiceDatabase) {}

  private get em() {
    return this.db.manager();
  }

  async list(): Promise<RoleRow[]> {
    return (await this.em.query(`SELECT ${COLS} FROM identity.roles ORDER BY name`)) as RoleRow[];
  }

  async byId(id: string): Promise<RoleRow | undefined> {
    return ((await this.em.query(`SELECT ${COLS} FROM identity.roles WHERE id = $1`, [id])) as RoleRow[])[0];
  }

  async byNames(names: string[]): Promise<RoleRow[]> {
    return (await this.em.query(`SELECT ${COLS} FROM identity.roles WHERE name = ANY($1)`, [names])) as RoleRow[];
  }

  /** Inserts unless a role of that name exists; returns whether it was created. */
  async insert(r: { id: string; tenantId: string; name: string; description: string; permissions: string[] }): Promise<boolean> {
    const rows = (await this.em.query(
      `INSERT INTO identity.roles (id, tenant_id, name, description, permissions) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (tenant_id, name) DO NOTHING RETURNING id`,
      [r.id, r.tenantId, r.name, r.description, r.permissions],
    )) as unknown[];
    return rows.length === 1;
  }

  async update(id: string, patch: { description?: string; permissions?: string[] }): Promise<void> {
    await this.em.query(
      `UPDATE identity.roles SET description = COALESCE($2, description), permissions = COALESCE($3, permissions), updated_at = now() WHERE id = $1`,
      [id, patch.description ?? null, patch.permissions ?? null],
    );
  }

  /** Permission strings known to the platform (the global catalogue, no tenant). */
  async catalogue(): Promise<Array<{ code: string; description: string }>> {
    return (await this.em.query(`SELECT code, description FROM identity.permissions ORDER BY code`)) as Array<{ code: string; description: string }>;
  }
}

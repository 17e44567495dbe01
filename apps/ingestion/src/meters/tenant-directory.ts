import { Injectable } from '@nestjs/common';
import { ServiceDatabase } from '@supra/platform/database';

const NEGATIVE_TTL_MS = 5_000;

/**
 * Tenant slug -> id. Telemetry subjects carry the slug; the lookup crosses tenants by nature (we do
 * not know the tenant before it), so it reads through the system role. Cached: a tenant's id never
 * changes; an unknown slug is retried after a few seconds.
 */
@Injectable()
export class TenantDirectory {
  private readonly ids = new Map<string, string>();
  private readonly unknown = new Map<string, number>();

  constructor(private readonly db: ServiceDatabase) {}

  remember(slug: string, id: string): void {
    this.ids.set(slug, id);
    this.unknown.delete(slug);
  }

  cached(slug: string): string | undefined {
    return this.ids.get(slug);
  }

  /** Resolves many slugs with at most one query. */
  async resolve(slugs: Iterable<string>, now = Date.now()): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    const missing: string[] = [];
    for (const s of new Set(slugs)) {
      const id = this.ids.get(s);
      if (id) out.set(s, id);
      else if ((this.unknown.get(s) ?? 0) <= now) missing.push(s);
    }
    if (missing.length) {
      const rows = (await this.db.asSystem((em) =>
        em.query(`SELECT slug, tenant_id FROM telemetry.tenants WHERE slug = ANY($1)`, [missing]),
      )) as Array<{ slug: string; tenant_id: string }>;
      for (const r of rows) {
        this.remember(r.slug, r.tenant_id);
        out.set(r.slug, r.tenant_id);
      }
      for (const s of missing) if (!out.has(s)) this.unknown.set(s, now + NEGATIVE_TTL_MS);
    }
    return out;
  }

  async idOf(slug: string, opts: { fresh?: boolean } = {}): Promise<string | undefined> {
    if (opts.fresh) this.unknown.delete(slug);
    return (await this.resolve([slug])).get(slug);
  }

  async slugOf(tenantId: string): Promise<string | undefined> {
    for (const [s, id] of this.ids) if (id === tenantId) return s;
    const rows = (await this.db.withTenant(tenantId, (em) => em.query(`SELECT slug FROM telemetry.tenants WHERE tenant_id = $1`, [tenantId]))) as Array<{
      slug: string;
    }>;
    return rows[0]?.slug;
  }
}

import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { ServiceDatabase } from '@supra/platform/database';
import { TenantContext } from '@supra/platform/tenancy';
import { PersonEntity } from './entities/person.entity';
import { PersonVulnerabilityEntity } from './entities/person-vulnerability.entity';

export interface PersonSearchRow {
  id: string;
  person_type: 'fisica' | 'moral';
  name: string;
  rfc: string | null;
  curp: string | null;
  phone: string | null;
  score: number;
}

/**
 * Persons and their vulnerability records, always inside the caller's `db.tx` (RLS scopes every
 * statement to the transaction's tenant; the explicit tenant filter keeps the intent visible).
 */
@Injectable()
export class PersonRepository {
  constructor(private readonly db: ServiceDatabase) {}

  private get em(): EntityManager {
    return this.db.manager();
  }

  findById(id: string, lock = false): Promise<PersonEntity | null> {
    const qb = this.em.getRepository(PersonEntity).createQueryBuilder('p').where('p.id = :id AND p.tenantId = :tenant', { id, tenant: TenantContext.tenantId() });
    if (lock) qb.setLock('pessimistic_write');
    return qb.getOne();
  }

  async insert(p: PersonEntity): Promise<void> {
    await this.em.getRepository(PersonEntity).insert(p);
  }

  async save(p: PersonEntity): Promise<void> {
    await this.em.getRepository(PersonEntity).save(p);
  }

  vulnerabilitiesOf(personIds: string[]): Promise<PersonVulnerabilityEntity[]> {
    if (!personIds.length) return Promise.resolve([]);
    return this.em
      .getRepository(PersonVulnerabilityEntity)
      .createQueryBuilder('v')
      .where('v.personId IN (:...ids) AND v.tenantId = :tenant', { ids: personIds, tenant: TenantContext.tenantId() })
      .orderBy('v.validFrom', 'ASC')
      .addOrderBy('v.createdAt', 'ASC')
      .getMany();
  }

  async insertVulnerabilities(rows: PersonVulnerabilityEntity[]): Promise<void> {
    if (rows.length) await this.em.getRepository(PersonVulnerabilityEntity).insert(rows);
  }

  async list(filter: { personType?: string; vulnerableOn?: string }, offset: number, limit: number): Promise<[PersonEntity[], number]> {
    const qb = this.em.getRepository(PersonEntity).createQueryBuilder('p').where('p.tenantId = :tenant', { tenant: TenantContext.tenantId() });
    if (filter.personType) qb.andWhere('p.personType = :pt', { pt: filter.personType });
    if (filter.vulnerableOn) {
      qb.andWhere(
        `EXISTS (SELECT 1 FROM customer.person_vulnerabilities v WHERE v.person_id = p.id AND v.valid_from <= :d AND (v.valid_until IS NULL OR v.valid_until >= :d))`,
        { d: filter.vulnerableOn },
      );
    }
    return qb.orderBy('p.createdAt', 'ASC').addOrderBy('p.id', 'ASC').skip(offset).take(limit).getManyAndCount();
  }

  /**
   * Name by trigram word similarity over the accent-free key (GIN index), RFC/CURP by prefix,
   * phone by its digits. The best signal of each row is its score.
   */
  search(q: string, limit: number): Promise<PersonSearchRow[]> {
    return this.em.query(
      `WITH q AS (
         SELECT customer.search_key($1) AS k,
                upper(regexp_replace($1, '[[:space:]-]', '', 'g')) AS ident,
                regexp_replace($1, '[^0-9]', '', 'g') AS digits
       ), l AS (
         SELECT k, ident, digits,
                replace(replace(replace(k, '\\', '\\\\'), '%', '\\%'), '_', '\\_') AS k_like,
                replace(replace(replace(ident, '\\', '\\\\'), '%', '\\%'), '_', '\\_') AS ident_like
           FROM q
       )
       SELECT p.id, p.person_type, p.name, p.rfc, p.curp, p.phone,
              round(GREATEST(
                word_similarity(l.k, p.name_key),
                CASE WHEN p.rfc = l.ident OR p.curp = l.ident THEN 1
                     WHEN length(l.ident) >= 4 AND (p.rfc LIKE l.ident_like || '%' OR p.curp LIKE l.ident_like || '%') THEN 0.9
                     ELSE 0 END,
                CASE WHEN p.phone_digits = l.digits THEN 1
                     WHEN length(l.digits) >= 4 AND p.phone_digits LIKE '%' || l.digits || '%' THEN 0.8
                     ELSE 0 END
              )::numeric, 3)::float8 AS score
         FROM customer.persons p, l
        WHERE p.tenant_id = $3
          AND (l.k <% p.name_key
               OR p.name_key LIKE '%' || l.k_like || '%'
               OR (length(l.ident) >= 4 AND (p.rfc LIKE l.ident_like || '%' OR p.curp LIKE l.ident_like || '%'))
               OR (length(l.digits) >= 4 AND p.phone_digits LIKE '%' || l.digits || '%'))
        ORDER BY score DESC, p.name ASC
        LIMIT $2`,
      [q, limit, TenantContext.tenantId()],
    );
  }
}

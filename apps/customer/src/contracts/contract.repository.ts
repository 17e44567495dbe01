import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { ListContractsQuery } from '@supra/contracts';
import { ServiceDatabase } from '@supra/platform/database';
import { TenantContext } from '@supra/platform/tenancy';
import { ContractEntity } from './entities/contract.entity';
import { HolderChangeEntity } from './entities/holder-change.entity';

@Injectable()
export class ContractRepository {
  constructor(private readonly db: ServiceDatabase) {}

  private get em(): EntityManager {
    return this.db.manager();
  }

  findById(id: string, lock = false): Promise<ContractEntity | null> {
    const qb = this.em.getRepository(ContractEntity).createQueryBuilder('c').where('c.id = :id AND c.tenantId = :tenant', { id, tenant: TenantContext.tenantId() });
    if (lock) qb.setLock('pessimistic_write');
    return qb.getOne();
  }

  /** The contract that holds the toma (activo or suspendido), if any. */
  findLiveForToma(tomaId: string): Promise<ContractEntity | null> {
    return this.em
      .getRepository(ContractEntity)
      .createQueryBuilder('c')
      .where(`c.tomaId = :tomaId AND c.tenantId = :tenant AND c.status IN ('activo', 'suspendido')`, { tomaId, tenant: TenantContext.tenantId() })
      .getOne();
  }

  async insert(c: ContractEntity): Promise<void> {
    await this.em.getRepository(ContractEntity).insert(c);
  }

  async save(c: ContractEntity): Promise<void> {
    await this.em.getRepository(ContractEntity).save(c);
  }

  async insertHolderChange(h: HolderChangeEntity): Promise<void> {
    await this.em.getRepository(HolderChangeEntity).insert(h);
  }

  async tomaNumbers(ids: string[]): Promise<Map<string, string>> {
    if (!ids.length) return new Map();
    const rows = (await this.em.query(`SELECT id, toma_number FROM customer.tomas WHERE id = ANY($1::uuid[])`, [ids])) as Array<{ id: string; toma_number: string }>;
    return new Map(rows.map((r) => [r.id, r.toma_number]));
  }

  list(f: ListContractsQuery, offset: number, limit: number): Promise<[ContractEntity[], number]> {
    const qb = this.em.getRepository(ContractEntity).createQueryBuilder('c').where('c.tenantId = :tenant', { tenant: TenantContext.tenantId() });
    if (f.status) qb.andWhere('c.status = :status', { status: f.status });
    if (f.personId) qb.andWhere('c.personId = :personId', { personId: f.personId });
    if (f.tomaId) qb.andWhere('c.tomaId = :tomaId', { tomaId: f.tomaId });
    if (f.q) qb.andWhere('c.contractNumber LIKE :q', { q: `${f.q.trim().toUpperCase().replace(/[\\%_]/g, (ch) => `\\${ch}`)}%` });
    return qb.orderBy('c.contractNumber', 'ASC').skip(offset).take(limit).getManyAndCount();
  }
}

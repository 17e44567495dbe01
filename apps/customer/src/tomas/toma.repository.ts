import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { ServiceDatabase } from '@supra/platform/database';
import { TenantContext } from '@supra/platform/tenancy';
import type { ListTomasQuery } from '@supra/contracts';
import { AddressEntity } from './entities/address.entity';
import { TomaEntity } from './entities/toma.entity';

@Injectable()
export class TomaRepository {
  constructor(private readonly db: ServiceDatabase) {}

  private get em(): EntityManager {
    return this.db.manager();
  }

  findById(id: string, lock = false): Promise<TomaEntity | null> {
    const qb = this.em
      .getRepository(TomaEntity)
      .createQueryBuilder('t')
      .innerJoinAndSelect('t.address', 'a')
      .where('t.id = :id AND t.tenantId = :tenant', { id, tenant: TenantContext.tenantId() });
    // Lock the toma row only (FOR UPDATE OF t): alta, baja and status changes serialise on it.
    if (lock) qb.setLock('pessimistic_write', undefined, ['t']);
    return qb.getOne();
  }

  async insertAddress(a: AddressEntity): Promise<void> {
    await this.em.getRepository(AddressEntity).insert(a);
  }

  async saveAddress(a: AddressEntity): Promise<void> {
    await this.em.getRepository(AddressEntity).save(a);
  }

  async insert(t: TomaEntity): Promise<void> {
    const { address: _a, ...row } = t;
    await this.em.getRepository(TomaEntity).insert(row);
  }

  async save(t: TomaEntity): Promise<void> {
    const { address: _a, ...row } = t;
    await this.em.getRepository(TomaEntity).save(row);
  }

  async list(f: ListTomasQuery, offset: number, limit: number): Promise<[TomaEntity[], number]> {
    const qb = this.em
      .getRepository(TomaEntity)
      .createQueryBuilder('t')
      .innerJoinAndSelect('t.address', 'a')
      .where('t.tenantId = :tenant', { tenant: TenantContext.tenantId() });
    if (f.status) qb.andWhere('t.status = :status', { status: f.status });
    if (f.tomaType) qb.andWhere('t.tomaType = :tomaType', { tomaType: f.tomaType });
    if (f.billingType) qb.andWhere('t.billingType = :billingType', { billingType: f.billingType });
    if (f.sector) qb.andWhere('t.sector = :sector', { sector: f.sector });
    if (f.route) qb.andWhere('t.route = :route', { route: f.route });
    if (f.q) {
      const like = f.q.trim().replace(/[\\%_]/g, (c) => `\\${c}`);
      qb.andWhere(`(t.toma_number LIKE upper(:qPrefix) OR a.search_key LIKE '%' || customer.search_key(:qLike) || '%')`, {
        qPrefix: `${like}%`,
        qLike: like,
      });
    }
    return qb.orderBy('t.tomaNumber', 'ASC').skip(offset).take(limit).getManyAndCount();
  }
}

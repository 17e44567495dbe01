import { Injectable } from '@nestjs/common';
import { v7 as uuidv7 } from 'uuid';
import type { EntityManager } from 'typeorm';
import {
  CustomerEvents,
  type ArcoRequestData,
  type ArcoRequestView,
  type CreateArcoRequest,
  type ListArcoQuery,
  type Page,
  type UpdateArcoRequest,
} from '@supra/contracts';
import { ServiceDatabase } from '@supra/platform/database';
import { Outbox } from '@supra/platform/messaging';
import { TenantContext } from '@supra/platform/tenancy';
import { toContractView } from '../contracts/contract.mapper';
import { ContractEntity } from '../contracts/entities/contract.entity';
import { PersonsService } from '../persons/persons.service';
import { Clock, localDate } from '../shared/clock';
import { formatNumber, nextCounterValue } from '../shared/counters';
import { TomaEntity } from '../tomas/entities/toma.entity';
import { toTomaView } from '../tomas/toma.mapper';
import { canMove, isAwaitingAnswer, isOverdue } from './arco-rules';
import { ArcoErrors } from './arco.errors';
import { addBusinessDays, ARCO_RESPONSE_BUSINESS_DAYS } from './business-days';
import { ArcoRequestEntity } from './entities/arco-request.entity';

/** LFPDPPP ARCO requests: recorded with their legal deadline; `acceso` carries the data export. */
@Injectable()
export class ArcoService {
  constructor(
    private readonly db: ServiceDatabase,
    private readonly outbox: Outbox,
    private readonly persons: PersonsService,
    private readonly clock: Clock,
  ) {}

  create(dto: CreateArcoRequest): Promise<ArcoRequestView> {
    return this.db.tx(async (em) => {
      await this.persons.require(dto.personId);
      const now = this.clock.now();
      const receivedAt = dto.receivedAt ? new Date(dto.receivedAt) : now;
      const r = Object.assign(new ArcoRequestEntity(), {
        id: uuidv7(),
        tenantId: TenantContext.tenantId(),
        folio: formatNumber('ARCO', await nextCounterValue(em, 'arco')),
        personId: dto.personId,
        right: dto.right,
        status: 'recibida' as const,
        description: dto.description,
        channel: dto.channel ?? null,
        receivedAt,
        dueDate: addBusinessDays(localDate(receivedAt), ARCO_RESPONSE_BUSINESS_DAYS),
        resolution: null,
        resolvedAt: null,
        export: dto.right === 'acceso' ? await this.exportPersonData(em, dto.personId, now) : null,
        createdAt: now,
        updatedAt: now,
      });
      await em.getRepository(ArcoRequestEntity).save(r);
      await this.outbox.add({ type: CustomerEvents.arcoRequestReceived.type, subject: r.id, data: toData(r) });
      return this.view(r);
    });
  }

  get(id: string): Promise<ArcoRequestView> {
    return this.db.tx(async (em) => this.view(await this.require(em, id)));
  }

  update(dto: UpdateArcoRequest): Promise<ArcoRequestView> {
    return this.db.tx(async (em) => {
      const r = await this.require(em, dto.id, true);
      if (!canMove(r.status, dto.status)) throw ArcoErrors.transition(r.folio, r.status, dto.status);
      const now = this.clock.now();
      r.status = dto.status;
      if (dto.resolution !== undefined) r.resolution = dto.resolution;
      if (!isAwaitingAnswer(dto.status) && dto.status !== 'procedente') r.resolvedAt = now;
      r.updatedAt = now;
      await em.getRepository(ArcoRequestEntity).save(r);
      await this.outbox.add({ type: CustomerEvents.arcoRequestUpdated.type, subject: r.id, data: toData(r) });
      return this.view(r);
    });
  }

  list(dto: ListArcoQuery): Promise<Page<ArcoRequestView>> {
    return this.db.tx(async (em) => {
      const page = dto.page ?? 1;
      const size = dto.size ?? 50;
      const qb = em.getRepository(ArcoRequestEntity).createQueryBuilder('r').where('r.tenantId = :tenant', { tenant: TenantContext.tenantId() });
      if (dto.status) qb.andWhere('r.status = :status', { status: dto.status });
      if (dto.personId) qb.andWhere('r.personId = :personId', { personId: dto.personId });
      if (dto.overdue) qb.andWhere(`r.status IN ('recibida', 'en_proceso') AND r.dueDate < :today`, { today: this.clock.today() });
      const [rows, total] = await qb.orderBy('r.dueDate', 'ASC').addOrderBy('r.folio', 'ASC').skip((page - 1) * size).take(size).getManyAndCount();
      return { data: rows.map((r) => this.view(r)), page: { number: page, size, total } };
    });
  }

  private async require(em: EntityManager, id: string, lock = false): Promise<ArcoRequestEntity> {
    const qb = em.getRepository(ArcoRequestEntity).createQueryBuilder('r').where('r.id = :id AND r.tenantId = :tenant', { id, tenant: TenantContext.tenantId() });
    if (lock) qb.setLock('pessimistic_write');
    const r = await qb.getOne();
    if (!r) throw ArcoErrors.notFound(id);
    return r;
  }

  /** Everything customer holds about the person: identity, channels and consents, vulnerabilities, contracts, tomas. */
  private async exportPersonData(em: EntityManager, personId: string, now: Date): Promise<Record<string, unknown>> {
    const person = await this.persons.get(personId);
    const contracts = await em.getRepository(ContractEntity).find({ where: { personId, tenantId: TenantContext.tenantId() }, order: { contractNumber: 'ASC' } });
    const tomaIds = [...new Set(contracts.map((c) => c.tomaId))];
    const tomas = tomaIds.length
      ? await em.getRepository(TomaEntity).createQueryBuilder('t').innerJoinAndSelect('t.address', 'a').where('t.id IN (:...ids)', { ids: tomaIds }).getMany()
      : [];
    const numbers = new Map(tomas.map((t) => [t.id, t.tomaNumber]));
    return {
      generatedAt: now.toISOString(),
      controller: TenantContext.current()?.tenantSlug ?? TenantContext.tenantId(),
      person,
      contracts: contracts.map((c) => toContractView(c, numbers.get(c.tomaId) ?? '')),
      tomas: tomas.map(toTomaView),
    };
  }

  private view(r: ArcoRequestEntity): ArcoRequestView {
    return {
      id: r.id,
      folio: r.folio,
      personId: r.personId,
      right: r.right,
      status: r.status,
      description: r.description,
      channel: r.channel,
      receivedAt: r.receivedAt.toISOString(),
      dueDate: r.dueDate,
      overdue: isOverdue(r.status, r.dueDate, this.clock.today()),
      resolution: r.resolution,
      resolvedAt: r.resolvedAt ? r.resolvedAt.toISOString() : null,
      export: r.export,
      createdAt: r.createdAt.toISOString(),
    };
  }
}

const toData = (r: ArcoRequestEntity): ArcoRequestData => ({
  requestId: r.id,
  folio: r.folio,
  personId: r.personId,
  right: r.right,
  status: r.status,
  dueDate: r.dueDate,
});

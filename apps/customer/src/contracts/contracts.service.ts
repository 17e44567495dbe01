import { Injectable } from '@nestjs/common';
import { v7 as uuidv7 } from 'uuid';
import type { EntityManager } from 'typeorm';
import {
  CustomerEvents,
  type ChangeHolderRequest,
  type ContractHolderChangedData,
  type ContractTerminatedData,
  type ContractView,
  type CreateContractRequest,
  type HolderChangeView,
  type ListContractsQuery,
  type Page,
  type SuspendContractRequest,
  type TerminateContractRequest,
  type UpdateContractRequest,
} from '@supra/contracts';
import { ServiceDatabase } from '@supra/platform/database';
import { Outbox } from '@supra/platform/messaging';
import { TenantContext } from '@supra/platform/tenancy';
import { PersonsService } from '../persons/persons.service';
import { Clock } from '../shared/clock';
import { formatNumber, nextCounterValue } from '../shared/counters';
import { uniqueViolation } from '../shared/pg-errors';
import type { TomaEntity } from '../tomas/entities/toma.entity';
import { TomasService } from '../tomas/tomas.service';
import { ContractRepository } from './contract.repository';
import { toContractSnapshot, toContractView } from './contract.mapper';
import { ContractErrors } from './contracts.errors';
import { ContractEntity } from './entities/contract.entity';
import { HolderChangeEntity } from './entities/holder-change.entity';

const TERMS = ['tariffCategory', 'billingPeriod', 'paymentMethod', 'notes'] as const;

/**
 * The contract lifecycle: alta, terms, suspension, baja, and change of holder / subrogation.
 * Every operation locks the rows it changes (toma for an alta, contract otherwise) and writes its
 * events to the outbox in the same transaction.
 */
@Injectable()
export class ContractsService {
  constructor(
    private readonly db: ServiceDatabase,
    private readonly outbox: Outbox,
    private readonly contracts: ContractRepository,
    private readonly persons: PersonsService,
    private readonly tomas: TomasService,
    private readonly clock: Clock,
  ) {}

  create(dto: CreateContractRequest): Promise<ContractView> {
    return this.db.tx(async (em) => {
      await this.persons.require(dto.personId);
      // Locking the toma serialises altas on it; the partial unique index is the last word.
      const toma = await this.tomas.require(dto.tomaId, true);
      const live = await this.contracts.findLiveForToma(toma.id);
      if (live) throw ContractErrors.activeExists(toma.tomaNumber, live.contractNumber);
      const c = await this.insertContract(em, toma, {
        personId: dto.personId,
        tariffCategory: dto.tariffCategory ?? toma.tomaType,
        billingPeriod: dto.billingPeriod ?? 'mensual',
        paymentMethod: dto.paymentMethod ?? 'ventanilla',
        startDate: dto.startDate ?? this.clock.today(),
        notes: dto.notes ?? null,
        previousContractId: null,
      });
      if (toma.status === 'pendiente_alta' || toma.status === 'baja') await this.tomas.setStatus(toma, 'activa');
      return toContractView(c, toma.tomaNumber);
    });
  }

  get(id: string): Promise<ContractView> {
    return this.db.tx(async () => {
      const c = await this.require(id);
      return this.view(c);
    });
  }

  list(dto: ListContractsQuery): Promise<Page<ContractView>> {
    return this.db.tx(async () => {
      const page = dto.page ?? 1;
      const size = dto.size ?? 50;
      const [rows, total] = await this.contracts.list(dto, (page - 1) * size, size);
      const numbers = await this.contracts.tomaNumbers([...new Set(rows.map((r) => r.tomaId))]);
      return { data: rows.map((r) => toContractView(r, numbers.get(r.tomaId) ?? '')), page: { number: page, size, total } };
    });
  }

  update(dto: UpdateContractRequest): Promise<ContractView> {
    return this.db.tx(async () => {
      const c = await this.require(dto.id, true);
      if (c.status === 'baja') throw ContractErrors.notActive(c.contractNumber, c.status);
      const before = { ...c };
      for (const f of TERMS) if (dto[f] !== undefined) (c as unknown as Record<string, unknown>)[f] = dto[f];
      const changed: string[] = TERMS.filter((f) => before[f] !== c[f]);
      const tomaNumber = await this.tomaNumber(c.tomaId);
      if (changed.length) {
        c.updatedAt = this.clock.now();
        await this.contracts.save(c);
        await this.outbox.add({ type: CustomerEvents.contractUpdated.type, subject: c.id, data: { ...toContractSnapshot(c, tomaNumber), changed } });
      }
      return toContractView(c, tomaNumber);
    });
  }

  /** Baja: the contract ends on `effectiveDate`; metering takes the final reading (event). */
  terminate(dto: TerminateContractRequest): Promise<ContractView> {
    return this.db.tx(async () => {
      const c = await this.require(dto.id, true);
      if (c.status === 'baja') throw ContractErrors.notActive(c.contractNumber, c.status);
      const effectiveDate = this.effectiveDate(c, dto.effectiveDate);
      const toma = await this.tomas.require(c.tomaId, true);
      await this.end(c, toma.tomaNumber, dto.reason, effectiveDate);
      await this.tomas.setStatus(toma, 'baja');
      return toContractView(c, toma.tomaNumber);
    });
  }

  /**
   * Cambio de titular or subrogation: the current contract ends (with a final reading, so each
   * holder pays their own consumption) and a new one, with a new number and the same terms, starts
   * for the new holder on the same day. The debt-transfer flag travels in the event for billing
   * and collections, which own balances.
   */
  changeHolder(dto: ChangeHolderRequest): Promise<HolderChangeView> {
    return this.db.tx(async (em) => {
      const kind = dto.kind ?? 'cambio_titular';
      const old = await this.require(dto.id, true);
      if (old.status === 'baja') throw ContractErrors.notActive(old.contractNumber, old.status);
      if (dto.newPersonId === old.personId) throw ContractErrors.invalid('newPersonId', 'HOLDER_UNCHANGED', 'The new holder is the current holder');
      if (dto.debtAmount !== undefined && !dto.transferDebt) {
        throw ContractErrors.invalid('debtAmount', 'DEBT_AMOUNT_WITHOUT_TRANSFER', 'debtAmount only applies when transferDebt is true');
      }
      await this.persons.require(dto.newPersonId);
      const effectiveDate = this.effectiveDate(old, dto.effectiveDate);
      const toma = await this.tomas.require(old.tomaId, true);
      const previous = { ...old };
      await this.end(old, toma.tomaNumber, dto.reason ?? (kind === 'subrogacion' ? 'Subrogación' : 'Cambio de titular'), effectiveDate, kind);
      const next = await this.insertContract(em, toma, {
        personId: dto.newPersonId,
        tariffCategory: old.tariffCategory,
        billingPeriod: old.billingPeriod,
        paymentMethod: old.paymentMethod,
        startDate: effectiveDate,
        notes: null,
        previousContractId: old.id,
      });
      await this.contracts.insertHolderChange(
        Object.assign(new HolderChangeEntity(), {
          id: uuidv7(),
          tenantId: TenantContext.tenantId(),
          kind,
          fromContractId: old.id,
          toContractId: next.id,
          fromPersonId: previous.personId,
          toPersonId: dto.newPersonId,
          transferDebt: dto.transferDebt,
          debtAmount: dto.debtAmount ?? null,
          reason: dto.reason ?? null,
          effectiveDate,
          createdAt: this.clock.now(),
        }),
      );
      const data: ContractHolderChangedData = {
        kind,
        previousContractId: old.id,
        previousContractNumber: old.contractNumber,
        contractId: next.id,
        contractNumber: next.contractNumber,
        tomaId: toma.id,
        tomaNumber: toma.tomaNumber,
        previousPersonId: previous.personId,
        newPersonId: dto.newPersonId,
        transferDebt: dto.transferDebt,
        debtAmount: dto.debtAmount ?? null,
        effectiveDate,
      };
      await this.outbox.add({ type: CustomerEvents.contractHolderChanged.type, subject: next.id, data });
      return {
        kind,
        transferDebt: dto.transferDebt,
        debtAmount: dto.debtAmount ?? null,
        previous: toContractView(old, toma.tomaNumber),
        current: toContractView(next, toma.tomaNumber),
      };
    });
  }

  suspend(dto: SuspendContractRequest): Promise<ContractView> {
    return this.db.tx(async () => {
      const c = await this.require(dto.id, true);
      if (c.status !== 'activo') throw ContractErrors.notActive(c.contractNumber, c.status);
      const toma = await this.tomas.require(c.tomaId, true);
      c.status = 'suspendido';
      c.suspensionReason = dto.reason;
      c.updatedAt = this.clock.now();
      await this.contracts.save(c);
      await this.outbox.add({
        type: CustomerEvents.contractSuspended.type,
        subject: c.id,
        data: { contractId: c.id, contractNumber: c.contractNumber, tomaId: toma.id, tomaNumber: toma.tomaNumber, personId: c.personId, reason: dto.reason },
      });
      await this.tomas.setStatus(toma, 'suspendida');
      return toContractView(c, toma.tomaNumber);
    });
  }

  reactivate(id: string): Promise<ContractView> {
    return this.db.tx(async () => {
      const c = await this.require(id, true);
      if (c.status !== 'suspendido') throw ContractErrors.notSuspended(c.contractNumber, c.status);
      const toma = await this.tomas.require(c.tomaId, true);
      c.status = 'activo';
      c.suspensionReason = null;
      c.updatedAt = this.clock.now();
      await this.contracts.save(c);
      await this.outbox.add({
        type: CustomerEvents.contractReactivated.type,
        subject: c.id,
        data: { contractId: c.id, contractNumber: c.contractNumber, tomaId: toma.id, tomaNumber: toma.tomaNumber, personId: c.personId },
      });
      if (toma.status === 'suspendida') await this.tomas.setStatus(toma, 'activa');
      return toContractView(c, toma.tomaNumber);
    });
  }

  private async require(id: string, lock = false): Promise<ContractEntity> {
    const c = await this.contracts.findById(id, lock);
    if (!c) throw ContractErrors.notFound(id);
    return c;
  }

  private async view(c: ContractEntity): Promise<ContractView> {
    return toContractView(c, await this.tomaNumber(c.tomaId));
  }

  private async tomaNumber(tomaId: string): Promise<string> {
    return (await this.contracts.tomaNumbers([tomaId])).get(tomaId) ?? '';
  }

  private effectiveDate(c: ContractEntity, requested?: string): string {
    const date = requested ?? this.clock.today();
    if (date < c.startDate) throw ContractErrors.invalid('effectiveDate', 'BEFORE_CONTRACT_START', `The contract starts on ${c.startDate}`);
    return date;
  }

  private async end(c: ContractEntity, tomaNumber: string, reason: string, effectiveDate: string, holderChange?: 'cambio_titular' | 'subrogacion'): Promise<void> {
    c.status = 'baja';
    c.endDate = effectiveDate;
    c.terminationReason = reason;
    c.suspensionReason = null;
    c.updatedAt = this.clock.now();
    await this.contracts.save(c);
    const data: ContractTerminatedData = {
      contractId: c.id,
      contractNumber: c.contractNumber,
      tomaId: c.tomaId,
      tomaNumber,
      personId: c.personId,
      reason,
      effectiveDate,
      finalReadingRequested: true,
      ...(holderChange ? { holderChange } : {}),
    };
    await this.outbox.add({ type: CustomerEvents.contractTerminated.type, subject: c.id, data });
  }

  /** Numbers the contract from the tenant counter (gapless: same transaction) and inserts it. */
  private async insertContract(
    em: EntityManager,
    toma: TomaEntity,
    terms: Pick<ContractEntity, 'personId' | 'tariffCategory' | 'billingPeriod' | 'paymentMethod' | 'startDate' | 'notes' | 'previousContractId'>,
  ): Promise<ContractEntity> {
    const now = this.clock.now();
    const c = Object.assign(new ContractEntity(), {
      id: uuidv7(),
      tenantId: TenantContext.tenantId(),
      contractNumber: formatNumber('C', await nextCounterValue(em, 'contract')),
      tomaId: toma.id,
      status: 'activo' as const,
      endDate: null,
      terminationReason: null,
      suspensionReason: null,
      createdAt: now,
      updatedAt: now,
      ...terms,
    });
    try {
      await this.contracts.insert(c);
    } catch (e) {
      if (uniqueViolation(e) === 'contracts_one_active_per_toma') throw ContractErrors.activeExists(toma.tomaNumber);
      throw e;
    }
    await this.outbox.add({
      type: CustomerEvents.contractCreated.type,
      subject: c.id,
      data: { ...toContractSnapshot(c, toma.tomaNumber), previousContractId: c.previousContractId },
    });
    return c;
  }
}

import { Injectable } from '@nestjs/common';
import { v7 as uuidv7 } from 'uuid';
import {
  CustomerEvents,
  type AddressInput,
  type CreateTomaRequest,
  type ListTomasQuery,
  type Page,
  type TomaStatus,
  type TomaUpdatedData,
  type TomaView,
  type UpdateTomaRequest,
} from '@supra/contracts';
import { validatePostalCode } from '@supra/domain/mexico';
import { ServiceDatabase } from '@supra/platform/database';
import { Outbox } from '@supra/platform/messaging';
import { TenantContext } from '@supra/platform/tenancy';
import { Clock } from '../shared/clock';
import { formatNumber, nextCounterValue } from '../shared/counters';
import { uniqueViolation } from '../shared/pg-errors';
import { AddressEntity } from './entities/address.entity';
import { TomaEntity } from './entities/toma.entity';
import { toTomaSnapshot, toTomaView } from './toma.mapper';
import { TomaRepository } from './toma.repository';
import { TomaErrors } from './tomas.errors';

const TRACKED = ['tomaType', 'status', 'billingType', 'unitsServed', 'sector', 'route', 'latitude', 'longitude', 'notes'] as const;

@Injectable()
export class TomasService {
  constructor(
    private readonly db: ServiceDatabase,
    private readonly outbox: Outbox,
    private readonly tomas: TomaRepository,
    private readonly clock: Clock,
  ) {}

  create(dto: CreateTomaRequest): Promise<TomaView> {
    return this.db.tx(async (em) => {
      this.checkAddress(dto.address, 'address');
      const now = this.clock.now();
      const tenantId = TenantContext.tenantId();
      const address = this.addressEntity(uuidv7(), dto.address, now);
      await this.tomas.insertAddress(address);
      const t = Object.assign(new TomaEntity(), {
        id: uuidv7(),
        tenantId,
        tomaNumber: dto.tomaNumber ?? formatNumber('T', await nextCounterValue(em, 'toma')),
        addressId: address.id,
        address,
        tomaType: dto.tomaType,
        status: dto.status ?? 'pendiente_alta',
        billingType: dto.billingType,
        unitsServed: dto.unitsServed ?? 1,
        sector: dto.sector ?? null,
        route: dto.route ?? null,
        latitude: dto.latitude ?? null,
        longitude: dto.longitude ?? null,
        notes: dto.notes ?? null,
        createdAt: now,
        updatedAt: now,
      });
      try {
        await this.tomas.insert(t);
      } catch (e) {
        if (uniqueViolation(e) === 'tomas_number_unique') throw TomaErrors.numberExists(t.tomaNumber);
        throw e;
      }
      await this.outbox.add({ type: CustomerEvents.tomaCreated.type, subject: t.id, data: toTomaSnapshot(t) });
      return toTomaView(t);
    });
  }

  get(id: string): Promise<TomaView> {
    return this.db.tx(async () => toTomaView(await this.require(id)));
  }

  /** The toma inside the caller's transaction, optionally locked; 404 when absent. */
  async require(id: string, lock = false): Promise<TomaEntity> {
    const t = await this.tomas.findById(id, lock);
    if (!t) throw TomaErrors.notFound(id);
    return t;
  }

  update(dto: UpdateTomaRequest): Promise<TomaView> {
    return this.db.tx(async () => {
      const t = await this.require(dto.id, true);
      const before = { ...t };
      for (const f of TRACKED) if (dto[f] !== undefined) (t as unknown as Record<string, unknown>)[f] = dto[f];
      const changed: string[] = TRACKED.filter((f) => before[f] !== t[f]);
      if (dto.address) {
        this.checkAddress(dto.address, 'address');
        const a = this.addressEntity(t.address.id, dto.address, this.clock.now(), t.address.createdAt);
        if (JSON.stringify(toComparable(a)) !== JSON.stringify(toComparable(t.address))) {
          await this.tomas.saveAddress(a);
          t.address = a;
          changed.push('address');
        }
      }
      if (changed.length) await this.persistChange(t, changed, before.status);
      return toTomaView(t);
    });
  }

  /** Status change driven by a contract's lifecycle, in the contract's transaction. */
  async setStatus(t: TomaEntity, status: TomaStatus): Promise<void> {
    if (t.status === status) return;
    const previous = t.status;
    t.status = status;
    await this.persistChange(t, ['status'], previous);
  }

  list(dto: ListTomasQuery): Promise<Page<TomaView>> {
    return this.db.tx(async () => {
      const page = dto.page ?? 1;
      const size = dto.size ?? 50;
      const [rows, total] = await this.tomas.list(dto, (page - 1) * size, size);
      return { data: rows.map(toTomaView), page: { number: page, size, total } };
    });
  }

  private async persistChange(t: TomaEntity, changed: string[], previousStatus: TomaStatus): Promise<void> {
    t.updatedAt = this.clock.now();
    await this.tomas.save(t);
    const data: TomaUpdatedData = { ...toTomaSnapshot(t), changed, ...(t.status !== previousStatus ? { previousStatus } : {}) };
    await this.outbox.add({ type: CustomerEvents.tomaUpdated.type, subject: t.id, data });
  }

  private checkAddress(a: AddressInput, field: string): void {
    const p = validatePostalCode(a.postalCode);
    if (!p.valid) {
      throw TomaErrors.invalid([{ field: `${field}.postalCode`, code: p.errorCode ?? 'POSTAL_CODE_FORMAT', message: `${a.postalCode} is not a Mexican postal code` }]);
    }
  }

  private addressEntity(id: string, a: AddressInput, now: Date, createdAt = now): AddressEntity {
    return Object.assign(new AddressEntity(), {
      id,
      tenantId: TenantContext.tenantId(),
      street: a.street.trim(),
      exteriorNumber: a.exteriorNumber.trim(),
      interiorNumber: a.interiorNumber?.trim() || null,
      colonia: a.colonia.trim(),
      municipality: a.municipality.trim(),
      state: a.state.trim(),
      postalCode: a.postalCode.trim(),
      references: a.references?.trim() || null,
      createdAt,
      updatedAt: now,
    });
  }
}

const toComparable = (a: AddressEntity) => [a.street, a.exteriorNumber, a.interiorNumber, a.colonia, a.municipality, a.state, a.postalCode, a.references];

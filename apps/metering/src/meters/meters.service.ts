import { Injectable } from '@nestjs/common';
import { v7 as uuidv7 } from 'uuid';
import type { EntityManager } from 'typeorm';
import {
  MeterInstalledV1,
  MeterRemovedV1,
  type CreateMeterRequest,
  type InstallMeterRequest,
  type MeterInstalledData,
  type MeterRemovedData,
  type MeterSpecInput,
  type MeterView,
  type RemoveMeterRequest,
  type ReplaceMeterRequest,
  type ReplaceMeterView,
} from '@supra/contracts';
import { ServiceDatabase } from '@supra/platform/database';
import { Outbox } from '@supra/platform/messaging';
import { TenantContext } from '@supra/platform/tenancy';
import { Dec } from '@supra/domain/money';
import { fmtM3, m3 } from '../vee/m3';
import { Clock } from '../shared/clock';
import { meteringError } from '../shared/metering.errors';
import { iso, one, rows } from '../shared/sql';

export interface MeterRow {
  id: string;
  serial: string;
  brand: string | null;
  model: string | null;
  diameter_mm: number | null;
  meter_type: MeterView['meterType'];
  device_eui: string | null;
  register_digits: number;
  status: MeterView['status'];
  toma_id: string | null;
  installed_at: Date | null;
  removed_at: Date | null;
}

const DEFAULT_DIGITS = 5;

/** Meters: registration, installation on a toma, removal and exchange. Boundary readings are real readings. */
@Injectable()
export class MetersService {
  constructor(
    private readonly db: ServiceDatabase,
    private readonly outbox: Outbox,
    private readonly clock: Clock,
  ) {}

  create(dto: CreateMeterRequest): Promise<MeterView> {
    return this.db.tx(async (em) => {
      const id = await this.insertMeter(em, dto);
      if (dto.tomaId) await this.installIn(em, id, dto.tomaId, this.at(dto.installedAt), dto.initialRegisterM3 ?? '0');
      return this.view(em, id);
    });
  }

  get(id: string): Promise<MeterView> {
    return this.db.tx((em) => this.view(em, id));
  }

  install(dto: InstallMeterRequest): Promise<MeterView> {
    return this.db.tx(async (em) => {
      await this.installIn(em, dto.id, dto.tomaId, this.at(dto.installedAt), dto.initialRegisterM3);
      return this.view(em, dto.id);
    });
  }

  remove(dto: RemoveMeterRequest): Promise<MeterView> {
    return this.db.tx(async (em) => {
      await this.removeIn(em, dto.id, this.at(dto.removedAt), dto.finalReadingM3, dto.reason);
      return this.view(em, dto.id);
    });
  }

  /**
   * Exchange: the old meter's final reading and the new meter's initial reading at the same instant (the
   * removal a millisecond before, so the chain orders them). Consumption across it is counted as
   * (final_old - previous) + (current - initial_new) by the consumption chain.
   */
  replace(dto: ReplaceMeterRequest): Promise<ReplaceMeterView> {
    return this.db.tx(async (em) => {
      const old = await this.row(em, dto.id);
      if (old.status !== 'installed' || !old.toma_id) throw meteringError('METERING.METER_NOT_INSTALLED', `Meter ${old.serial} is not installed`, { meterId: old.id });
      const at = this.at(dto.replacedAt);
      const newId = await this.insertMeter(em, dto.newMeter);
      const finalReadingId = await this.removeIn(em, old.id, new Date(at.getTime() - 1), dto.finalReadingM3, dto.reason ?? 'exchange', newId);
      const initialReadingId = await this.installIn(em, newId, old.toma_id, at, dto.initialReadingM3);
      return { oldMeter: await this.view(em, old.id), newMeter: await this.view(em, newId), finalReadingId, initialReadingId };
    });
  }

  async row(em: EntityManager, id: string): Promise<MeterRow> {
    const r = await one<MeterRow>(em, `SELECT * FROM metering.meters WHERE id = $1`, [id]);
    if (!r) throw meteringError('METERING.METER_NOT_FOUND', `Meter ${id} was not found`, { id });
    return r;
  }

  async view(em: EntityManager, id: string): Promise<MeterView> {
    const m = await this.row(em, id);
    const last = await one<{ value_m3: string; read_at: Date }>(
      em,
      `SELECT value_m3, read_at FROM metering.readings WHERE meter_id = $1 AND value_m3 IS NOT NULL AND status <> 'rejected' ORDER BY read_at DESC LIMIT 1`,
      [id],
    );
    return {
      id: m.id,
      serial: m.serial,
      brand: m.brand,
      model: m.model,
      diameterMm: m.diameter_mm,
      meterType: m.meter_type,
      deviceEui: m.device_eui,
      registerDigits: m.register_digits,
      status: m.status,
      tomaId: m.toma_id,
      installedAt: iso(m.installed_at),
      removedAt: iso(m.removed_at),
      lastReading: last ? { valueM3: last.value_m3, readAt: iso(last.read_at) as string } : null,
    };
  }

  private at(value: string | undefined): Date {
    return value ? new Date(value) : this.clock.now();
  }

  async insertMeter(em: EntityManager, spec: MeterSpecInput): Promise<string> {
    const id = uuidv7();
    const inserted = await rows(
      em,
      `INSERT INTO metering.meters (id, tenant_id, serial, brand, model, diameter_mm, meter_type, device_eui, register_digits, status)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'removed') ON CONFLICT DO NOTHING RETURNING id`,
      [id, TenantContext.tenantId(), spec.serial, spec.brand ?? null, spec.model ?? null, spec.diameterMm ?? null, spec.meterType, spec.deviceEui ?? null, spec.registerDigits ?? DEFAULT_DIGITS],
    );
    if (!inserted.length) throw meteringError('METERING.METER_SERIAL_TAKEN', `A meter with serial ${spec.serial} or device EUI ${spec.deviceEui ?? '-'} already exists`, { serial: spec.serial });
    return id;
  }

  /** Installs and records the initial register as a reading; returns that reading's id. */
  async installIn(em: EntityManager, meterId: string, tomaId: string, at: Date, initialRegister: string): Promise<string> {
    const m = await this.row(em, meterId);
    if (m.status === 'installed') throw meteringError('METERING.METER_ALREADY_INSTALLED', `Meter ${m.serial} is already installed`, { meterId, tomaId: m.toma_id });
    const value = this.fits(initialRegister, m);
    await em.query(`UPDATE metering.meters SET status = 'installed', toma_id = $2, installed_at = $3, removed_at = NULL WHERE id = $1`, [meterId, tomaId, at]);
    const readingId = uuidv7();
    await em.query(
      `INSERT INTO metering.readings (id, tenant_id, meter_id, toma_id, value_m3, read_at, source, status)
       VALUES ($1, $2, $3, $4, $5, $6, 'installation', 'valid')`,
      [readingId, TenantContext.tenantId(), meterId, tomaId, value, at],
    );
    const data: MeterInstalledData = {
      meterId,
      serial: m.serial,
      ...(m.device_eui ? { deviceEui: m.device_eui } : {}),
      tomaId,
      installedAt: at.toISOString(),
      initialRegisterM3: value,
      meterType: m.meter_type,
      registerDigits: m.register_digits,
    };
    await this.outbox.add({ type: MeterInstalledV1.type, subject: meterId, data }, em);
    return readingId;
  }

  async removeIn(em: EntityManager, meterId: string, at: Date, finalRegister: string, reason?: string, replacedBy?: string): Promise<string> {
    const m = await this.row(em, meterId);
    if (m.status !== 'installed' || !m.toma_id) throw meteringError('METERING.METER_NOT_INSTALLED', `Meter ${m.serial} is not installed`, { meterId });
    const value = this.fits(finalRegister, m);
    const readingId = uuidv7();
    await em.query(
      `INSERT INTO metering.readings (id, tenant_id, meter_id, toma_id, value_m3, read_at, source, status)
       VALUES ($1, $2, $3, $4, $5, $6, 'removal', 'valid')`,
      [readingId, TenantContext.tenantId(), meterId, m.toma_id, value, at],
    );
    await em.query(`UPDATE metering.meters SET status = 'removed', removed_at = $2, replaced_by = $3 WHERE id = $1`, [meterId, at, replacedBy ?? null]);
    const data: MeterRemovedData = {
      meterId,
      serial: m.serial,
      ...(m.device_eui ? { deviceEui: m.device_eui } : {}),
      tomaId: m.toma_id,
      removedAt: at.toISOString(),
      finalRegisterM3: value,
      ...(replacedBy ? { replacedByMeterId: replacedBy } : {}),
      ...(reason ? { reason } : {}),
    };
    await this.outbox.add({ type: MeterRemovedV1.type, subject: meterId, data }, em);
    return readingId;
  }

  /** A register value must fit the meter's register (0 .. 10^digits - 0.001). */
  private fits(value: string, m: MeterRow): string {
    const v = m3(value, 'register');
    if (v.isNegative() || v.gte(new Dec(10).pow(m.register_digits))) {
      throw meteringError('METERING.REGISTER_OUT_OF_RANGE', `Register ${value} does not fit the ${m.register_digits}-digit register of ${m.serial}`, { value, digits: m.register_digits });
    }
    return fmtM3(v);
  }
}

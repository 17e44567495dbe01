import { Injectable } from '@nestjs/common';
import { v7 as uuidv7 } from 'uuid';
import type { EntityManager } from 'typeorm';
import type { ContractTerminatedData, EstimateFinalReadingRequest, FinalReadingView, ListFinalReadingsQuery, Page, RecordFinalReadingRequest } from '@supra/contracts';
import { ServiceDatabase } from '@supra/platform/database';
import { TenantContext } from '@supra/platform/tenancy';
import { addDays, daysBetween, periodForLocalDate, startOfLocalDay } from '@supra/domain/periods';
import { ConsumptionService } from '../consumption/consumption.service';
import type { MeterRow } from '../meters/meters.service';
import { BILLABLE_STATUSES, ReadingsService, type UsableReading } from '../readings/readings.service';
import { Clock } from '../shared/clock';
import { meteringError } from '../shared/metering.errors';
import { iso, one, pageOf, rows } from '../shared/sql';
import { SettingsService } from '../settings/settings.service';

interface FinalRow {
  id: string;
  contract_id: string;
  toma_id: string;
  effective_date: string;
  terminates_at: Date;
  status: 'pending' | 'completed';
  reading_id: string | null;
  billable_id: string | null;
  requested_at: Date;
  completed_at: Date | null;
}

const COLUMNS = `id, contract_id, toma_id, to_char(effective_date, 'YYYY-MM-DD') AS effective_date, terminates_at, status, reading_id, billable_id, requested_at, completed_at`;

/**
 * The final reading of a terminated contract (baja or change of holder) and its final billable consumption.
 * The final reading is the last usable reading of the effective day; failing that, a field reader's reading
 * taken after it, or (once a smart meter reports past the termination) the last reading before it. Until
 * one exists the request is pending: the field readers' work list (`GET /final-readings`).
 */
@Injectable()
export class FinalReadingsService {
  constructor(
    private readonly db: ServiceDatabase,
    private readonly readings: ReadingsService,
    private readonly consumption: ConsumptionService,
    private readonly clock: Clock,
    private readonly settings: SettingsService,
  ) {
    // Any reading that becomes usable on a toma may be the final reading its pending request waits for.
    readings.onUsable((em, r) => this.onUsableReading(em, r));
  }

  /** `customer.contract.terminated.v1`: opens the request (once per contract) and completes it if it can. */
  async request(em: EntityManager, d: ContractTerminatedData): Promise<void> {
    const terminatesAt = startOfLocalDay(addDays(d.effectiveDate, 1), (await this.settings.of(em)).timeZone);
    const created = await rows<FinalRow>(
      em,
      `INSERT INTO metering.final_readings (id, tenant_id, contract_id, toma_id, effective_date, terminates_at, status, requested_at)
       VALUES ($1,$2,$3,$4,$5,$6,'pending',$7) ON CONFLICT (tenant_id, contract_id) DO NOTHING RETURNING ${COLUMNS}`,
      [uuidv7(), TenantContext.tenantId(), d.contractId, d.tomaId, d.effectiveDate, terminatesAt, this.clock.now()],
    );
    if (created[0]) await this.tryComplete(em, created[0]);
  }

  list(q: ListFinalReadingsQuery): Promise<Page<FinalReadingView>> {
    const sql = { table: 'metering.final_readings', where: 'status = $1', params: [q.status ?? 'pending'], order: 'effective_date, id', columns: COLUMNS };
    return this.db.tx((em) => pageOf(em, sql, q, (r: FinalRow) => toView(r)));
  }

  /** A field reader's final reading: recorded on the toma's meter (VEE runs); a usable one completes the request. */
  recordReading(dto: RecordFinalReadingRequest): Promise<FinalReadingView> {
    return this.db.tx(async (em) => {
      const { id, ...body } = dto;
      const fr = await this.row(em, id);
      if (fr.status === 'completed') {
        throw meteringError('METERING.FINAL_READING_COMPLETED', `The final reading of contract ${fr.contract_id} was already taken`, { id, readingId: fr.reading_id });
      }
      const meter = await one<MeterRow>(em, `SELECT * FROM metering.meters WHERE toma_id = $1 AND status = 'installed' ORDER BY installed_at DESC LIMIT 1`, [fr.toma_id]);
      if (!meter) throw meteringError('METERING.METER_NOT_INSTALLED', `Toma ${fr.toma_id} has no installed meter`, { tomaId: fr.toma_id });
      await this.readings.recordIn(em, meter, { ...body, source: 'manual' });
      return toView(await this.row(em, id));
    });
  }

  /** An operator's decision when no final reading can be taken: the days served in the period are estimated. */
  estimate(dto: EstimateFinalReadingRequest): Promise<FinalReadingView> {
    return this.db.tx(async (em) => {
      const fr = await this.row(em, dto.id, true);
      if (fr.status === 'completed') {
        throw meteringError('METERING.FINAL_READING_COMPLETED', `The final reading of contract ${fr.contract_id} was already taken`, { id: fr.id, readingId: fr.reading_id });
      }
      const period = await this.periodOf(em, fr);
      const days = daysBetween(period.firstDay, fr.effective_date) + 1;
      const outcome = await this.consumption.closeToma(em, fr.toma_id, fr.contract_id, period, { readingId: null, terminatesAt: new Date(fr.terminates_at), days, reason: dto.reason });
      if (typeof outcome === 'object') throw meteringError('METERING.FINAL_ESTIMATE_UNAVAILABLE', `Cannot estimate the final consumption: ${outcome.skipped}`, { id: fr.id });
      await this.complete(em, fr, period.key, null);
      return toView(await this.row(em, fr.id));
    });
  }

  private async onUsableReading(em: EntityManager, r: UsableReading): Promise<void> {
    const pending = await rows<FinalRow>(em, `SELECT ${COLUMNS} FROM metering.final_readings WHERE toma_id = $1 AND status = 'pending' ORDER BY terminates_at FOR UPDATE`, [r.tomaId]);
    for (const fr of pending) await this.tryComplete(em, fr);
  }

  private async tryComplete(em: EntityManager, fr: FinalRow): Promise<void> {
    const zone = (await this.settings.of(em)).timeZone;
    const reading = await this.finalReading(em, fr, startOfLocalDay(fr.effective_date, zone));
    if (!reading) return;
    const period = await this.periodOf(em, fr);
    await this.consumption.closeToma(em, fr.toma_id, fr.contract_id, period, { readingId: reading.id, readAt: new Date(reading.read_at), terminatesAt: new Date(fr.terminates_at) });
    await this.complete(em, fr, period.key, reading.id);
  }

  /** The billing period (the contract's frequency, the tenant's zone) that contains the effective day. */
  private async periodOf(em: EntityManager, fr: FinalRow) {
    const contract = await one<{ billing_period: string }>(em, `SELECT billing_period FROM metering.contracts WHERE id = $1`, [fr.contract_id]);
    return periodForLocalDate(fr.effective_date, contract?.billing_period === 'bimestral' ? 'bimonthly' : 'monthly', (await this.settings.of(em)).timeZone);
  }

  private async complete(em: EntityManager, fr: FinalRow, periodKey: string, readingId: string | null): Promise<void> {
    const billable = await one<{ id: string }>(
      em,
      `SELECT id FROM metering.billable_consumptions WHERE toma_id = $1 AND period = $2 AND contract_id = $3 AND final`,
      [fr.toma_id, periodKey, fr.contract_id],
    );
    await em.query(`UPDATE metering.final_readings SET status = 'completed', reading_id = $2, billable_id = $3, completed_at = $4 WHERE id = $1`, [
      fr.id,
      readingId,
      billable?.id ?? null,
      this.clock.now(),
    ]);
  }

  /** The reading that closes the contract, or undefined while there is none yet. */
  private async finalReading(em: EntityManager, fr: FinalRow, dayStart: Date): Promise<{ id: string; read_at: Date } | undefined> {
    const usable = `toma_id = $1 AND value_m3 IS NOT NULL AND status IN ${BILLABLE_STATUSES}`;
    const onTheDay = await one<{ id: string; read_at: Date }>(
      em,
      `SELECT id, read_at FROM metering.readings WHERE ${usable} AND read_at >= $2 AND read_at < $3 ORDER BY read_at DESC, id DESC LIMIT 1`,
      [fr.toma_id, dayStart, fr.terminates_at],
    );
    if (onTheDay) return onTheDay;
    const after = await one<{ id: string; read_at: Date; source: string }>(
      em,
      `SELECT id, read_at, source FROM metering.readings WHERE ${usable} AND read_at >= $2 ORDER BY read_at, id LIMIT 1`,
      [fr.toma_id, fr.terminates_at],
    );
    if (!after) return undefined;
    // A field reader sent after the date reads the meter as the contract left it.
    if (after.source !== 'smart') return after;
    // The meter reported past the termination without a reading of the day itself: its last one before.
    return one(em, `SELECT id, read_at FROM metering.readings WHERE ${usable} AND read_at < $2 ORDER BY read_at DESC, id DESC LIMIT 1`, [fr.toma_id, fr.terminates_at]);
  }

  private async row(em: EntityManager, id: string, lock = false): Promise<FinalRow> {
    const r = await one<FinalRow>(em, `SELECT ${COLUMNS} FROM metering.final_readings WHERE id = $1${lock ? ' FOR UPDATE' : ''}`, [id]);
    if (!r) throw meteringError('METERING.FINAL_READING_NOT_FOUND', `Final reading request ${id} was not found`, { id });
    return r;
  }
}

function toView(r: FinalRow): FinalReadingView {
  return {
    id: r.id,
    contractId: r.contract_id,
    tomaId: r.toma_id,
    effectiveDate: r.effective_date,
    terminatesAt: iso(r.terminates_at) as string,
    status: r.status,
    estimated: r.status === 'completed' && r.reading_id === null,
    readingId: r.reading_id,
    billableId: r.billable_id,
    requestedAt: iso(r.requested_at) as string,
    completedAt: iso(r.completed_at),
  };
}

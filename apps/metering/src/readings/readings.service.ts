import { Injectable } from '@nestjs/common';
import { v7 as uuidv7 } from 'uuid';
import type { EntityManager } from 'typeorm';
import type {
  ApproveReadingRequest,
  EditReadingRequest,
  ImportReadingsRequest,
  ImportReportView,
  ListReviewQueueQuery,
  ListTomaReadingsRequest,
  Page,
  ReadingIncidence,
  ReadingSource,
  ReadingStatus,
  ReadingView,
  RecordReadingBody,
  RejectReadingRequest,
} from '@supra/contracts';
import { ServiceDatabase } from '@supra/platform/database';
import { daysBetween, localDateOf } from '@supra/domain/periods';
import { TenantContext } from '@supra/platform/tenancy';
import { computeConsumption } from '../vee/consumption';
import type { HistoryPeriod } from '../vee/history';
import { fmtM3, m3 } from '../vee/m3';
import { validateReading, type RuleResult } from '../vee/validation-rules';
import { MetersService, type MeterRow } from '../meters/meters.service';
import { Clock } from '../shared/clock';
import { meteringError } from '../shared/metering.errors';
import { iso, one, pageOf, rows } from '../shared/sql';
import { SettingsService } from '../settings/settings.service';
import { parseReadingsCsv } from './csv-import';

interface ReadingRow {
  id: string;
  meter_id: string;
  toma_id: string | null;
  value_m3: string | null;
  read_at: Date;
  source: ReadingSource;
  status: ReadingStatus;
  consumption_m3: string | null;
  incidences: ReadingIncidence[];
  photo_url: string | null;
  lat: string | null;
  lng: string | null;
  reader: string | null;
  flags: ReadingView['flags'];
}

export interface NewReading extends RecordReadingBody {
  source: Extract<ReadingSource, 'manual' | 'import' | 'smart'>;
  importId?: string;
}

/** Incidences that make a read value doubtful even when VEE rules pass. */
const DOUBTFUL: ReadonlySet<ReadingIncidence> = new Set(['meter_damaged', 'meter_illegible', 'tampered']);
/** Statuses a consumption can be computed from. */
export const BILLABLE_STATUSES = `('valid','approved','edited')`;
/** Days a billable consumption covers: its measured span when recorded, else the period's length. */
const MEASURED_DAYS_SQL = `extract(epoch FROM coalesce((b.provenance->'inputs'->>'measuredTo')::timestamptz, b.period_end)
  - coalesce((b.provenance->'inputs'->>'measuredFrom')::timestamptz, b.period_start)) / 86400`;
/** Fewer tomas than this in a class and its average is not used (VEE class rules, class-average estimate). */
export const CLASS_MIN_TOMAS = 3;
const CLASS_CACHE_MS = 10 * 60 * 1000;
const CLASS_CACHE_ENTRIES = 10_000;
/** How far into the future a reading may be dated (clock skew of handhelds). */
export const FUTURE_TOLERANCE_MS = 60 * 60 * 1000;

/** A reading that just became usable for billing (recorded valid, approved or edited). */
export interface UsableReading {
  id: string;
  tomaId: string;
  readAt: Date;
  source: ReadingSource;
}
type UsableListener = (em: EntityManager, r: UsableReading) => Promise<void>;

/** Manual, imported and smart readings; VEE runs on each; the review queue with its audit trail. */
@Injectable()
export class ReadingsService {
  private readonly usableListeners: UsableListener[] = [];
  private readonly classCache = new Map<string, { daily: string | null; until: number }>();

  constructor(
    private readonly db: ServiceDatabase,
    private readonly meters: MetersService,
    private readonly clock: Clock,
    private readonly settings: SettingsService,
  ) {}

  /** Called, in the same transaction, for every reading that becomes usable (final readings wait on these). */
  onUsable(listener: UsableListener): void {
    this.usableListeners.push(listener);
  }

  async notifyUsable(em: EntityManager, r: UsableReading): Promise<void> {
    for (const listener of this.usableListeners) await listener(em, r);
  }

  record(meterId: string, body: RecordReadingBody): Promise<ReadingView> {
    return this.db.tx(async (em) => {
      const meter = await this.meters.row(em, meterId);
      const id = await this.recordIn(em, meter, { ...body, source: 'manual' });
      return this.view(em, id);
    });
  }

  /**
   * Stores one reading and its VEE verdict. The consumption it implies is measured from the meter's
   * previous usable reading (rollover-aware); readings must arrive in time order per meter.
   */
  async recordIn(em: EntityManager, meter: MeterRow, r: NewReading): Promise<string> {
    if (meter.status !== 'installed' || !meter.toma_id) {
      throw meteringError('METERING.METER_NOT_INSTALLED', `Meter ${meter.serial} is not installed on a toma`, { meterId: meter.id });
    }
    const readAt = r.readAt ? new Date(r.readAt) : this.clock.now();
    const incidences = r.incidences ?? [];
    if (r.valueM3 === undefined && incidences.length === 0) {
      throw meteringError('METERING.READING_VALUE_REQUIRED', 'A reading needs a value or an incidence explaining why there is none');
    }
    if (readAt.getTime() > this.clock.now().getTime() + FUTURE_TOLERANCE_MS) {
      throw meteringError('METERING.READING_OUT_OF_ORDER', `Reading dated in the future (${readAt.toISOString()})`, { readAt: readAt.toISOString() });
    }
    const prev = await one<{ id: string; value_m3: string; read_at: Date }>(
      em,
      `SELECT id, value_m3, read_at FROM metering.readings
        WHERE meter_id = $1 AND value_m3 IS NOT NULL AND status <> 'rejected' ORDER BY read_at DESC LIMIT 1`,
      [meter.id],
    );
    if (prev && readAt.getTime() <= new Date(prev.read_at).getTime()) {
      throw meteringError('METERING.READING_OUT_OF_ORDER', `Meter ${meter.serial} already has a reading at or after ${readAt.toISOString()}`, {
        meterId: meter.id,
        latestReadAt: iso(prev.read_at),
      });
    }

    let status: ReadingStatus = 'valid';
    let consumption: string | null = null;
    let flags: ReadingView['flags'] = [];
    let vee: Record<string, unknown> = {};
    if (r.valueM3 !== undefined && prev) {
      const value = fmtM3(m3(r.valueM3));
      const c = computeConsumption({ previousReading: prev.value_m3, currentReading: value, register: { digits: meter.register_digits } });
      consumption = c.consumptionM3;
      const zone = (await this.settings.of(em)).timeZone;
      const verdict = validateReading({
        consumptionM3: c.consumptionM3,
        days: Math.max(1, daysBetween(localDateOf(new Date(prev.read_at), zone), localDateOf(readAt, zone))),
        occupied: await this.occupied(em, meter.toma_id),
        history: await this.history(em, meter.toma_id),
        classAverageDailyM3: await this.classAverageDaily(em, meter.toma_id, readAt),
        registerReadings: [...(await this.lastValues(em, meter.id, 2)), value],
        readAt: readAt.toISOString(),
        window: { opensAt: new Date(prev.read_at).toISOString(), closesAt: new Date(this.clock.now().getTime() + FUTURE_TOLERANCE_MS).toISOString() },
      });
      status = verdict.status;
      flags = verdict.results.filter((x: RuleResult) => !x.passed).map((x) => ({ rule: x.rule, severity: x.severity, message: x.detail }));
      vee = { outcomes: verdict.outcomes, method: c.method, rolledOver: c.rolledOver, previousReadingId: prev.id };
    }
    const doubtful = incidences.filter((i) => DOUBTFUL.has(i));
    if (r.valueM3 !== undefined && doubtful.length && status === 'valid') {
      status = 'flagged';
      flags = [...flags, { rule: 'incidence', severity: 'flag', message: `Reader reported ${doubtful.join(', ')}` }];
    }
    const id = uuidv7();
    const inserted = await rows(
      em,
      `INSERT INTO metering.readings (id, tenant_id, meter_id, toma_id, value_m3, read_at, source, status, consumption_m3, incidences,
                                      photo_url, lat, lng, reader, flags, vee, import_id)
       VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17) ON CONFLICT DO NOTHING RETURNING id`,
      [
        id,
        TenantContext.tenantId(),
        meter.id,
        meter.toma_id,
        r.valueM3 === undefined ? null : fmtM3(m3(r.valueM3)),
        readAt,
        r.source,
        status,
        consumption,
        incidences,
        r.photoUrl ?? null,
        r.lat ?? null,
        r.lng ?? null,
        r.reader ?? null,
        JSON.stringify(flags),
        JSON.stringify(vee),
        r.importId ?? null,
      ],
    );
    if (!inserted.length) throw meteringError('METERING.READING_OUT_OF_ORDER', 'Duplicate reading', { meterId: meter.id, readAt: readAt.toISOString() });
    if (r.valueM3 !== undefined && status === 'valid') await this.notifyUsable(em, { id, tomaId: meter.toma_id, readAt, source: r.source });
    return id;
  }

  /** Imports a handheld file: every line is accepted or reported with its number and reason; the report is kept. */
  import(dto: ImportReadingsRequest): Promise<ImportReportView> {
    return this.db.tx(async (em) => {
      const parsed = parseReadingsCsv(dto.csv);
      const importId = uuidv7();
      await em.query(
        `INSERT INTO metering.reading_imports (id, tenant_id, file_name, total_lines, accepted, flagged, rejected, user_id) VALUES ($1,$2,$3,$4,0,0,'[]',$5)`,
        [importId, TenantContext.tenantId(), dto.fileName ?? null, parsed.totalLines, TenantContext.current()?.userId ?? null],
      );
      const rejected = [...parsed.rejected];
      let accepted = 0;
      let flagged = 0;
      const serials = [...new Set(parsed.lines.map((l) => l.serial))];
      const meters = await rows<MeterRow>(em, `SELECT * FROM metering.meters WHERE serial = ANY($1)`, [serials]);
      const bySerial = new Map(meters.map((m) => [m.serial, m]));
      // Per meter in time order, so a file listing a route backwards still chains its readings.
      const ordered = [...parsed.lines].sort((a, b) => a.serial.localeCompare(b.serial) || a.readAt.getTime() - b.readAt.getTime());
      for (const l of ordered) {
        const meter = bySerial.get(l.serial);
        if (!meter) {
          rejected.push({ line: l.line, reason: `unknown meter serial ${l.serial}`, raw: l.raw });
          continue;
        }
        await em.query('SAVEPOINT import_line');
        try {
          const id = await this.recordIn(em, meter, {
            source: 'import',
            importId,
            valueM3: l.valueM3 ?? undefined,
            readAt: l.readAt.toISOString(),
            reader: l.reader ?? undefined,
            incidences: l.incidences,
            lat: l.lat ?? undefined,
            lng: l.lng ?? undefined,
            photoUrl: l.photoUrl ?? undefined,
          });
          await em.query('RELEASE SAVEPOINT import_line');
          accepted++;
          const st = await one<{ status: string }>(em, `SELECT status FROM metering.readings WHERE id = $1`, [id]);
          if (st?.status === 'flagged') flagged++;
        } catch (e) {
          await em.query('ROLLBACK TO SAVEPOINT import_line');
          rejected.push({ line: l.line, reason: (e as Error).message, raw: l.raw });
        }
      }
      rejected.sort((a, b) => a.line - b.line);
      await em.query(`UPDATE metering.reading_imports SET accepted = $2, flagged = $3, rejected = $4 WHERE id = $1`, [importId, accepted, flagged, JSON.stringify(rejected)]);
      return { importId, fileName: dto.fileName ?? null, totalLines: parsed.totalLines, accepted, flagged, rejected };
    });
  }

  listForToma(q: ListTomaReadingsRequest): Promise<Page<ReadingView>> {
    const where = `toma_id = $1 AND ($2::timestamptz IS NULL OR read_at >= $2) AND ($3::timestamptz IS NULL OR read_at < $3)`;
    const sql = { table: 'metering.readings', where, params: [q.id, q.from ?? null, q.to ?? null], order: 'read_at DESC' };
    return this.db.tx((em) => pageOf(em, sql, q, (r: ReadingRow) => toView(r)));
  }

  reviewQueue(q: ListReviewQueueQuery): Promise<Page<ReadingView>> {
    const sql = { table: 'metering.readings', where: 'status = $1', params: [q.status ?? 'flagged'], order: 'created_at' };
    return this.db.tx((em) => pageOf(em, sql, q, (r: ReadingRow) => toView(r)));
  }

  approve(dto: ApproveReadingRequest): Promise<ReadingView> {
    return this.review(dto.id, 'approve', 'approved', dto.note ?? null);
  }

  reject(dto: RejectReadingRequest): Promise<ReadingView> {
    return this.review(dto.id, 'reject', 'rejected', dto.reason);
  }

  /** An operator's correction: the old value stays in the audit trail; consumption is recomputed. */
  edit(dto: EditReadingRequest): Promise<ReadingView> {
    return this.db.tx(async (em) => {
      const r = await this.row(em, dto.id);
      if (r.source === 'installation' || r.source === 'removal') {
        throw meteringError('METERING.READING_NOT_REVIEWABLE', 'Installation and removal readings are corrected through the meter, not the review queue', { id: r.id });
      }
      const meter = await this.meters.row(em, r.meter_id);
      const value = fmtM3(m3(dto.valueM3));
      const prev = await one<{ value_m3: string }>(
        em,
        `SELECT value_m3 FROM metering.readings WHERE meter_id = $1 AND read_at < $2 AND value_m3 IS NOT NULL AND status <> 'rejected' ORDER BY read_at DESC LIMIT 1`,
        [r.meter_id, r.read_at],
      );
      const consumption = prev ? computeConsumption({ previousReading: prev.value_m3, currentReading: value, register: { digits: meter.register_digits } }).consumptionM3 : null;
      await em.query(`UPDATE metering.readings SET value_m3 = $2, consumption_m3 = $3, status = 'edited' WHERE id = $1`, [r.id, value, consumption]);
      await this.audit(em, r, 'edit', 'edited', dto.reason, value);
      if (r.toma_id) await this.notifyUsable(em, { id: r.id, tomaId: r.toma_id, readAt: new Date(r.read_at), source: r.source });
      return this.view(em, r.id);
    });
  }

  private review(id: string, action: 'approve' | 'reject', status: ReadingStatus, reason: string | null): Promise<ReadingView> {
    return this.db.tx(async (em) => {
      const r = await this.row(em, id);
      if (action === 'approve' && r.status !== 'flagged') {
        throw meteringError('METERING.READING_NOT_REVIEWABLE', `Reading ${id} is ${r.status}, not flagged`, { id, status: r.status });
      }
      await em.query(`UPDATE metering.readings SET status = $2 WHERE id = $1`, [id, status]);
      await this.audit(em, r, action, status, reason, r.value_m3);
      if (status === 'approved' && r.toma_id && r.value_m3 !== null) await this.notifyUsable(em, { id, tomaId: r.toma_id, readAt: new Date(r.read_at), source: r.source });
      return this.view(em, id);
    });
  }

  private async audit(em: EntityManager, r: ReadingRow, action: string, newStatus: ReadingStatus, reason: string | null, newValue: string | null): Promise<void> {
    await em.query(
      `INSERT INTO metering.reading_audit (id, tenant_id, reading_id, action, old_value_m3, new_value_m3, old_status, new_status, reason, user_id)
       VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10)`,
      [uuidv7(), TenantContext.tenantId(), r.id, action, r.value_m3, newValue, r.status, newStatus, reason, TenantContext.current()?.userId ?? null],
    );
  }

  async auditTrail(readingId: string): Promise<Array<{ action: string; oldValueM3: string | null; newValueM3: string | null; oldStatus: string; newStatus: string; reason: string | null; userId: string | null }>> {
    return this.db.tx(async (em) =>
      (
        await rows<{ action: string; old_value_m3: string | null; new_value_m3: string | null; old_status: string; new_status: string; reason: string | null; user_id: string | null }>(
          em,
          `SELECT * FROM metering.reading_audit WHERE reading_id = $1 ORDER BY at, id`,
          [readingId],
        )
      ).map((a) => ({ action: a.action, oldValueM3: a.old_value_m3, newValueM3: a.new_value_m3, oldStatus: a.old_status, newStatus: a.new_status, reason: a.reason, userId: a.user_id })),
    );
  }

  private async row(em: EntityManager, id: string): Promise<ReadingRow> {
    const r = await one<ReadingRow>(em, `SELECT * FROM metering.readings WHERE id = $1`, [id]);
    if (!r) throw meteringError('METERING.READING_NOT_FOUND', `Reading ${id} was not found`, { id });
    return r;
  }

  async view(em: EntityManager, id: string): Promise<ReadingView> {
    return toView(await this.row(em, id));
  }

  async occupied(em: EntityManager, tomaId: string): Promise<boolean> {
    const r = await one<{ n: string }>(em, `SELECT count(*) AS n FROM metering.contracts WHERE toma_id = $1 AND status = 'activo'`, [tomaId]);
    return Number(r?.n ?? 0) > 0;
  }

  /**
   * Past billing periods of the toma, oldest first. A real period's days are its measured span (first to last
   * reading of its chain), which may start before the period (the installation) and spans the estimated
   * periods it settled: otherwise its measured volume would be divided by the wrong days.
   */
  async history(em: EntityManager, tomaId: string): Promise<HistoryPeriod[]> {
    const list = await rows<{ period: string; consumption_m3: string; measured_m3: string | null; estimated: boolean; days: string }>(
      em,
      `SELECT period, consumption_m3, measured_m3, estimated, ${MEASURED_DAYS_SQL} AS days
         FROM metering.billable_consumptions b WHERE toma_id = $1 ORDER BY period_start, period_end`,
      [tomaId],
    );
    return list.map((b) => ({
      periodKey: b.period,
      consumptionM3: b.estimated ? b.consumption_m3 : (b.measured_m3 ?? b.consumption_m3),
      days: Math.max(1, Math.round(Number(b.days))),
      estimated: b.estimated,
    }));
  }

  /**
   * Average daily m3 of the toma's class (toma type) over the last year's real periods (measured volume over
   * measured span); null when fewer than CLASS_MIN_TOMAS tomas speak for it. Every smart meter-day asks for it,
   * and it only moves when periods close, so it is cached per tenant, class and day for CLASS_CACHE_MS.
   */
  async classAverageDaily(em: EntityManager, tomaId: string, at: Date): Promise<string | null> {
    const toma = await one<{ toma_type: string }>(em, `SELECT toma_type FROM metering.tomas WHERE id = $1`, [tomaId]);
    if (!toma) return null;
    const key = `${TenantContext.tenantId()}|${toma.toma_type}|${at.toISOString().slice(0, 10)}`;
    const hit = this.classCache.get(key);
    if (hit && hit.until > Date.now()) return hit.daily;
    const r = await one<{ daily: string | null; tomas: string }>(
      em,
      `SELECT (sum(b.measured_m3) / nullif(sum(${MEASURED_DAYS_SQL}), 0))::numeric(14,6)::text AS daily, count(DISTINCT b.toma_id) AS tomas
         FROM metering.billable_consumptions b
         JOIN metering.tomas t ON t.id = b.toma_id
        WHERE t.toma_type = $1 AND NOT b.estimated AND b.measured_m3 IS NOT NULL
          AND b.period_end <= $2 AND b.period_end > $2::timestamptz - interval '1 year'`,
      [toma.toma_type, at],
    );
    const daily = r?.daily && Number(r.tomas) >= CLASS_MIN_TOMAS ? r.daily : null;
    if (this.classCache.size >= CLASS_CACHE_ENTRIES) this.classCache.clear();
    this.classCache.set(key, { daily, until: Date.now() + CLASS_CACHE_MS });
    return daily;
  }

  private async lastValues(em: EntityManager, meterId: string, n: number): Promise<string[]> {
    const list = await rows<{ value_m3: string }>(
      em,
      `SELECT value_m3 FROM metering.readings WHERE meter_id = $1 AND value_m3 IS NOT NULL AND status <> 'rejected' AND source <> 'installation' ORDER BY read_at DESC LIMIT ${n}`,
      [meterId],
    );
    return list.map((x) => x.value_m3).reverse();
  }
}

export function toView(r: ReadingRow): ReadingView {
  return {
    id: r.id,
    meterId: r.meter_id,
    tomaId: r.toma_id,
    valueM3: r.value_m3,
    readAt: iso(r.read_at) as string,
    source: r.source,
    status: r.status,
    consumptionM3: r.consumption_m3,
    incidences: r.incidences,
    photoUrl: r.photo_url,
    lat: r.lat === null ? null : Number(r.lat),
    lng: r.lng === null ? null : Number(r.lng),
    reader: r.reader,
    flags: r.flags,
  };
}

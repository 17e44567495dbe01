import { Injectable } from '@nestjs/common';
import { v7 as uuidv7 } from 'uuid';
import type { ListTariffsQuery, Page, RateCheckRequest, RateCheckView, TariffDocumentView, TariffImportView, TariffVersionView } from '@supra/contracts';
import { ServiceDatabase } from '@supra/platform/database';
import { TenantContext } from '@supra/platform/tenancy';
import { BillingErrors, mapErrors } from '../shared/billing.errors';
import { dateOnly } from '../shared/sql';
import { parseSchedule, rate, type RateResult, type TariffScheduleDocument } from './rating';
import { pickSchedule, type StoredSchedule } from './tariff-selection';

interface ScheduleRow {
  id: string;
  schedule_id: string;
  version: number;
  name: string;
  effective_from: string | Date;
  effective_to: string | Date | null;
  classes: string[];
  used: boolean;
  imported_at: Date;
  document?: TariffScheduleDocument;
}

const view = (r: ScheduleRow): TariffVersionView => ({
  id: r.id,
  scheduleId: r.schedule_id,
  version: r.version,
  name: r.name,
  effectiveFrom: dateOnly(r.effective_from)!,
  effectiveTo: dateOnly(r.effective_to),
  classes: r.classes,
  used: r.used,
  importedAt: new Date(r.imported_at).toISOString(),
});

/** Stable JSON (sorted keys) to tell a re-import of the same document from a changed one. */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v && typeof v === 'object') {
    return `{${Object.keys(v as object)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v);
}

/**
 * Tariff schedule versions per tenant. A version is immutable once an invoice was rated with it (`used`):
 * re-importing it changed is refused (409), a change is a new version. Unused versions may be replaced.
 */
@Injectable()
export class TariffsService {
  constructor(private readonly db: ServiceDatabase) {}

  import(document: Record<string, unknown>): Promise<TariffImportView> {
    return mapErrors(() =>
      this.db.tx(async (em) => {
        const doc = parseSchedule(document);
        const rows = (await em.query(
          `SELECT id, schedule_id, version, name, effective_from, effective_to, classes, used, imported_at, document
             FROM billing.tariff_schedules WHERE schedule_id = $1 AND version = $2 FOR UPDATE`,
          [doc.id, doc.version],
        )) as ScheduleRow[];
        const existing = rows[0];
        const classes = Object.keys(doc.classes).sort();
        if (existing) {
          if (canonical(existing.document) === canonical(doc)) return { ...view(existing), outcome: 'unchanged' as const };
          if (existing.used) throw BillingErrors.tariffInUse(doc.id, doc.version);
          // TypeORM answers an UPDATE ... RETURNING with [rows, affected].
          const [updated] = (await em.query(
            `UPDATE billing.tariff_schedules SET name = $2, effective_from = $3, effective_to = $4, classes = $5, document = $6, imported_at = now()
              WHERE id = $1 RETURNING id, schedule_id, version, name, effective_from, effective_to, classes, used, imported_at`,
            [existing.id, doc.name, doc.effectiveFrom, doc.effectiveTo, classes, JSON.stringify(doc)],
          )) as [ScheduleRow[], number];
          return { ...view(updated[0]), outcome: 'replaced' as const };
        }
        const [created] = (await em.query(
          `INSERT INTO billing.tariff_schedules (id, tenant_id, schedule_id, version, name, effective_from, effective_to, classes, document)
           VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9) RETURNING id, schedule_id, version, name, effective_from, effective_to, classes, used, imported_at`,
          [uuidv7(), TenantContext.tenantId(), doc.id, doc.version, doc.name, doc.effectiveFrom, doc.effectiveTo, classes, JSON.stringify(doc)],
        )) as ScheduleRow[];
        return { ...view(created), outcome: 'created' as const };
      }),
    );
  }

  list(q: ListTariffsQuery): Promise<Page<TariffVersionView>> {
    const page = q.page ?? 1;
    const size = q.size ?? 50;
    return this.db.tx(async (em) => {
      const where = q.scheduleId ? 'WHERE schedule_id = $3' : '';
      const params: unknown[] = [size, (page - 1) * size, ...(q.scheduleId ? [q.scheduleId] : [])];
      const rows = (await em.query(
        `SELECT id, schedule_id, version, name, effective_from, effective_to, classes, used, imported_at, count(*) OVER () AS total
           FROM billing.tariff_schedules ${where} ORDER BY schedule_id, version DESC LIMIT $1 OFFSET $2`,
        params,
      )) as Array<ScheduleRow & { total: string }>;
      return { data: rows.map(view), page: { number: page, size, total: rows.length ? Number(rows[0].total) : 0 } };
    });
  }

  export(id: string): Promise<TariffDocumentView> {
    return this.db.tx(async (em) => {
      const rows = (await em.query(
        `SELECT id, schedule_id, version, name, effective_from, effective_to, classes, used, imported_at, document FROM billing.tariff_schedules WHERE id = $1`,
        [id],
      )) as ScheduleRow[];
      if (!rows[0]) throw BillingErrors.tariffNotFound(id);
      return { ...view(rows[0]), document: rows[0].document as unknown as Record<string, unknown> };
    });
  }

  rateCheck(dto: RateCheckRequest): Promise<RateCheckView> {
    return mapErrors(async () => {
      const schedules = await this.loadAll();
      const picked = pickSchedule(schedules, dto.tariffClass, dto.date);
      if (!picked) throw BillingErrors.noTariff(dto.tariffClass, dto.date);
      const r = rate(picked.schedule.document, {
        tariffClass: picked.tariffClass,
        metered: dto.metered ?? true,
        consumptionM3: dto.consumptionM3,
        units: dto.units ?? 1,
        date: dto.date,
      });
      return rateCheckView(r);
    });
  }

  /** Every version of the current tenant (a handful): bill runs pick from this list in memory. */
  loadAll(): Promise<StoredSchedule[]> {
    return this.db.tx(async (em) => {
      const rows = (await em.query(`SELECT id, used, document FROM billing.tariff_schedules`)) as Array<{ id: string; used: boolean; document: TariffScheduleDocument }>;
      return rows.map((r) => ({ rowId: r.id, used: r.used, document: r.document }));
    });
  }

  /** Freezes the versions an invoice was rated with (inside the caller's transaction). */
  async markUsed(rowIds: Iterable<string>): Promise<void> {
    const ids = [...new Set(rowIds)];
    if (!ids.length) return;
    await this.db.manager().query(`UPDATE billing.tariff_schedules SET used = true WHERE id = ANY($1::uuid[]) AND NOT used`, [ids]);
  }
}

export function rateCheckView(r: RateResult): RateCheckView {
  return {
    scheduleId: r.scheduleId,
    scheduleVersion: r.scheduleVersion,
    tariffClass: r.tariffClass,
    consumption: r.consumption,
    lines: r.lines.map((l) => ({
      conceptCode: l.conceptCode,
      description: l.description,
      quantity: l.quantity,
      unitPrice: l.unitPrice,
      amount: l.amount,
      taxRate: l.tax.rate,
      taxAmount: l.tax.amount,
      scheduleId: l.source.scheduleId,
      scheduleVersion: l.source.scheduleVersion,
      row: l.source.row as unknown as Record<string, unknown>,
    })),
    totals: r.totals,
  };
}

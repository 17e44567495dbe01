import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import { v7 as uuidv7 } from 'uuid';
import type { EntityManager } from 'typeorm';
import { BillingEvents, type InvoiceIssuedData } from '@supra/contracts';
import { Dec, fixed, toDec } from '@supra/domain/money';
import { dueDate, localDateOf, parsePeriodKey } from '@supra/domain/periods';
import { ServiceDatabase } from '@supra/platform/database';
import { Outbox } from '@supra/platform/messaging';
import { SERVICE_ENV } from '@supra/platform/runtime';
import { cfdiDateTime, type CfdiInput } from '../cfdi';
import type { ContractProfile } from '../directory/directory.service';
import { SealerPool } from '../sealing/sealer-pool';
import type { SealOutcome } from '../sealing/seal';
import { SettingsService, type TenantBilling } from '../settings/settings.service';
import type { BillingEnv } from '../shared/billing.env';
import { Clock } from '../shared/clock';
import { toDomainError } from '../shared/billing.errors';
import { prorateFixedCharges, type OverdueBalance } from '../tariffs/rating';
import { pickSchedule, type StoredSchedule } from '../tariffs/tariff-selection';
import { TariffsService } from '../tariffs/tariffs.service';
import { finalSettlement, finalTerms, type FinalTerms, type OpenInvoice } from './final-invoice';
import type { HistoryPoint } from './hold-rules';
import { cfdiInputFor, composeInvoice, toConcepto, type ComposedInvoice, type ConsumptionFact } from './invoice-composer';
import { enqueueStamping, insertInvoices, insertLines, reserveFolios, type InvoiceRow, type LineRow } from './invoice-writer';

/** One contract and period to bill. */
export interface Candidate {
  profile: ContractProfile;
  period: string;
  /** null: an unmetered toma billed its cuota fija. */
  consumption: ConsumptionFact | null;
  /** Reason-01 substitution: the invoice this one replaces, related with TipoRelacion 04. */
  substitutes?: { invoiceId: string; uuid: string };
}

export interface IssueOptions {
  billRunId?: string;
  /** Rate and build everything, write nothing. */
  dryRun?: boolean;
  /** Issue even if a hold rule fires (a substitute decided by a person). */
  skipHolds?: boolean;
}

export interface IssueOutcome {
  issued: Array<{ id: string; contractId: string; total: string }>;
  held: Array<{ id: string; contractId: string }>;
  skipped: Record<string, number>;
  failed: Array<{ contractId: string; code: string; message: string }>;
  totalAmount: string;
}

export interface PreparedBatch {
  commit(): Promise<IssueOutcome>;
}

/** What one tenant's bill run or event needs loaded once. */
export interface IssueContext {
  tenant: TenantBilling;
  schedules: StoredSchedule[];
}

const SEAL_INLINE_BELOW = 16;
/** Consumption rows read per toma: the billed period, a possible second contract's row, and ≥ 6 earlier periods. */
const HISTORY_ROWS = 12;

interface OverdueRow {
  id: string;
  contract_id: string;
  serie: string | null;
  folio: string | null;
  due_date: string | Date;
  balance: string;
  surcharged_months: number;
}

/** Whole months late, each started month counting (CFF), as of a local date. */
export function monthsLate(due: string, asOf: string): number {
  if (asOf <= due) return 0;
  const [y1, m1, d1] = due.split('-').map(Number);
  const [y2, m2, d2] = asOf.split('-').map(Number);
  return Math.max(1, (y2 - y1) * 12 + (m2 - m1) + (d2 > d1 ? 1 : 0));
}

const dateStr = (v: string | Date): string => (typeof v === 'string' ? v.slice(0, 10) : `${v.getFullYear()}-${String(v.getMonth() + 1).padStart(2, '0')}-${String(v.getDate()).padStart(2, '0')}`);

/**
 * The one issuing pipeline (event path, bill runs, dry runs, review approvals, substitutions): rate and
 * compose in memory, apply hold rules, reserve folios, build and seal CFDIs (on the sealer pool's worker
 * threads for batches), then write invoices, lines, the stamping queue and the outbox events in one
 * transaction with multi-row inserts.
 */
@Injectable()
export class IssuingService implements OnModuleDestroy {
  readonly pool: SealerPool;

  constructor(
    private readonly db: ServiceDatabase,
    private readonly outbox: Outbox,
    private readonly settings: SettingsService,
    private readonly tariffs: TariffsService,
    private readonly clock: Clock,
    @Inject(SERVICE_ENV) private readonly env: BillingEnv,
  ) {
    this.pool = new SealerPool(env.BILLING_SEAL_WORKERS);
  }

  async onModuleDestroy(): Promise<void> {
    await this.pool.close();
  }

  async context(): Promise<IssueContext> {
    return { tenant: await this.settings.forIssuing(), schedules: await this.tariffs.loadAll() };
  }

  async issueBatch(ctx: IssueContext, candidates: Candidate[], opts: IssueOptions = {}): Promise<IssueOutcome> {
    return (await this.prepareBatch(ctx, candidates, opts)).commit();
  }

  /**
   * Everything but the write: rating, holds, folios, sealing. `commit()` writes the batch in one transaction.
   * Bill runs prepare batch k+1 (CPU: main thread and sealing workers) while batch k commits (I/O).
   */
  async prepareBatch(ctx: IssueContext, candidates: Candidate[], opts: IssueOptions = {}): Promise<PreparedBatch> {
    const out: IssueOutcome = { issued: [], held: [], skipped: {}, failed: [], totalAmount: '0.00' };
    if (!candidates.length) return { commit: () => Promise.resolve(out) };
    const { tenant } = ctx;
    const now = this.clock.now();
    const today = localDateOf(now, tenant.timeZone);
    const skip = (reason: string) => (out.skipped[reason] = (out.skipped[reason] ?? 0) + 1);

    const [history, overdue] = await this.db.tx(async (em) => {
      // Per toma its latest periods up to the one billed (hold rules average 6; the current one may be metering's
      // final); per contract its overdue invoices. Both as one index probe per key (LATERAL, fenced by LIMIT/OFFSET):
      // `= ANY(array)` lets a planner with stale statistics (this month's rows not yet analyzed) pick a scan of
      // the tenant's whole index, once per page: a bill run that slows down as it goes.
      const upTo = new Map<string, string>();
      for (const c of candidates) if ((upTo.get(c.profile.tomaId) ?? '') < c.period) upTo.set(c.profile.tomaId, c.period);
      const contractIds = [...new Set(candidates.map((c) => c.profile.contractId))];
      const h = (await em.query(
        `SELECT h.* FROM unnest($1::uuid[], $2::text[]) AS u(toma_id, period)
           CROSS JOIN LATERAL (
             SELECT k.toma_id, k.contract_id, k.period, k.consumption_m3, k.estimated, k.is_final, k.period_end FROM billing.consumptions k
              WHERE k.toma_id = u.toma_id AND k.period <= u.period ORDER BY k.period DESC LIMIT ${HISTORY_ROWS}) h
          ORDER BY h.toma_id, h.period DESC`,
        [[...upTo.keys()], [...upTo.values()]],
      )) as Array<{ toma_id: string; contract_id: string; period: string; consumption_m3: string; estimated: boolean; is_final: boolean; period_end: Date }>;
      const o = (await em.query(
        `SELECT o.* FROM unnest($1::uuid[]) AS u(contract_id)
           CROSS JOIN LATERAL (
             SELECT id, contract_id, serie, folio, due_date, (total - paid_amount - credited_amount)::text AS balance, surcharged_months
               FROM billing.invoices i
              WHERE i.contract_id = u.contract_id AND kind = 'I' AND status IN ('issued', 'stamped', 'partially_paid')
                AND due_date < $2 AND total - paid_amount - credited_amount > 0
             OFFSET 0) o`,
        [contractIds, today],
      )) as OverdueRow[];
      return [h, o] as const;
    });
    const historyByToma = new Map<string, Array<{ period: string; m3: string; estimated: boolean }>>();
    for (const r of history) {
      const list = historyByToma.get(r.toma_id) ?? [];
      list.push({ period: r.period, m3: String(r.consumption_m3), estimated: r.estimated });
      historyByToma.set(r.toma_id, list);
    }
    // Metering's final consumption of a contract (termination): contract|period -> its end, the termination instant.
    const finalConsumption = new Map<string, Date>();
    for (const r of history) if (r.is_final) finalConsumption.set(`${r.contract_id}|${r.period}`, new Date(r.period_end));
    const overdueByContract = new Map<string, OverdueRow[]>();
    for (const r of overdue) overdueByContract.set(r.contract_id, [...(overdueByContract.get(r.contract_id) ?? []), r]);

    interface Work {
      c: Candidate;
      composed: ComposedInvoice;
      scheduleRowId: string;
      surcharges: Array<{ invoiceId: string; months: number }>;
      id: string;
      /** Set on the contract's final invoice (termination). */
      final?: FinalTerms;
    }
    const work: Work[] = [];
    const periods = new Map<string, ReturnType<typeof parsePeriodKey>>(); // parsing resolves zone offsets: once per key
    for (const c of candidates) {
      let period = periods.get(c.period);
      if (!period) periods.set(c.period, (period = parsePeriodKey(c.period, tenant.timeZone)));
      const picked = pickSchedule(ctx.schedules, c.profile.tariffCategory, period.firstDay);
      if (!picked) {
        skip('no_tariff');
        continue;
      }
      const fc = finalConsumption.get(`${c.profile.contractId}|${c.period}`);
      const terms = finalTerms({ period, finalConsumption: fc ? { periodEnd: fc } : null, contract: c.profile, policy: tenant.finalProration });
      const hist: HistoryPoint[] = (historyByToma.get(c.profile.tomaId) ?? []).filter((h) => h.period < c.period);
      // Recargos only for months not yet charged on an earlier invoice.
      const surcharges: Array<{ invoiceId: string; months: number }> = [];
      const balances: OverdueBalance[] = [];
      if (!c.substitutes) {
        for (const o of overdueByContract.get(c.profile.contractId) ?? []) {
          const months = monthsLate(dateStr(o.due_date), today) - o.surcharged_months;
          if (months < 1) continue;
          balances.push({ reference: o.serie && o.folio ? `${o.serie}-${o.folio}` : o.id, amount: fixed(toDec(o.balance), 2), months });
          surcharges.push({ invoiceId: o.id, months });
        }
      }
      try {
        const composed = composeInvoice({
          tenant,
          profile: c.profile,
          period: c.period,
          ratingDate: period.firstDay,
          schedule: {
            rowId: picked.schedule.rowId,
            // A final invoice under the `daily` policy: fixed charges for the days served only.
            document: terms?.proration === 'daily' ? prorateFixedCharges(picked.schedule.document, picked.tariffClass, terms) : picked.schedule.document,
            tariffClass: picked.tariffClass,
          },
          consumption: c.consumption,
          overdue: balances,
          history: hist,
        });
        if (opts.skipHolds || c.substitutes) composed.holdReasons = [];
        composed.final = terms !== null;
        // Each recargo line names the invoice whose overdue balance it charges.
        for (const l of composed.lines) {
          const row = l.rated.source.row;
          if (row.kind === 'surcharge') l.source = { ...l.source, surchargedInvoiceId: surcharges[balances.findIndex((b) => b.reference === row.reference)]?.invoiceId ?? null };
        }
        work.push({ c, composed, scheduleRowId: picked.schedule.rowId, surcharges, id: uuidv7(), ...(terms ? { final: terms } : {}) });
      } catch (e) {
        const d = toDomainError(e) as { code?: string; message?: string };
        out.failed.push({ contractId: c.profile.contractId, code: d.code ?? 'BILLING.RATING_FAILED', message: d.message ?? String(e) });
      }
    }

    const toIssue = work.filter((w) => w.composed.holdReasons.length === 0);
    const toHold = work.filter((w) => w.composed.holdReasons.length > 0);

    // Build and seal (a dry run seals too: it proves every CFDI of the cycle would be valid).
    const fecha = cfdiDateTime(now, tenant.timeZone);
    const firstFolio = opts.dryRun || !toIssue.length ? 0 : await this.db.tx((em) => reserveFolios(em, tenant.tenantId, tenant.serie, toIssue.length));
    const inputs: CfdiInput[] = toIssue.map((w, i) =>
      cfdiInputFor({
        tenant,
        receptor: w.composed.receptor,
        conceptos: w.composed.lines.map((l) => toConcepto(l.rated)),
        serie: tenant.serie,
        folio: String(opts.dryRun ? i + 1 : firstFolio + i),
        fecha,
        condiciones: `Periodo ${w.c.period}`,
        relacionados: w.c.substitutes ? [{ tipoRelacion: '04', uuids: [w.c.substitutes.uuid] }] : undefined,
      }),
    );
    const sealed: SealOutcome[] = inputs.length < SEAL_INLINE_BELOW ? await new SealerPool(0).seal(inputs, tenant.credentials) : await this.pool.seal(inputs, tenant.credentials);

    const due = dueDate(now, tenant.dueDays, tenant.timeZone);
    const rows: InvoiceRow[] = [];
    const issuedWork: Array<{ w: Work; s: Extract<SealOutcome, { ok: true }>; folio: string }> = [];
    toIssue.forEach((w, i) => {
      const s = sealed[i];
      if (!s.ok) {
        out.failed.push({ contractId: w.c.profile.contractId, code: s.code, message: s.message });
        return;
      }
      issuedWork.push({ w, s, folio: inputs[i].folio! });
    });
    const base = (w: Work): Omit<InvoiceRow, 'status' | 'serie' | 'folio' | 'xml' | 'issuedAt' | 'dueDate'> => ({
      id: w.id,
      tenantId: tenant.tenantId,
      kind: 'I',
      contractId: w.c.profile.contractId,
      tomaId: w.c.profile.tomaId,
      personId: w.c.profile.personId,
      period: w.c.period,
      subtotal: w.composed.rating.totals.subtotal,
      tax: w.composed.rating.totals.tax,
      total: w.composed.rating.totals.total,
      consumptionM3: w.c.consumption?.m3 ?? null,
      estimated: w.c.consumption?.estimated ?? false,
      final: w.composed.final,
      billableId: w.c.consumption?.billableId ?? null,
      scheduleId: w.composed.rating.scheduleId,
      scheduleVersion: w.composed.rating.scheduleVersion,
      holdReasons: w.composed.holdReasons,
      cfdiInput: { receptor: w.composed.receptor, surcharges: w.surcharges },
      substitutesId: w.c.substitutes?.invoiceId ?? null,
      relatedInvoiceId: w.c.substitutes?.invoiceId ?? null,
      billRunId: opts.billRunId ?? null,
    });
    for (const { w, s, folio } of issuedWork) {
      // The sealed CFDI is the source of truth for the totals (identical to the rating's by construction).
      rows.push({ ...base(w), subtotal: s.subtotal, tax: s.tax, total: s.total, status: 'issued', serie: tenant.serie, folio, xml: s.xml, issuedAt: now, dueDate: due });
    }
    for (const w of toHold) rows.push({ ...base(w), status: 'draft', serie: null, folio: null, xml: null, issuedAt: null, dueDate: null });

    if (opts.dryRun) {
      const dry = out;
      dry.issued = issuedWork.map(({ w, s }) => ({ id: w.id, contractId: w.c.profile.contractId, total: s.total }));
      dry.held = toHold.map((w) => ({ id: w.id, contractId: w.c.profile.contractId }));
      dry.totalAmount = fixed(issuedWork.reduce((sum, x) => sum.plus(x.s.total), new Dec(0)), 2);
      return { commit: () => Promise.resolve(dry) };
    }

    const commit = async (): Promise<IssueOutcome> => {
    await this.db.tx(async (em) => {
      const inserted = await insertInvoices(em, rows);
      const byId = new Map(work.map((w) => [w.id, w]));
      const lines: LineRow[] = [];
      for (const id of inserted) for (const l of byId.get(id)!.composed.lines) lines.push({ invoiceId: id, tenantId: tenant.tenantId, line: l });
      await insertLines(em, lines);
      const issuedIds = issuedWork.filter((x) => inserted.has(x.w.id)).map((x) => x.w.id);
      if (this.env.BILLING_STAMP_ON_ISSUE === 'true') await enqueueStamping(em, tenant.tenantId, issuedIds);
      const events = issuedWork
        .filter((x) => inserted.has(x.w.id))
        .map(({ w, s, folio }) => ({
          type: BillingEvents.invoiceIssued.type,
          subject: w.id,
          data: {
            invoiceId: w.id,
            contractId: w.c.profile.contractId,
            tomaId: w.c.profile.tomaId,
            personId: w.c.profile.personId,
            period: w.c.period,
            serie: tenant.serie,
            folio,
            subtotal: s.subtotal,
            tax: s.tax,
            total: s.total,
            dueDate: due,
            issuedAt: now.toISOString(),
            final: w.composed.final,
            substitutesId: w.c.substitutes?.invoiceId ?? null,
            billRunId: opts.billRunId ?? null,
          } satisfies InvoiceIssuedData,
        }));
      await this.outbox.addMany(events, em);
      const surcharged = [...inserted].flatMap((id) => byId.get(id)!.surcharges);
      for (const s of surcharged) {
        await em.query(`UPDATE billing.invoices SET surcharged_months = surcharged_months + $2 WHERE id = $1`, [s.invoiceId, s.months]);
      }
      await this.tariffs.markUsed([...inserted].map((id) => byId.get(id)!.scheduleRowId));
      await this.settleFinals(em, [...inserted].map((id) => byId.get(id)!).filter((w) => w.final), rows);
      for (const w of work) {
        if (!inserted.has(w.id)) skip('exists');
      }
      out.issued = issuedWork.filter((x) => inserted.has(x.w.id)).map(({ w, s }) => ({ id: w.id, contractId: w.c.profile.contractId, total: s.total }));
      out.held = toHold.filter((w) => inserted.has(w.id)).map((w) => ({ id: w.id, contractId: w.c.profile.contractId }));
      out.totalAmount = fixed(out.issued.reduce((sum, x) => sum.plus(x.total), new Dec(0)), 2);
    });
    return out;
    };
    return { commit };
  }
  /**
   * Final invoices (rare: one per terminated contract) record what they settle: the partial period and every other
   * open balance of the contract, which was invoiced already and so is owed on top of this CFDI, not inside it.
   */
  private async settleFinals(em: EntityManager, finals: Array<{ id: string; c: Candidate; final?: FinalTerms }>, rows: InvoiceRow[]): Promise<void> {
    if (!finals.length) return;
    const open = (await em.query(
      `SELECT id, contract_id, serie, folio, due_date, (total - paid_amount - credited_amount)::text AS balance FROM billing.invoices
        WHERE contract_id = ANY($1::uuid[]) AND id <> ALL($2::uuid[]) AND kind = 'I' AND status IN ('issued', 'stamped', 'partially_paid')
          AND total - paid_amount - credited_amount > 0
        ORDER BY period, issued_at`,
      [finals.map((w) => w.c.profile.contractId), finals.map((w) => w.id)],
    )) as Array<OpenInvoice & { contract_id: string }>;
    for (const w of finals) {
      const total = rows.find((r) => r.id === w.id)!.total;
      const settlement = finalSettlement(w.final!, total, open.filter((o) => o.contract_id === w.c.profile.contractId && o.id !== w.c.substitutes?.invoiceId));
      await em.query(`UPDATE billing.invoices SET final_settlement = $2 WHERE id = $1`, [w.id, JSON.stringify(settlement)]);
    }
  }
}

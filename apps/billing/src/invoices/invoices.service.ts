import { Injectable, Logger } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { v7 as uuidv7 } from 'uuid';
import {
  BillingEvents,
  type BillableConsumptionData,
  type CancelInvoiceRequest,
  type CancelInvoiceView,
  type ContractTerminatedData,
  type FinalProration,
  type FinalSettlementView,
  type CreditNoteIssuedData,
  type CreditNoteRequest,
  type InvoiceCancelledData,
  type InvoiceIssuedData,
  type InvoicePastDueData,
  type InvoicePdfView,
  type InvoiceView,
  type InvoiceXmlView,
  type ListInvoicesQuery,
  type ListBillReviewQueueQuery,
  type MarkPastDueView,
  type Page,
  type PaymentAppliedData,
} from '@supra/contracts';
import { Dec, fixed, round2, toDec } from '@supra/domain/money';
import { dueDate, localDateOf, parsePeriodKey, periodForLocalDate, type BillingPeriod } from '@supra/domain/periods';
import { ServiceDatabase } from '@supra/platform/database';
import { Outbox } from '@supra/platform/messaging';
import { TenantContext } from '@supra/platform/tenancy';
import { cfdiDateTime, type CfdiConceptoInput } from '../cfdi';
import type { CancelMotivo } from '../cfdi/pac';
import { DirectoryService } from '../directory/directory.service';
import { renderInvoicePdf } from '../pdf';
import { sealOne } from '../sealing/seal';
import { SettingsService } from '../settings/settings.service';
import { BillingErrors, mapErrors } from '../shared/billing.errors';
import { Clock } from '../shared/clock';
import { PacGateway } from '../stamping/pac-gateway';
import { StampingService } from '../stamping/stamping.service';
import { cfdiInputFor, toConcepto, type ConsumptionFact } from './invoice-composer';
import { INVOICE_VIEW_COLUMNS, lineToRated, toInvoiceView } from './invoice.mapper';
import { enqueueStamping, reserveFolios } from './invoice-writer';
import { IssuingService } from './issuing.service';
import { estimateCreditLines } from './estimate-credit';
import { finalTerms } from './final-invoice';
import { rate, type RowRef, type TariffScheduleDocument } from '../tariffs/rating';

type Row = Record<string, unknown>;

/**
 * An invoice that will not be collected (cancelled, or a rejected draft) gives back the months of recargos it
 * charged, so the contract's next invoice charges them (a substitute is issued without recargos).
 */
async function releaseSurcharges(em: EntityManager, cfdiInput: unknown): Promise<void> {
  const charged = ((cfdiInput as { surcharges?: Array<{ invoiceId: string; months: number }> } | null)?.surcharges ?? []).filter((x) => x.months > 0);
  for (const x of charged) {
    await em.query(`UPDATE billing.invoices SET surcharged_months = GREATEST(0, surcharged_months - $2) WHERE id = $1`, [x.invoiceId, x.months]);
  }
}

/** Invoices after issue: queries, review decisions, cancellation, credit notes, past due, payments. */
@Injectable()
export class InvoicesService {
  private readonly log = new Logger('Invoices');

  constructor(
    private readonly db: ServiceDatabase,
    private readonly outbox: Outbox,
    private readonly issuing: IssuingService,
    private readonly directory: DirectoryService,
    private readonly settings: SettingsService,
    private readonly stamping: StampingService,
    private readonly pacs: PacGateway,
    private readonly clock: Clock,
  ) {}

  // ---------------------------------------------------------------- event path

  /**
   * `metering.consumption.billable.v1`: keeps the consumption (bill runs and hold rules read it) and issues
   * the contract's invoice for the period. Runs in the consumer's transaction with its inbox record. A
   * redelivery, or a second event for the same contract and period, finds the invoice there and does nothing.
   * If the customer events that describe the contract have not arrived yet, the consumption waits for the
   * period's bill run.
   */
  onBillable(d: BillableConsumptionData): Promise<{ invoiceId: string | null }> {
    return mapErrors(() =>
      this.db.tx(async (em) => {
        const contractId = d.contractId ?? (await this.directory.contractOfToma(d.tomaId));
        if (!contractId) return { invoiceId: null };
        const fact: ConsumptionFact = {
          billableId: d.billableId,
          m3: d.consumptionM3,
          adjustmentM3: d.adjustmentM3,
          estimated: d.estimated,
          provenance: d.provenance as unknown as Record<string, unknown>,
        };
        await em.query(
          `INSERT INTO billing.consumptions (tenant_id, contract_id, period, billable_id, toma_id, consumption_m3, adjustment_m3, estimated, period_start, period_end, provenance, is_final)
           VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12) ON CONFLICT (tenant_id, contract_id, period) DO NOTHING`,
          [TenantContext.tenantId(), contractId, d.period, d.billableId, d.tomaId, d.consumptionM3, d.adjustmentM3, d.estimated, d.periodStart, d.periodEnd, JSON.stringify(fact.provenance), d.final === true],
        );
        const existing = (await em.query(
          `SELECT id FROM billing.invoices WHERE contract_id = $1 AND period = $2 AND kind = 'I' AND substitutes_id IS NULL AND status <> 'rejected'`,
          [contractId, d.period],
        )) as Array<{ id: string }>;
        if (existing[0]) return this.afterIssue(contractId, d, existing[0].id);
        const profile = await this.directory.profile(contractId);
        if (!profile) return { invoiceId: null };
        // A tenant not yet set up to issue (no fiscal data or CSD) keeps the consumption for its bill run.
        const ctx = await this.issuing.context().catch((e: unknown) => {
          if ((e as { code?: string }).code === 'BILLING.FISCAL_SETTINGS_MISSING') return undefined;
          throw e;
        });
        if (!ctx) return { invoiceId: null };
        const out = await this.issuing.issueBatch(ctx, [{ profile, period: d.period, consumption: fact }]);
        if (out.failed.length) throw new Error(`${out.failed[0].code}: ${out.failed[0].message}`);
        return this.afterIssue(contractId, d, out.issued[0]?.id ?? out.held[0]?.id ?? null);
      }),
    );
  }

  /** A final consumption carrying `creditM3` also gives back what the contract's estimates over-billed. */
  private async afterIssue(contractId: string, d: BillableConsumptionData, invoiceId: string | null): Promise<{ invoiceId: string | null }> {
    if (d.final && d.creditM3 && toDec(d.creditM3).greaterThan(0)) await this.creditExcessEstimates(contractId, d);
    return { invoiceId };
  }

  /**
   * Metering's final consumption says the contract's estimates billed `creditM3` m³ that were never consumed:
   * credit notes (CFDI E related 01) on its estimated invoices, newest first, each for what it billed above the
   * same tariff at its estimate less the m³ it gives back (`estimateCreditLines`), until `creditM3` is used up.
   * Once per final consumption (its billableId is in each note's reason); waits until those invoices are stamped.
   */
  private async creditExcessEstimates(contractId: string, d: BillableConsumptionData): Promise<void> {
    await this.db.tx(async (em) => {
      const tag = `(consumo final ${d.billableId})`;
      const done = (await em.query(`SELECT 1 FROM billing.invoices WHERE contract_id = $1 AND kind = 'E' AND status <> 'cancelled' AND review_note LIKE $2 LIMIT 1`, [contractId, `%${tag}`])) as unknown[];
      if (done.length) return;
      const tenant = await this.settings.forIssuing();
      const profile = await this.directory.profile(contractId);
      const estimated = (await em.query(
        `SELECT id, period, status, consumption_m3 FROM billing.invoices
          WHERE contract_id = $1 AND kind = 'I' AND estimated AND consumption_m3 > 0 AND status NOT IN ('rejected', 'cancelled', 'draft') AND NOT is_final
          ORDER BY period DESC`,
        [contractId],
      )) as Array<{ id: string; period: string; status: string; consumption_m3: string }>;
      let left = toDec(d.creditM3!);
      for (const inv of estimated) {
        if (!left.greaterThan(0)) break;
        if (inv.status === 'issued') throw BillingErrors.notStampedYet(inv.id);
        const billedM3 = toDec(String(inv.consumption_m3));
        const take = Dec.min(left, billedM3);
        left = left.minus(take);
        const lines = (await em.query(`SELECT line_no, concept_code, amount, source FROM billing.invoice_lines WHERE invoice_id = $1 ORDER BY line_no`, [inv.id])) as Row[];
        const src = lines.map((l) => l.source as { scheduleRowId?: string; tariffClass?: string }).find((x) => x.scheduleRowId && x.tariffClass);
        if (!src) continue;
        const [schedule] = (await em.query(`SELECT document FROM billing.tariff_schedules WHERE id = $1`, [src.scheduleRowId])) as Array<{ document: TariffScheduleDocument }>;
        const rerated = rate(schedule.document, {
          tariffClass: src.tariffClass!,
          metered: true,
          consumptionM3: fixed(billedM3.minus(take), 3),
          units: Math.max(1, profile?.unitsServed ?? 1),
          date: parsePeriodKey(inv.period, tenant.timeZone).firstDay,
        });
        const credit = estimateCreditLines(
          lines.map((l) => ({ lineNo: Number(l.line_no), conceptCode: l.concept_code as string, row: (l.source as { row: RowRef }).row, amount: String(l.amount) })),
          rerated.lines,
        );
        if (!credit.length) continue;
        await this.issueCreditNote({ id: inv.id, reason: `Estimado no consumido: ${fixed(take, 3)} m3 de ${inv.period} ${tag}`, lines: credit }, { aboveBalance: true });
      }
      if (left.greaterThan(0)) this.log.warn(`contract ${contractId}: ${fixed(left, 3)} m3 over-estimated have no stamped estimated invoice to credit`);
    });
  }

  /**
   * `customer.contract.terminated.v1`: the contract becomes `baja` in the read model. A metered toma's final
   * invoice waits for metering's final billable consumption (the final reading); an unmetered one has no reading,
   * so its final invoice (cuota fija for the days served, per tenant policy, plus the open balance) is issued now.
   */
  onContractTerminated(d: ContractTerminatedData): Promise<{ invoiceId: string | null }> {
    return mapErrors(() =>
      this.db.tx(async (em) => {
        await this.directory.terminate(d);
        const profile = await this.directory.profile(d.contractId);
        if (!profile || profile.billingType !== 'cuota_fija') return { invoiceId: null };
        const ctx = await this.issuing.context().catch((e: unknown) => {
          if ((e as { code?: string }).code === 'BILLING.FISCAL_SETTINGS_MISSING') return undefined;
          throw e;
        });
        if (!ctx) return { invoiceId: null };
        const period = periodForLocalDate(d.effectiveDate, profile.billingPeriod === 'bimestral' ? 'bimonthly' : 'monthly', ctx.tenant.timeZone);
        // The period was already billed in full: the days not served come back as a credit note.
        const [billed] = (await em.query(
          `SELECT id, status, is_final FROM billing.invoices WHERE contract_id = $1 AND period = $2 AND kind = 'I' AND status NOT IN ('rejected', 'cancelled')
            ORDER BY created_at DESC LIMIT 1`,
          [d.contractId, period.key],
        )) as Array<{ id: string; status: string; is_final: boolean }>;
        if (billed) {
          if (billed.is_final) return { invoiceId: billed.id };
          return { invoiceId: await this.creditUnservedDays(billed, period, d.effectiveDate, ctx.tenant.finalProration) };
        }
        const out = await this.issuing.issueBatch(ctx, [{ profile, period: period.key, consumption: null }]);
        if (out.failed.length) throw new Error(`${out.failed[0].code}: ${out.failed[0].message}`);
        return { invoiceId: out.issued[0]?.id ?? out.held[0]?.id ?? null };
      }),
    );
  }

  /**
   * Credit note (CFDI E related 01 to the period's invoice) for the fixed charges of the days after the last day
   * served, under the tenant's `finalProration` (`daily`; `none` credits nothing). Recargos are not credited.
   * Waits (retryable) until the invoice is stamped; once per invoice.
   */
  private async creditUnservedDays(invoice: { id: string; status: string }, period: BillingPeriod, endDate: string, policy: FinalProration): Promise<string | null> {
    const terms = finalTerms({ period, finalConsumption: null, contract: { status: 'baja', endDate }, policy });
    const unserved = terms ? terms.periodDays - terms.servedDays : 0;
    if (!terms || policy !== 'daily' || unserved <= 0) return null;
    if (invoice.status === 'draft') {
      this.log.warn(`invoice ${invoice.id} is held for review: the ${unserved} days not served after ${endDate} are not credited`);
      return null;
    }
    if (invoice.status === 'issued') throw BillingErrors.notStampedYet(invoice.id);
    return this.db.tx(async (em) => {
      const reason = `Baja ${endDate}: ${unserved} de ${terms.periodDays} días no servidos`;
      const [done] = (await em.query(`SELECT id FROM billing.invoices WHERE related_invoice_id = $1 AND kind = 'E' AND status <> 'cancelled' AND review_note = $2`, [invoice.id, reason])) as Array<{ id: string }>;
      if (done) return done.id;
      const lines = (await em.query(
        `SELECT line_no, amount FROM billing.invoice_lines WHERE invoice_id = $1 AND coalesce(source->'row'->>'kind', '') <> 'surcharge' ORDER BY line_no`,
        [invoice.id],
      )) as Array<{ line_no: number; amount: string }>;
      const credit = lines
        .map((l) => ({ lineNo: Number(l.line_no), amount: round2(toDec(String(l.amount)).times(unserved).div(terms.periodDays)).toFixed(2) }))
        .filter((l) => toDec(l.amount).greaterThan(0));
      if (!credit.length) return null;
      return this.issueCreditNote({ id: invoice.id, reason, lines: credit }, { aboveBalance: true });
    });
  }

  // ---------------------------------------------------------------- queries

  list(q: ListInvoicesQuery): Promise<Page<InvoiceView>> {
    const page = q.page ?? 1;
    const size = q.size ?? 50;
    const where: string[] = [];
    const params: unknown[] = [size, (page - 1) * size];
    const add = (sql: string, v: unknown) => {
      params.push(v);
      where.push(sql.replace('?', `$${params.length}`));
    };
    if (q.status) add('status = ?', q.status);
    if (q.kind) add('kind = ?', q.kind);
    if (q.contractId) add('contract_id = ?', q.contractId);
    if (q.tomaId) add('toma_id = ?', q.tomaId);
    if (q.period) add('period = ?', q.period);
    if (q.billRunId) add('bill_run_id = ?', q.billRunId);
    return this.db.tx(async (em) => {
      const rows = (await em.query(
        `SELECT ${INVOICE_VIEW_COLUMNS}, count(*) OVER () AS total_rows FROM billing.invoices
          ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY created_at DESC, id DESC LIMIT $1 OFFSET $2`,
        params,
      )) as Row[];
      return { data: rows.map((r) => toInvoiceView(r)), page: { number: page, size, total: rows.length ? Number(rows[0].total_rows) : 0 } };
    });
  }

  get(id: string): Promise<InvoiceView> {
    return this.db.tx(async (em) => {
      const row = await this.row(id);
      const lines = (await em.query(`SELECT * FROM billing.invoice_lines WHERE invoice_id = $1 ORDER BY line_no`, [id])) as Row[];
      return toInvoiceView(row, lines);
    });
  }

  xml(id: string): Promise<InvoiceXmlView> {
    return this.db.tx(async () => {
      const r = await this.row(id, 'xml, stamped_xml, status');
      if (!r.xml) throw BillingErrors.invalidState(id, r.status as string, 'produce a CFDI');
      return { id, xml: (r.stamped_xml ?? r.xml) as string, stamped: r.stamped_xml !== null };
    });
  }

  pdf(id: string): Promise<InvoicePdfView> {
    return mapErrors(() =>
      this.db.tx(async (em) => {
        const r = await this.row(id, 'stamped_xml, serie, folio, toma_id, period, due_date, consumption_m3, final_settlement');
        const fin = r.final_settlement as FinalSettlementView | null;
        if (!r.stamped_xml) throw BillingErrors.notStamped(id);
        const history = (await em.query(
          `SELECT period, consumption_m3 FROM billing.consumptions WHERE toma_id = $1 AND period <= $2 ORDER BY period DESC LIMIT 12`,
          [r.toma_id, r.period],
        )) as Array<{ period: string; consumption_m3: string }>;
        const pdf = await renderInvoicePdf({
          stampedXml: r.stamped_xml as string,
          serviceInfo: [
            { label: 'Periodo', value: r.period as string },
            ...(r.consumption_m3 !== null ? [{ label: 'Consumo m³', value: fixed(String(r.consumption_m3), 3) }] : []),
            ...(r.due_date ? [{ label: 'Vencimiento', value: String(r.due_date instanceof Date ? localDateOf(r.due_date) : r.due_date).slice(0, 10) }] : []),
            // The final invoice (baja): days billed, and what else the contract still owes besides this CFDI.
            ...(fin
              ? [
                  { label: 'Factura final (baja)', value: `último día ${fin.endDate}` },
                  { label: 'Días facturados', value: `${fin.servedDays} de ${fin.periodDays}${fin.proration === 'daily' ? ' (cargos fijos prorrateados)' : ''}` },
                  { label: 'Saldo anterior pendiente', value: `$${fin.openBalance}` },
                  { label: 'Total a pagar (finiquito)', value: `$${fin.amountDue}` },
                ]
              : []),
          ],
          consumptionHistory: history.reverse().map((h) => ({ label: h.period, m3: fixed(String(h.consumption_m3), 3) })),
        });
        return { id, contentType: 'application/pdf' as const, filename: `${r.serie ?? 'F'}-${r.folio ?? id}.pdf`, base64: pdf.toString('base64') };
      }),
    );
  }

  // ---------------------------------------------------------------- review queue

  reviewQueue(q: ListBillReviewQueueQuery): Promise<Page<InvoiceView>> {
    return this.list({ ...q, status: 'draft' });
  }

  /** Issues a held draft as rated: folio, seal, stamping queue, billing.invoice.issued.v1. */
  approve(id: string, note?: string): Promise<InvoiceView> {
    return mapErrors(async () => {
      await this.db.tx(async (em) => {
        const r = await this.row(id, '*', true);
        if (r.status !== 'draft') throw BillingErrors.invalidState(id, r.status as string, 'approve');
        const tenant = await this.settings.forIssuing();
        const lines = (await em.query(`SELECT * FROM billing.invoice_lines WHERE invoice_id = $1 ORDER BY line_no`, [id])) as Row[];
        const now = this.clock.now();
        const folio = String(await reserveFolios(em, tenant.tenantId, tenant.serie, 1));
        const input = cfdiInputFor({
          tenant,
          receptor: (r.cfdi_input as { receptor: Parameters<typeof cfdiInputFor>[0]['receptor'] }).receptor,
          conceptos: lines.map((l) => toConcepto(lineToRated(l))),
          serie: tenant.serie,
          folio,
          fecha: cfdiDateTime(now, tenant.timeZone),
          condiciones: `Periodo ${r.period as string}`,
        });
        const s = sealOne(input, tenant.credentials);
        if (!s.ok) throw new Error(`${s.code}: ${s.message}`);
        const due = dueDate(now, tenant.dueDays, tenant.timeZone);
        await em.query(
          `UPDATE billing.invoices SET status = 'issued', serie = $2, folio = $3, xml = $4, issued_at = $5, due_date = $6, review_note = $7,
                  subtotal = $8, tax = $9, total = $10 WHERE id = $1`,
          [id, tenant.serie, folio, s.xml, now, due, note ?? null, s.subtotal, s.tax, s.total],
        );
        await enqueueStamping(em, tenant.tenantId, [id]);
        await this.outbox.add(
          {
            type: BillingEvents.invoiceIssued.type,
            subject: id,
            data: {
              invoiceId: id,
              contractId: r.contract_id as string,
              tomaId: r.toma_id as string,
              personId: (r.person_id as string | null) ?? null,
              period: r.period as string,
              serie: tenant.serie,
              folio,
              subtotal: s.subtotal,
              tax: s.tax,
              total: s.total,
              dueDate: due,
              issuedAt: now.toISOString(),
              final: Boolean(r.is_final),
              substitutesId: null,
              billRunId: (r.bill_run_id as string | null) ?? null,
            } satisfies InvoiceIssuedData,
          },
          em,
        );
      });
      return this.get(id);
    });
  }

  reject(id: string, note?: string): Promise<InvoiceView> {
    return this.db.tx(async (em) => {
      const r = await this.row(id, 'status, cfdi_input', true);
      if (r.status !== 'draft') throw BillingErrors.invalidState(id, r.status as string, 'reject');
      await em.query(`UPDATE billing.invoices SET status = 'rejected', review_note = $2 WHERE id = $1`, [id, note ?? null]);
      await releaseSurcharges(em, r.cfdi_input);
      return this.get(id);
    });
  }

  // ---------------------------------------------------------------- cancellation

  /**
   * Cancels with a SAT reason (c_MotivoCancelacion). 01 (errors, with relation) needs `substitution`: it first
   * issues and stamps the substitute (TipoRelacion 04 to this UUID), then asks the PAC to cancel citing it as
   * FolioSustitucion. 02 (errors, no relation), 03 (operation not carried out) and 04 (nominative operation in a
   * global invoice) cancel at the PAC with no substitute. An issued but unstamped invoice has no fiscal existence
   * yet: it leaves the stamping queue and is cancelled locally.
   */
  cancel(dto: CancelInvoiceRequest): Promise<CancelInvoiceView> {
    return mapErrors(async () => {
      if (dto.substitution && dto.reason !== '01') throw BillingErrors.substitutionOnlyFor01();
      if (dto.reason === '01' && !dto.substitution) throw BillingErrors.substituteRequired(dto.id);
      const r = await this.db.tx(() => this.row(dto.id, '*'));
      const status = r.status as string;
      if (!['issued', 'stamped'].includes(status) || toDec(String(r.paid_amount)).greaterThan(0)) {
        throw BillingErrors.invalidState(dto.id, status, 'cancel');
      }
      const uuid = (r.uuid as string | null) ?? null;
      let substituteId: string | null = null;
      if (dto.reason === '01') {
        if (!uuid) throw BillingErrors.notStamped(dto.id);
        substituteId = await this.issueSubstitute(r, uuid, dto.substitution?.consumptionM3);
        const stamped = await this.stamping.stampOne(substituteId);
        if (stamped !== 'stamped') {
          throw BillingErrors.invalidState(substituteId, stamped, 'stamp the substitute now (it stays queued; cancel again later)');
        }
      }
      const tenant = await this.settings.forIssuing();
      if (uuid) {
        const subUuid = substituteId ? ((await this.db.tx(() => this.row(substituteId!, 'uuid'))).uuid as string) : undefined;
        await this.pacs.provider.cancel(uuid, tenant.emisor.rfc, dto.reason as CancelMotivo, subUuid, tenant.credentials);
      }
      await this.db.tx(async (em) => {
        const now = this.clock.now();
        const [, affected] = (await em.query(
          `UPDATE billing.invoices SET status = 'cancelled', cancelled_at = $2, cancel_reason = $3, substituted_by_id = $4
            WHERE id = $1 AND status IN ('issued', 'stamped')`,
          [dto.id, now, dto.reason, substituteId],
        )) as [unknown, number];
        if (affected === 0) throw BillingErrors.invalidState(dto.id, 'changed', 'cancel');
        await em.query(`DELETE FROM billing.stamp_queue WHERE invoice_id = $1`, [dto.id]);
        await releaseSurcharges(em, r.cfdi_input);
        await this.outbox.add(
          {
            type: BillingEvents.invoiceCancelled.type,
            subject: dto.id,
            data: { invoiceId: dto.id, contractId: r.contract_id as string, uuid, reason: dto.reason, substitutedById: substituteId, cancelledAt: now.toISOString() } satisfies InvoiceCancelledData,
          },
          em,
        );
      });
      return { invoice: await this.get(dto.id), substitute: substituteId ? await this.get(substituteId) : null };
    });
  }

  private async issueSubstitute(original: Row, uuid: string, consumptionM3?: string): Promise<string> {
    return this.db.tx(async (em) => {
      const existing = (await em.query(`SELECT id FROM billing.invoices WHERE substitutes_id = $1`, [original.id])) as Array<{ id: string }>;
      if (existing[0]) return existing[0].id;
      const profile = await this.directory.profile(original.contract_id as string);
      if (!profile) throw BillingErrors.directoryIncomplete('contract', original.contract_id as string);
      const c = (await em.query(`SELECT * FROM billing.consumptions WHERE contract_id = $1 AND period = $2`, [original.contract_id, original.period])) as Row[];
      const consumption: ConsumptionFact | null = c[0]
        ? {
            billableId: c[0].billable_id as string,
            m3: consumptionM3 ?? fixed(String(c[0].consumption_m3), 3),
            adjustmentM3: fixed(String(c[0].adjustment_m3), 3),
            estimated: Boolean(c[0].estimated),
            provenance: { ...(c[0].provenance as Record<string, unknown>), ...(consumptionM3 ? { correctedFromM3: String(c[0].consumption_m3) } : {}) },
          }
        : null;
      const out = await this.issuing.issueBatch(await this.issuing.context(), [
        { profile, period: original.period as string, consumption, substitutes: { invoiceId: original.id as string, uuid } },
      ]);
      if (out.failed.length) throw new Error(`${out.failed[0].code}: ${out.failed[0].message}`);
      return out.issued[0].id;
    });
  }

  // ---------------------------------------------------------------- credit notes

  /**
   * A credit note: CFDI egreso related 01 to the stamped invoice, one concepto per credited line with that
   * line's tax treatment, so IVA is returned exactly as charged. It lowers the invoice's balance.
   */
  creditNote(dto: CreditNoteRequest): Promise<InvoiceView> {
    return mapErrors(async () => this.get(await this.issueCreditNote(dto)));
  }

  /**
   * The credit note itself. `aboveBalance`: a credit the customer is owed whatever was paid (days not served
   * after termination) may exceed the open balance, leaving a balance in the customer's favour.
   */
  private async issueCreditNote(dto: CreditNoteRequest, opts: { aboveBalance?: boolean } = {}): Promise<string> {
    {
      const id = uuidv7();
      await this.db.tx(async (em) => {
        const r = await this.row(dto.id, '*', true);
        if (r.kind !== 'I' || !['stamped', 'partially_paid', 'paid'].includes(r.status as string)) {
          throw r.uuid ? BillingErrors.invalidState(dto.id, r.status as string, 'credit') : BillingErrors.notStamped(dto.id);
        }
        const lines = (await em.query(`SELECT * FROM billing.invoice_lines WHERE invoice_id = $1 ORDER BY line_no`, [dto.id])) as Row[];
        const credited = (await em.query(
          `SELECT (l.source->>'creditedLine')::int AS line_no, sum(l.amount) AS amount FROM billing.invoice_lines l
             JOIN billing.invoices n ON n.id = l.invoice_id WHERE n.related_invoice_id = $1 AND n.kind = 'E' AND n.status <> 'cancelled'
            GROUP BY 1`,
          [dto.id],
        )) as Array<{ line_no: number; amount: string }>;
        const already = new Map(credited.map((c) => [Number(c.line_no), toDec(String(c.amount))]));
        const wanted = dto.lines ?? lines.map((l) => ({ lineNo: Number(l.line_no), amount: new Dec(String(l.amount)).minus(already.get(Number(l.line_no)) ?? 0).toFixed(2) }));
        const conceptos: CfdiConceptoInput[] = [];
        const creditLines: Row[] = [];
        for (const w of wanted) {
          const l = lines.find((x) => Number(x.line_no) === w.lineNo);
          if (!l) throw BillingErrors.creditExceeds(dto.id, `line ${w.lineNo} does not exist`);
          const amount = round2(w.amount);
          if (amount.isZero()) continue;
          const left = new Dec(String(l.amount)).minus(already.get(w.lineNo) ?? 0);
          if (amount.greaterThan(left)) throw BillingErrors.creditExceeds(dto.id, `line ${w.lineNo} has ${fixed(left, 2)} left to credit`);
          const rated = lineToRated(l);
          const taxAmount = rated.tax.rate ? fixed(round2(amount.times(rated.tax.rate)), 2) : null;
          const credit = { ...rated, quantity: '1', claveUnidad: 'ACT', unidad: undefined, unitPrice: fixed(amount, 6), amount: fixed(amount, 2), description: `${rated.description} (bonificación)` };
          conceptos.push(toConcepto(credit));
          creditLines.push({ ...l, quantity: '1', clave_unidad: 'ACT', unit_price: fixed(amount, 6), amount: fixed(amount, 2), tax_amount: taxAmount, description: credit.description, source: { creditedInvoiceId: dto.id, creditedLine: w.lineNo, reason: dto.reason } });
        }
        if (!conceptos.length) throw BillingErrors.creditExceeds(dto.id, 'nothing left to credit');
        const tenant = await this.settings.forIssuing();
        const now = this.clock.now();
        const folio = String(await reserveFolios(em, tenant.tenantId, tenant.serieCreditNotes, 1));
        const s = sealOne(
          cfdiInputFor({
            tenant,
            tipo: 'E',
            receptor: (r.cfdi_input as { receptor: Parameters<typeof cfdiInputFor>[0]['receptor'] }).receptor,
            conceptos,
            serie: tenant.serieCreditNotes,
            folio,
            fecha: cfdiDateTime(now, tenant.timeZone),
            relacionados: [{ tipoRelacion: '01', uuids: [r.uuid as string] }],
          }),
          tenant.credentials,
        );
        if (!s.ok) throw new Error(`${s.code}: ${s.message}`);
        const balance = new Dec(String(r.total)).minus(String(r.paid_amount)).minus(String(r.credited_amount));
        if (!opts.aboveBalance && toDec(s.total).greaterThan(balance)) throw BillingErrors.creditExceeds(dto.id, `total ${s.total} is above the balance ${fixed(balance, 2)}`);
        await em.query(
          `INSERT INTO billing.invoices (id, tenant_id, kind, status, contract_id, toma_id, person_id, period, serie, folio, subtotal, tax, total,
             cfdi_input, xml, issued_at, related_invoice_id, review_note)
           VALUES ($1,$2,'E','issued',$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16)`,
          [id, tenant.tenantId, r.contract_id, r.toma_id, r.person_id, r.period, tenant.serieCreditNotes, folio, s.subtotal, s.tax, s.total,
            JSON.stringify({ receptor: (r.cfdi_input as Row).receptor }), s.xml, now, dto.id, dto.reason],
        );
        let n = 0;
        for (const l of creditLines) {
          n++;
          await em.query(
            `INSERT INTO billing.invoice_lines (tenant_id, invoice_id, line_no, kind, concept_code, description, clave_prod_serv, clave_unidad, quantity,
               unit_price, amount, tax_object, tax_factor, tax_rate, tax_amount, source) VALUES ($1,$2,$3,'credit',$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15)`,
            [tenant.tenantId, id, n, l.concept_code, l.description, l.clave_prod_serv, l.clave_unidad, l.quantity, l.unit_price, l.amount, l.tax_object,
              l.tax_factor, l.tax_rate, l.tax_amount, JSON.stringify(l.source)],
          );
        }
        await em.query(`UPDATE billing.invoices SET credited_amount = credited_amount + $2 WHERE id = $1`, [dto.id, s.total]);
        await enqueueStamping(em, tenant.tenantId, [id]);
        await this.outbox.add(
          {
            type: BillingEvents.creditNoteIssued.type,
            subject: id,
            data: { creditNoteId: id, invoiceId: dto.id, contractId: r.contract_id as string, serie: tenant.serieCreditNotes, folio, total: s.total, reason: dto.reason, issuedAt: now.toISOString() } satisfies CreditNoteIssuedData,
          },
          em,
        );
      });
      return id;
    }
  }

  // ---------------------------------------------------------------- past due and payments

  /** Flags this tenant's invoices whose due date has passed with a balance, once each, with the event. */
  markPastDue(asOf?: string): Promise<MarkPastDueView> {
    return this.db.tx(async (em) => {
      const tz = ((await em.query(`SELECT time_zone FROM billing.tenant_settings`)) as Array<{ time_zone: string }>)[0]?.time_zone;
      const today = asOf ?? localDateOf(this.clock.now(), tz ?? 'America/Mexico_City');
      const [rows] = (await em.query(
        `UPDATE billing.invoices SET past_due_at = now()
          WHERE kind = 'I' AND past_due_at IS NULL AND status IN ('issued', 'stamped', 'partially_paid') AND due_date < $1
            AND total - paid_amount - credited_amount > 0
        RETURNING id, contract_id, toma_id, person_id, due_date, total, (total - paid_amount - credited_amount) AS balance`,
        [today],
      )) as [Row[], number];
      await this.outbox.addMany(
        rows.map((r) => ({
          type: BillingEvents.invoicePastDue.type,
          subject: r.id as string,
          data: {
            invoiceId: r.id as string,
            contractId: r.contract_id as string,
            tomaId: r.toma_id as string,
            personId: (r.person_id as string | null) ?? null,
            dueDate: String(r.due_date instanceof Date ? localDateOf(r.due_date) : r.due_date).slice(0, 10),
            total: fixed(String(r.total), 2),
            balance: fixed(String(r.balance), 2),
          } satisfies InvoicePastDueData,
        })),
        em,
      );
      return { marked: rows.length };
    });
  }

  /** Tenants with an invoice past due and not yet flagged (the scheduler's cross-tenant look). */
  async tenantsWithPastDue(): Promise<string[]> {
    const rows = (await this.db.asSystem((em) =>
      em.query(
        `SELECT DISTINCT tenant_id FROM billing.invoices
          WHERE kind = 'I' AND past_due_at IS NULL AND status IN ('issued', 'stamped', 'partially_paid') AND due_date < current_date`,
      ),
    )) as Array<{ tenant_id: string }>;
    return rows.map((r) => r.tenant_id);
  }

  /** `payments.payment.applied.v1`: paid amount and state; the same payment applied twice counts once. */
  applyPayment(d: PaymentAppliedData): Promise<void> {
    return this.db.tx(async (em) => {
      const inserted = (await em.query(
        `INSERT INTO billing.payment_applications (tenant_id, payment_id, invoice_id, amount, applied_at) VALUES ($1,$2,$3,$4,$5)
         ON CONFLICT DO NOTHING RETURNING payment_id`,
        [TenantContext.tenantId(), d.paymentId, d.invoiceId, d.amount, d.appliedAt],
      )) as unknown[];
      if (!inserted.length) return;
      await em.query(
        `UPDATE billing.invoices SET paid_amount = paid_amount + $2,
                status = CASE WHEN status IN ('issued', 'stamped', 'partially_paid')
                              THEN CASE WHEN paid_amount + $2 + credited_amount >= total THEN 'paid' ELSE 'partially_paid' END
                              ELSE status END
          WHERE id = $1`,
        [d.invoiceId, d.amount],
      );
    });
  }

  private async row(id: string, columns = '*', lock = false): Promise<Row> {
    const rows = (await this.db.manager().query(`SELECT ${columns}, id FROM billing.invoices WHERE id = $1 ${lock ? 'FOR UPDATE' : ''}`, [id])) as Row[];
    if (!rows[0]) throw BillingErrors.invoiceNotFound(id);
    return rows[0];
  }
}

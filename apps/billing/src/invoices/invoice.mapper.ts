import type { InvoiceLineView, InvoiceView } from '@supra/contracts';
import { Dec, fixed } from '@supra/domain/money';
import { dateOnly, isoOrNull, str } from '../shared/sql';

export const INVOICE_VIEW_COLUMNS = `id, kind, status, contract_id, toma_id, person_id, period, serie, folio, uuid, subtotal, tax, total, paid_amount,
  credited_amount, consumption_m3, estimated, is_final, final_settlement, schedule_id, schedule_version, issued_at, due_date, stamped_at, past_due_at,
  cancelled_at, cancel_reason, substitutes_id, substituted_by_id, related_invoice_id, bill_run_id, hold_reasons, created_at`;

export function toInvoiceView(r: Record<string, unknown>, lines?: Record<string, unknown>[]): InvoiceView {
  const total = String(r.total);
  const balance = new Dec(total).minus(String(r.paid_amount)).minus(String(r.credited_amount));
  return {
    id: r.id as string,
    kind: r.kind as InvoiceView['kind'],
    status: r.status as InvoiceView['status'],
    contractId: r.contract_id as string,
    tomaId: r.toma_id as string,
    personId: (r.person_id as string | null) ?? null,
    period: r.period as string,
    serie: str(r.serie),
    folio: str(r.folio),
    uuid: str(r.uuid),
    subtotal: fixed(String(r.subtotal), 2),
    tax: fixed(String(r.tax), 2),
    total: fixed(total, 2),
    paidAmount: fixed(String(r.paid_amount), 2),
    creditedAmount: fixed(String(r.credited_amount), 2),
    balance: fixed(Dec.max(balance, 0), 2),
    consumptionM3: r.consumption_m3 === null ? null : fixed(String(r.consumption_m3), 3),
    estimated: Boolean(r.estimated),
    final: Boolean(r.is_final),
    finalSettlement: (r.final_settlement as InvoiceView['finalSettlement'] | undefined) ?? null,
    scheduleId: str(r.schedule_id),
    scheduleVersion: r.schedule_version === null ? null : Number(r.schedule_version),
    issuedAt: isoOrNull(r.issued_at),
    dueDate: dateOnly(r.due_date),
    stampedAt: isoOrNull(r.stamped_at),
    pastDueAt: isoOrNull(r.past_due_at),
    cancelledAt: isoOrNull(r.cancelled_at),
    cancelReason: (r.cancel_reason as InvoiceView['cancelReason']) ?? null,
    substitutesId: str(r.substitutes_id),
    substitutedById: str(r.substituted_by_id),
    relatedInvoiceId: str(r.related_invoice_id),
    billRunId: str(r.bill_run_id),
    holdReasons: (r.hold_reasons as InvoiceView['holdReasons']) ?? [],
    ...(lines ? { lines: lines.map(toLineView) } : {}),
    createdAt: new Date(r.created_at as string).toISOString(),
  };
}

export function toLineView(l: Record<string, unknown>): InvoiceLineView {
  return {
    lineNo: Number(l.line_no),
    kind: l.kind as InvoiceLineView['kind'],
    conceptCode: l.concept_code as string,
    description: l.description as string,
    claveProdServ: l.clave_prod_serv as string,
    claveUnidad: l.clave_unidad as string,
    quantity: new Dec(String(l.quantity)).toFixed(),
    unitPrice: fixed(String(l.unit_price), 6),
    amount: fixed(String(l.amount), 2),
    taxObject: l.tax_object as string,
    taxRate: l.tax_rate === null ? null : fixed(String(l.tax_rate), 6),
    taxAmount: l.tax_amount === null ? null : fixed(String(l.tax_amount), 2),
    source: l.source as Record<string, unknown>,
  };
}

/** A stored line back in the shape the CFDI mapping takes (approvals seal a held draft from its lines). */
export function lineToRated(l: Record<string, unknown>) {
  const source = l.source as Record<string, unknown>;
  return {
    conceptCode: l.concept_code as string,
    description: l.description as string,
    claveProdServ: l.clave_prod_serv as string,
    claveUnidad: l.clave_unidad as string,
    unidad: (source.unidad as string | null) ?? undefined,
    quantity: new Dec(String(l.quantity)).toFixed(),
    unitPrice: fixed(String(l.unit_price), 6),
    amount: fixed(String(l.amount), 2),
    tax: {
      objetoImp: l.tax_object as '01' | '02',
      factor: (l.tax_factor as 'Tasa' | 'Exento' | null) ?? null,
      rate: l.tax_rate === null ? null : fixed(String(l.tax_rate), 6),
      base: null,
      amount: l.tax_amount === null ? null : fixed(String(l.tax_amount), 2),
    },
  };
}

import type { FinalProration, FinalSettlementView } from '@supra/contracts';
import { Dec, fixed, toDec } from '@supra/domain/money';
import { daysBetween, daysInPeriod, localDateOf, type BillingPeriod, type LocalDate } from '@supra/domain/periods';
import type { Proration } from '../tariffs/rating';

/** The partial period a final invoice bills. */
export interface FinalTerms extends Proration {
  endDate: LocalDate;
  proration: FinalProration;
}

export interface FinalInputs {
  period: BillingPeriod;
  /** Metering's final billable consumption of this period (`final: true`): it ends at the termination instant. */
  finalConsumption: { periodEnd: Date } | null;
  /** Billing's copy of the contract: `baja` with its end date after `customer.contract.terminated.v1`. */
  contract: { status: string; endDate: string | null };
  policy: FinalProration;
}

/**
 * Whether an invoice is the contract's final one, and for which days. Final when metering marked the consumption
 * final (its `periodEnd` is the termination instant: the last day served is the local day before it), or when the
 * contract is terminated (baja) and its end date falls in or before this period (an older producer without the
 * marker, or an unmetered toma that has no consumption). Null for a regular period.
 */
export function finalTerms(i: FinalInputs): FinalTerms | null {
  let end: LocalDate | null = null;
  if (i.finalConsumption) end = localDateOf(new Date(i.finalConsumption.periodEnd.getTime() - 1), i.period.timeZone);
  else if (i.contract.status === 'baja' && i.contract.endDate && i.contract.endDate <= i.period.lastDay) end = i.contract.endDate;
  if (!end) return null;
  const periodDays = daysInPeriod(i.period);
  // Served days clamp to the period: a termination before it started still closes the contract with this invoice.
  const servedDays = Math.min(periodDays, Math.max(0, daysBetween(i.period.firstDay, end) + 1));
  return { endDate: end, servedDays, periodDays, proration: i.policy };
}

export interface OpenInvoice {
  id: string;
  serie: string | null;
  folio: string | null;
  due_date: string | Date | null;
  balance: string;
}

const dateOnly = (v: string | Date | null): string | null =>
  v === null ? null : typeof v === 'string' ? v.slice(0, 10) : `${v.getFullYear()}-${String(v.getMonth() + 1).padStart(2, '0')}-${String(v.getDate()).padStart(2, '0')}`;

/** The final invoice's settlement: its own total plus every other open balance of the contract. */
export function finalSettlement(terms: FinalTerms, total: string, open: OpenInvoice[]): FinalSettlementView {
  const openBalance = open.reduce((s, o) => s.plus(toDec(o.balance)), new Dec(0));
  return {
    endDate: terms.endDate,
    servedDays: terms.servedDays,
    periodDays: terms.periodDays,
    proration: terms.proration,
    openInvoices: open.map((o) => ({ invoiceId: o.id, serie: o.serie, folio: o.folio, dueDate: dateOnly(o.due_date), balance: fixed(toDec(o.balance), 2) })),
    openBalance: fixed(openBalance, 2),
    amountDue: fixed(openBalance.plus(toDec(total)), 2),
  };
}

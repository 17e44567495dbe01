// Events the billing service publishes (stream BILLING, subjects events.<tenant>.billing.>; kept 5 years). The
// ce-subject is the invoice id (credit note id for credit notes). Money is a decimal string (MXN).
import { IsBoolean, IsIn, IsISO8601, IsOptional, IsString, IsUUID, Matches } from 'class-validator';
import { defineEvent } from '../lib/event-registry';
import { CANCEL_REASONS, type CancelReason } from './enums';

const AMOUNT_RE = /^-?\d{1,12}\.\d{2}$/;
const DATE_RE = /^\d{4}-\d{2}-\d{2}$/;

export class InvoiceIssuedData {
  @IsUUID('all') invoiceId!: string;
  @IsUUID('all') contractId!: string;
  @IsUUID('all') tomaId!: string;
  @IsOptional() @IsUUID('all') personId?: string | null;
  @IsString() period!: string;
  @IsString() serie!: string;
  @IsString() folio!: string;
  @Matches(AMOUNT_RE) subtotal!: string;
  @Matches(AMOUNT_RE) tax!: string;
  @Matches(AMOUNT_RE) total!: string;
  @Matches(DATE_RE) dueDate!: string;
  @IsISO8601({ strict: true }) issuedAt!: string;
  /** The last invoice of a terminated contract. */
  @IsBoolean() final!: boolean;
  /** Set when it replaces a cancelled invoice (SAT reason 01). */
  @IsOptional() @IsUUID('all') substitutesId?: string | null;
  @IsOptional() @IsUUID('all') billRunId?: string | null;
}

export class InvoiceStampedData {
  @IsUUID('all') invoiceId!: string;
  @IsUUID('all') contractId!: string;
  /** Folio fiscal (UUID of the TFD). */
  @IsUUID('all') uuid!: string;
  @IsString() kind!: 'I' | 'E';
  @Matches(AMOUNT_RE) total!: string;
  @IsISO8601({ strict: true }) stampedAt!: string;
  @IsString() provider!: string;
}

export class InvoiceCancelledData {
  @IsUUID('all') invoiceId!: string;
  @IsUUID('all') contractId!: string;
  @IsOptional() @IsUUID('all') uuid?: string | null;
  @IsIn(CANCEL_REASONS) reason!: CancelReason;
  @IsOptional() @IsUUID('all') substitutedById?: string | null;
  @IsISO8601({ strict: true }) cancelledAt!: string;
}

export class CreditNoteIssuedData {
  @IsUUID('all') creditNoteId!: string;
  @IsUUID('all') invoiceId!: string;
  @IsUUID('all') contractId!: string;
  @IsString() serie!: string;
  @IsString() folio!: string;
  @Matches(AMOUNT_RE) total!: string;
  @IsString() reason!: string;
  @IsISO8601({ strict: true }) issuedAt!: string;
}

export class InvoicePastDueData {
  @IsUUID('all') invoiceId!: string;
  @IsUUID('all') contractId!: string;
  @IsUUID('all') tomaId!: string;
  @IsOptional() @IsUUID('all') personId?: string | null;
  @Matches(DATE_RE) dueDate!: string;
  @Matches(AMOUNT_RE) total!: string;
  /** What is still owed (total - paid - credited). */
  @Matches(AMOUNT_RE) balance!: string;
}

/**
 * `payments.payment.applied.v1` — defined here because libs/contracts has no payments folder yet; billing
 * consumes it to keep an invoice's paid amount and state. Move it to libs/contracts/src/payments when the
 * payments service defines its contracts (same type string, same fields).
 */
export class PaymentAppliedData {
  @IsUUID('all') paymentId!: string;
  @IsUUID('all') invoiceId!: string;
  /** Amount applied to this invoice, MXN. */
  @Matches(/^\d{1,12}\.\d{2}$/) amount!: string;
  @IsISO8601({ strict: true }) appliedAt!: string;
}

export const BillingEvents = {
  invoiceIssued: defineEvent('billing.invoice.issued.v1', InvoiceIssuedData, 'An invoice was issued (folio and sealed CFDI); it awaits stamping'),
  invoiceStamped: defineEvent('billing.invoice.stamped.v1', InvoiceStampedData, 'A CFDI (invoice or credit note) was stamped by a PAC'),
  invoiceCancelled: defineEvent('billing.invoice.cancelled.v1', InvoiceCancelledData, 'An invoice was cancelled with a SAT reason (01 with its substitute)'),
  creditNoteIssued: defineEvent('billing.credit-note.issued.v1', CreditNoteIssuedData, 'A credit note (CFDI E related 01 to the invoice) was issued'),
  invoicePastDue: defineEvent('billing.invoice.past-due.v1', InvoicePastDueData, 'An invoice passed its due date with a balance'),
  paymentApplied: defineEvent('payments.payment.applied.v1', PaymentAppliedData, 'A payment (or part of one) was applied to an invoice'),
} as const;

export interface BillingEventMap {
  'billing.invoice.issued.v1': InvoiceIssuedData;
  'billing.invoice.stamped.v1': InvoiceStampedData;
  'billing.invoice.cancelled.v1': InvoiceCancelledData;
  'billing.credit-note.issued.v1': CreditNoteIssuedData;
  'billing.invoice.past-due.v1': InvoicePastDueData;
  'payments.payment.applied.v1': PaymentAppliedData;
}
export type BillingEventType = keyof BillingEventMap;

import type { BillRunStatus, CancelReason, FinalProration, HoldReason, InvoiceKind, InvoiceStatus, LineKind } from './enums';

/** Reply shapes of the billing RPC operations (JSON: dates ISO strings, money and m3 decimal strings). */

export interface TariffVersionView {
  id: string;
  scheduleId: string;
  version: number;
  name: string;
  effectiveFrom: string;
  effectiveTo: string | null;
  classes: string[];
  /** True once an invoice was rated with it: it can no longer be replaced. */
  used: boolean;
  importedAt: string;
}

export interface TariffImportView extends TariffVersionView {
  /** `created`, `replaced` (an unused version re-imported), `unchanged` (same document again). */
  outcome: 'created' | 'replaced' | 'unchanged';
}

export interface TariffDocumentView extends TariffVersionView {
  document: Record<string, unknown>;
}

export interface RateCheckLineView {
  conceptCode: string;
  description: string;
  quantity: string;
  unitPrice: string;
  amount: string;
  taxRate: string | null;
  taxAmount: string | null;
  scheduleId: string;
  scheduleVersion: number;
  row: Record<string, unknown>;
}

export interface RateCheckView {
  scheduleId: string;
  scheduleVersion: number;
  tariffClass: string;
  consumption: { measuredM3: string | null; units: number; billedPerUnitM3: string | null; billedM3: string | null };
  lines: RateCheckLineView[];
  totals: { subtotal: string; tax: string; total: string };
}

export interface FiscalSettingsView {
  rfc: string;
  nombre: string;
  regimenFiscal: string;
  lugarExpedicion: string;
  serie: string;
  serieCreditNotes: string;
  dueDays: number;
  timeZone: string;
  holdFactor: string;
  finalProration: FinalProration;
  /** Certificate facts only; the key and its password never leave the service. */
  csd: { noCertificado: string; rfc: string; validFrom: string; validTo: string } | null;
}

export interface InvoiceLineView {
  lineNo: number;
  kind: LineKind;
  conceptCode: string;
  description: string;
  claveProdServ: string;
  claveUnidad: string;
  quantity: string;
  unitPrice: string;
  amount: string;
  taxObject: string;
  taxRate: string | null;
  taxAmount: string | null;
  /** Tariff row and consumption provenance the line traces to. */
  source: Record<string, unknown>;
}

export interface InvoiceView {
  id: string;
  kind: InvoiceKind;
  status: InvoiceStatus;
  contractId: string;
  tomaId: string;
  personId: string | null;
  period: string;
  serie: string | null;
  folio: string | null;
  uuid: string | null;
  subtotal: string;
  tax: string;
  total: string;
  paidAmount: string;
  creditedAmount: string;
  balance: string;
  consumptionM3: string | null;
  estimated: boolean;
  final: boolean;
  /** The final invoice's settlement at termination (null on every other invoice). */
  finalSettlement: FinalSettlementView | null;
  scheduleId: string | null;
  scheduleVersion: number | null;
  issuedAt: string | null;
  dueDate: string | null;
  stampedAt: string | null;
  pastDueAt: string | null;
  cancelledAt: string | null;
  cancelReason: CancelReason | null;
  substitutesId: string | null;
  substitutedById: string | null;
  relatedInvoiceId: string | null;
  billRunId: string | null;
  holdReasons: HoldReason[];
  lines?: InvoiceLineView[];
  createdAt: string;
}

/**
 * What a final invoice settles: the partial period (fixed charges × servedDays / periodDays under the tenant's
 * `daily` policy) and the contract's other invoices still open. Those balances were invoiced (and stamped)
 * already, so they are not conceptos of this CFDI: they are added to what the customer owes at termination.
 */
export interface FinalSettlementView {
  /** Last day of service (local date, inclusive). */
  endDate: string;
  servedDays: number;
  periodDays: number;
  proration: FinalProration;
  openInvoices: Array<{ invoiceId: string; serie: string | null; folio: string | null; dueDate: string | null; balance: string }>;
  openBalance: string;
  /** This invoice's total plus openBalance. */
  amountDue: string;
}

export interface InvoiceXmlView {
  id: string;
  /** The stamped CFDI when stamped, else the sealed, unstamped one. */
  xml: string;
  stamped: boolean;
}

/**
 * PDF in an RPC reply: NATS carries JSON, so the bytes travel base64. The gateway decodes `base64` and
 * answers `Content-Type: contentType` with `Content-Disposition: inline; filename=...`.
 */
export interface InvoicePdfView {
  id: string;
  contentType: 'application/pdf';
  filename: string;
  base64: string;
}

export interface CancelInvoiceView {
  invoice: InvoiceView;
  substitute: InvoiceView | null;
}

export interface BillRunView {
  id: string | null;
  period: string;
  sector: string | null;
  route: string | null;
  dryRun: boolean;
  status: BillRunStatus;
  /** Contracts in the cycle examined so far. */
  processed: number;
  issued: number;
  held: number;
  skipped: number;
  failed: number;
  /** Skips by reason (`exists`, `no_consumption`, `no_tariff`, ...). */
  skips: Record<string, number>;
  /** Why contracts failed (error code and message), up to 100 by contract id (`failed` counts all). */
  failures: BillRunFailureView[];
  totalAmount: string;
  startedAt: string;
  finishedAt: string | null;
  error: string | null;
}

export interface BillRunFailureView {
  contractId: string;
  /** Stable error code, e.g. BILLING.RATE_INPUT_INVALID (a class without a cuota fija). */
  code: string;
  message: string;
}

export interface MarkPastDueView {
  marked: number;
}

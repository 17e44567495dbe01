/**
 * The billing service's RPC operations, exposed by the gateway at `/{tenant}/v1<path>` and forwarded to
 * `rpc.billing.<operation>`. Same payload convention as customer and metering: GET sends
 * `{ ...pathParams, ...query }`, POST `{ ...pathParams, ...body }`; `:id` becomes `id`.
 *
 * `invoices.pdf` replies an InvoicePdfView: the PDF travels base64 in the JSON reply and the gateway decodes
 * it into an `application/pdf` response.
 */
import { httpOperations, type HttpRpcOperation } from '../lib/rpc-registry';
import {
  BillingIdParam,
  CancelInvoiceBody,
  CancelInvoiceRequest,
  CreditNoteBody,
  CreditNoteRequest,
  EmptyRequest,
  ImportTariffRequest,
  ListInvoicesQuery,
  ListBillReviewQueueQuery,
  ListTariffsQuery,
  MarkPastDueRequest,
  RateCheckRequest,
  ReviewDecisionBody,
  ReviewDecisionRequest,
  StartBillRunRequest,
  UpdateFiscalSettingsRequest,
} from './requests';

export type BillingHttpOperation = HttpRpcOperation;

const op = httpOperations('billing');

export const BillingRpc = {
  // tariffs
  importTariff: op({ operation: 'tariffs.import', permission: 'billing.tariffs.manage', method: 'POST', path: '/tariffs/import', status: 201, tag: 'tariffs', summary: 'Import a tariff schedule version (JSON document); a used version cannot be replaced', payload: ImportTariffRequest, body: ImportTariffRequest }),
  listTariffs: op({ operation: 'tariffs.list', permission: 'billing.tariffs.read', method: 'GET', path: '/tariffs', status: 200, tag: 'tariffs', summary: 'List tariff schedule versions', payload: ListTariffsQuery, query: ListTariffsQuery }),
  rateCheck: op({ operation: 'tariffs.rate-check', permission: 'billing.tariffs.read', method: 'POST', path: '/tariffs/rate-check', status: 200, tag: 'tariffs', summary: 'Rate a class, m3 and units on a date: every line with its schedule version and row', payload: RateCheckRequest, body: RateCheckRequest }),
  exportTariff: op({ operation: 'tariffs.export', permission: 'billing.tariffs.read', method: 'GET', path: '/tariffs/:id', status: 200, tag: 'tariffs', summary: 'Export one schedule version as its JSON document', payload: BillingIdParam }),
  // tenant fiscal data and CSD
  getSettings: op({ operation: 'settings.get', permission: 'billing.settings.read', method: 'GET', path: '/billing/settings', status: 200, tag: 'settings', summary: 'Fiscal data of the tenant (emisor) and its CSD certificate facts', payload: EmptyRequest }),
  updateSettings: op({ operation: 'settings.update', permission: 'billing.settings.manage', method: 'POST', path: '/billing/settings', status: 200, tag: 'settings', summary: 'Set fiscal data, due-date policy and CSD (stored AES-256-GCM encrypted)', payload: UpdateFiscalSettingsRequest, body: UpdateFiscalSettingsRequest }),
  // invoices
  listInvoices: op({ operation: 'invoices.list', permission: 'billing.invoices.read', method: 'GET', path: '/invoices', status: 200, tag: 'invoices', summary: 'List invoices and credit notes with filters', payload: ListInvoicesQuery, query: ListInvoicesQuery }),
  markPastDue: op({ operation: 'invoices.mark-past-due', permission: 'billing.invoices.manage', method: 'POST', path: '/invoices/mark-past-due', status: 200, tag: 'invoices', summary: 'Flag invoices past their due date and publish billing.invoice.past-due.v1', payload: MarkPastDueRequest, body: MarkPastDueRequest }),
  getInvoice: op({ operation: 'invoices.get', permission: 'billing.invoices.read', method: 'GET', path: '/invoices/:id', status: 200, tag: 'invoices', summary: 'Get an invoice with its lines', payload: BillingIdParam }),
  invoiceXml: op({ operation: 'invoices.xml', permission: 'billing.invoices.read', method: 'GET', path: '/invoices/:id/xml', status: 200, tag: 'invoices', summary: 'The CFDI XML (stamped when stamped)', payload: BillingIdParam }),
  invoicePdf: op({ operation: 'invoices.pdf', permission: 'billing.invoices.read', method: 'GET', path: '/invoices/:id/pdf', status: 200, tag: 'invoices', summary: 'The PDF representation (base64 in the RPC reply; the gateway decodes it)', payload: BillingIdParam }),
  cancelInvoice: op({ operation: 'invoices.cancel', permission: 'billing.invoices.cancel', method: 'POST', path: '/invoices/:id/cancel', status: 200, tag: 'invoices', summary: 'Cancel with a SAT reason 01-04 (01 issues the substitute)', payload: CancelInvoiceRequest, body: CancelInvoiceBody }),
  creditNote: op({ operation: 'invoices.credit-note', permission: 'billing.invoices.credit', method: 'POST', path: '/invoices/:id/credit-note', status: 201, tag: 'invoices', summary: 'Issue a credit note (CFDI E related 01) for all or part of an invoice', payload: CreditNoteRequest, body: CreditNoteBody }),
  // bill runs
  startBillRun: op({ operation: 'bill-runs.start', permission: 'billing.bill-runs.create', method: 'POST', path: '/bill-runs', status: 201, tag: 'bill-runs', summary: 'Bill a cycle (period, optional sector/route); dryRun rates it and writes nothing', payload: StartBillRunRequest, body: StartBillRunRequest }),
  getBillRun: op({ operation: 'bill-runs.get', permission: 'billing.bill-runs.read', method: 'GET', path: '/bill-runs/:id', status: 200, tag: 'bill-runs', summary: 'Progress and totals of a bill run', payload: BillingIdParam }),
  // review queue
  listReviewQueue: op({ operation: 'review.list', permission: 'billing.review.read', method: 'GET', path: '/review-queue', status: 200, tag: 'review', summary: 'Bills held by the hold rules', payload: ListBillReviewQueueQuery, query: ListBillReviewQueueQuery }),
  approveReview: op({ operation: 'review.approve', permission: 'billing.review.decide', method: 'POST', path: '/review-queue/:id/approve', status: 200, tag: 'review', summary: 'Issue a held bill as rated', payload: ReviewDecisionRequest, body: ReviewDecisionBody }),
  rejectReview: op({ operation: 'review.reject', permission: 'billing.review.decide', method: 'POST', path: '/review-queue/:id/reject', status: 200, tag: 'review', summary: 'Reject a held bill (never issued; the period can be billed again)', payload: ReviewDecisionRequest, body: ReviewDecisionBody }),
} as const satisfies Record<string, BillingHttpOperation>;

export type BillingRpcName = keyof typeof BillingRpc;
export const billingRpcOperations = (): BillingHttpOperation[] => Object.values(BillingRpc);
export const BILLING_PERMISSIONS: readonly string[] = [...new Set(Object.values(BillingRpc).map((o) => o.permission))].sort();

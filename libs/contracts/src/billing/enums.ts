/** Closed vocabularies of the billing context; they travel unchanged in requests, replies and events. */

/**
 * Invoice lifecycle: `draft` (rated, held for review, no fiscal existence yet) -> `issued` (folio, sealed
 * CFDI) -> `stamped` (TFD from a PAC) -> `partially_paid` | `paid` | `cancelled`. `rejected`: a held draft
 * a reviewer refused (never issued; the contract and period can be billed again).
 */
export const INVOICE_STATUSES = ['draft', 'issued', 'stamped', 'partially_paid', 'paid', 'cancelled', 'rejected'] as const;
export type InvoiceStatus = (typeof INVOICE_STATUSES)[number];

/** CFDI TipoDeComprobante: I ingreso (an invoice), E egreso (a credit note). */
export const INVOICE_KINDS = ['I', 'E'] as const;
export type InvoiceKind = (typeof INVOICE_KINDS)[number];

/** SAT c_MotivoCancelacion: 01 with errors and a substitute, 02 errors without relation, 03 not carried out, 04 nominative op. in a global invoice. */
/** How a final invoice charges the fixed charges of the partial period: by days served, or in full. */
export const FINAL_PRORATIONS = ['daily', 'none'] as const;
export type FinalProration = (typeof FINAL_PRORATIONS)[number];

export const CANCEL_REASONS = ['01', '02', '03', '04'] as const;
export type CancelReason = (typeof CANCEL_REASONS)[number];

export const BILL_RUN_STATUSES = ['running', 'completed', 'failed'] as const;
export type BillRunStatus = (typeof BILL_RUN_STATUSES)[number];

/** Why a rated bill waits for a person instead of being issued. */
export const HOLD_REASONS = ['above_average', 'estimated_streak'] as const;
export type HoldReason = (typeof HOLD_REASONS)[number];

/** What a line is, for statements and for collections. */
export const LINE_KINDS = ['water', 'derived', 'surcharge', 'adjustment', 'credit'] as const;
export type LineKind = (typeof LINE_KINDS)[number];

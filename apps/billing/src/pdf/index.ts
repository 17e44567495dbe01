export { renderInvoicePdf, type InvoicePdfInput, type ConsumptionPoint, type PaymentReference } from './invoice-pdf';
export { satVerificationUrl, SAT_VERIFICATION_BASE } from './sat-verification-url';

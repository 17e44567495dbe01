import { DomainError, isDomainError, notFound } from '@supra/platform/errors';
import { CfdiError } from '../cfdi';
import { PacError } from '../cfdi/pac/pac.errors';
import { RatingError } from '../tariffs/rating';

/** Error codes of the billing service's own use cases (the pure cores keep theirs: rating, cfdi, pac). */
export const BillingErrors = {
  invoiceNotFound: (id: string) => notFound('BILLING.INVOICE_NOT_FOUND', 'Invoice', id),
  billRunNotFound: (id: string) => notFound('BILLING.BILL_RUN_NOT_FOUND', 'Bill run', id),
  tariffNotFound: (id: string) => notFound('BILLING.TARIFF_NOT_FOUND', 'Tariff schedule version', id),
  noTariff: (tariffClass: string, date: string) =>
    new DomainError('BILLING.TARIFF_NOT_FOUND', `No tariff schedule in effect for class ${tariffClass} on ${date}`, { status: 404, details: { tariffClass, date } }),
  tariffInUse: (scheduleId: string, version: number) =>
    new DomainError('BILLING.TARIFF_VERSION_IN_USE', `Schedule ${scheduleId} v${version} was used to bill and cannot be replaced: import a new version`, {
      status: 409,
      details: { scheduleId, version },
    }),
  settingsMissing: () => new DomainError('BILLING.FISCAL_SETTINGS_MISSING', 'The tenant has no fiscal data or CSD configured', { status: 409 }),
  invalidState: (id: string, status: string, action: string) =>
    new DomainError('BILLING.INVOICE_STATE_INVALID', `Invoice ${id} is ${status}: cannot ${action}`, { status: 409, details: { id, status, action } }),
  notStamped: (id: string) =>
    new DomainError('BILLING.INVOICE_NOT_STAMPED', `Invoice ${id} has no folio fiscal yet (not stamped)`, { status: 409, details: { id } }),
  notStampedYet: (id: string) =>
    new DomainError('BILLING.INVOICE_NOT_STAMPED', `Invoice ${id} is not stamped yet: its credit note waits for the folio fiscal`, { status: 409, retryable: true, details: { id } }),
  substitutionOnlyFor01: () =>
    new DomainError('BILLING.SUBSTITUTION_REASON', 'A substitution goes only with cancellation reason 01', { status: 422 }),
  substituteRequired: (id: string) =>
    new DomainError('BILLING.SUBSTITUTE_REQUIRED', `Cancelling invoice ${id} with reason 01 needs its substitute: pass substitution (SAT cites the substitute's UUID as FolioSustitucion)`, {
      status: 422,
      details: { id },
    }),
  creditExceeds: (id: string, detail: string) =>
    new DomainError('BILLING.CREDIT_EXCEEDS_INVOICE', `Credit note exceeds invoice ${id}: ${detail}`, { status: 422, details: { id } }),
  directoryIncomplete: (what: string, id: string) =>
    new DomainError('BILLING.DIRECTORY_INCOMPLETE', `Billing has not received ${what} ${id} from customer yet`, { status: 409, retryable: true, details: { what, id } }),
} as const;

const RATING_STATUS: Record<string, number> = {
  'BILLING.TARIFF_SCHEDULE_INVALID': 422,
  'BILLING.TARIFF_CLASS_UNKNOWN': 422,
  'BILLING.TARIFF_NOT_EFFECTIVE': 422,
  'BILLING.RATE_INPUT_INVALID': 422,
};

/** Maps the pure cores' errors onto DomainError once, so the transport maps codes to replies and ack/nak/term. */
export function toDomainError(e: unknown): unknown {
  if (isDomainError(e)) return e;
  if (e instanceof RatingError) {
    const errors = (e.details.errors ?? []).map((m) => ({ field: m.split(':')[0] ?? '', code: e.code, message: m }));
    return new DomainError(e.code, e.message, { status: RATING_STATUS[e.code] ?? 422, details: e.details, errors: errors.length ? errors : undefined });
  }
  if (e instanceof CfdiError) return new DomainError(e.code, e.message, { status: 422, details: e.details });
  if (e instanceof PacError) {
    return new DomainError(e.code, e.message, { status: e.transient ? 503 : 422, retryable: e.transient, details: { provider: e.provider } });
  }
  return e;
}

/** Runs `fn` and rethrows any core error as a DomainError. */
export async function mapErrors<T>(fn: () => Promise<T> | T): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    throw toDomainError(e);
  }
}

/**
 * Two kinds of PAC failure, and callers must tell them apart:
 * - PacUnavailableError (transient): network down, timeout, HTTP 5xx, PAC maintenance. Retry later or try
 *   another PAC: nothing was decided about the CFDI.
 * - PacRejectedError (permanent): the PAC/SAT looked at the CFDI and refused it (bad seal, invalid structure);
 *   retrying the same XML anywhere gives the same answer, so it goes to a person, not a retry queue.
 */
export abstract class PacError extends Error {
  abstract readonly code: 'BILLING.PAC_UNAVAILABLE' | 'BILLING.PAC_REJECTED' | 'BILLING.PAC_CSD_UNUSABLE';
  abstract readonly transient: boolean;
  constructor(
    message: string,
    public readonly provider: string,
  ) {
    super(message);
  }
}

export class PacUnavailableError extends PacError {
  readonly code = 'BILLING.PAC_UNAVAILABLE' as const;
  readonly transient = true;
  constructor(
    message: string,
    provider: string,
    /** For FailoverPac: what each provider answered. */
    public readonly attempts: { provider: string; reason: string }[] = [],
  ) {
    super(message, provider);
    this.name = 'PacUnavailableError';
  }
}

export class PacRejectedError extends PacError {
  readonly transient = false;
  constructor(
    /** PAC/SAT error code, e.g. '302' (Sello mal formado o inválido), '301', 'CFDI40108'. */
    public readonly satCode: string,
    public readonly satMessage: string,
    provider: string,
    /** BILLING.PAC_CSD_UNUSABLE: the PAC could not use the tenant's cer/key (the operator must replace the CSD). */
    public readonly code: 'BILLING.PAC_REJECTED' | 'BILLING.PAC_CSD_UNUSABLE' = 'BILLING.PAC_REJECTED',
  ) {
    super(`${provider} rejected the CFDI: ${satCode} ${satMessage}`, provider);
    this.name = 'PacRejectedError';
  }
}

export function isTransientPacError(err: unknown): err is PacUnavailableError {
  return err instanceof PacError && err.transient;
}

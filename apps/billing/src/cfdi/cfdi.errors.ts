/**
 * Error codes of the CFDI module. A caller maps them once (HTTP problem details, ack/nak/term);
 * `details` is safe to show (never key material).
 */
export type CfdiErrorCode =
  | 'BILLING.CFDI_INVALID'
  | 'BILLING.CFDI_XML_MALFORMED'
  | 'BILLING.CSD_INVALID'
  | 'BILLING.CSD_PASSWORD_INVALID'
  | 'BILLING.CSD_KEY_MISMATCH'
  | 'BILLING.SECRET_KEY_INVALID'
  | 'BILLING.SECRET_TAMPERED';

export class CfdiError extends Error {
  constructor(
    public readonly code: CfdiErrorCode,
    message: string,
    public readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'CfdiError';
  }
}

/** One validation finding, with the path of the offending field. */
export interface CfdiValidationIssue {
  path: string;
  message: string;
}

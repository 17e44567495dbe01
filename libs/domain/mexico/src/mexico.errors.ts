/**
 * Error raised when a caller asks for a Mexican identifier to be *asserted* (not just checked). Validation
 * functions never throw: they return a result with one of these codes so forms can show every problem.
 */
export type MexicoErrorCode =
  | 'RFC_FORMAT'
  | 'RFC_DATE'
  | 'RFC_HOMOCLAVE'
  | 'RFC_CHECK_DIGIT'
  | 'CURP_FORMAT'
  | 'CURP_SEX'
  | 'CURP_STATE'
  | 'CURP_DATE'
  | 'CURP_CHECK_DIGIT'
  | 'POSTAL_CODE_FORMAT'
  | 'POSTAL_CODE_RANGE'
  | 'SAT_MONTH_RANGE';

export class MexicoError extends Error {
  constructor(
    public readonly code: MexicoErrorCode,
    message: string,
    public readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'MexicoError';
  }
}

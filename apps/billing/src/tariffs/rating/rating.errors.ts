export type RatingErrorCode =
  | 'BILLING.TARIFF_SCHEDULE_INVALID'
  | 'BILLING.TARIFF_CLASS_UNKNOWN'
  | 'BILLING.TARIFF_NOT_EFFECTIVE'
  | 'BILLING.RATE_INPUT_INVALID';

/** Rating failures carry a domain code and, for schedule validation, the full list of problems. */
export class RatingError extends Error {
  constructor(
    public readonly code: RatingErrorCode,
    message: string,
    public readonly details: { errors?: string[]; [k: string]: unknown } = {},
  ) {
    super(message);
    this.name = 'RatingError';
  }
}

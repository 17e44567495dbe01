export type PeriodErrorCode = 'PERIOD.INVALID_TIME_ZONE' | 'PERIOD.INVALID_KEY' | 'PERIOD.INVALID_DATE' | 'PERIOD.INVALID_ARGUMENT';

/** Error raised by the periods value objects; `code` is a stable domain error code. */
export class PeriodError extends Error {
  constructor(
    public readonly code: PeriodErrorCode,
    message: string,
    public readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'PeriodError';
  }
}

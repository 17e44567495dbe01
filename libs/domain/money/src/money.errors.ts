/** Error raised by the money value object; `code` is a stable domain error code. */
export class MoneyError extends Error {
  constructor(
    public readonly code: 'MONEY.INVALID_AMOUNT' | 'MONEY.CURRENCY_MISMATCH' | 'MONEY.DIVISION_BY_ZERO',
    message: string,
    public readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'MoneyError';
  }
}

import { Dec, type DecimalInput, fixed, round2, toDec } from './decimal';
import { MoneyError } from './money.errors';

export type CurrencyCode = 'MXN' | 'USD';

/**
 * Immutable money amount with exact decimal arithmetic. It keeps full precision through intermediate
 * operations (multiplying by a rate, a percentage) and rounds only when asked (`round()`), so a caller decides
 * where SAT rounding happens (per concept, never on intermediate partials).
 */
export class Money {
  private constructor(
    public readonly amount: Dec,
    public readonly currency: CurrencyCode,
  ) {}

  static of(value: DecimalInput, currency: CurrencyCode = 'MXN'): Money {
    return new Money(toDec(value), currency);
  }

  /** Parses a boundary string such as "1234.50" or "-0.5". Rejects floats-as-numbers, exponents, commas. */
  static parse(value: string, currency: CurrencyCode = 'MXN'): Money {
    return new Money(toDec(value), currency);
  }

  static zero(currency: CurrencyCode = 'MXN'): Money {
    return new Money(new Dec(0), currency);
  }

  static fromCentavos(centavos: bigint | number, currency: CurrencyCode = 'MXN'): Money {
    return new Money(toDec(centavos).dividedBy(100), currency);
  }

  static sum(items: Iterable<Money>, currency: CurrencyCode = 'MXN'): Money {
    let acc = Money.zero(currency);
    for (const m of items) acc = acc.plus(m);
    return acc;
  }

  plus(other: Money): Money {
    this.assertSameCurrency(other);
    return new Money(this.amount.plus(other.amount), this.currency);
  }

  minus(other: Money): Money {
    this.assertSameCurrency(other);
    return new Money(this.amount.minus(other.amount), this.currency);
  }

  times(factor: DecimalInput): Money {
    return new Money(this.amount.times(toDec(factor, 'factor')), this.currency);
  }

  dividedBy(divisor: DecimalInput): Money {
    const d = toDec(divisor, 'divisor');
    if (d.isZero()) throw new MoneyError('MONEY.DIVISION_BY_ZERO', 'Division of money by zero');
    return new Money(this.amount.dividedBy(d), this.currency);
  }

  /** Applies a percentage given in percent units ("16" -> 16 %). */
  percent(pct: DecimalInput): Money {
    return this.times(toDec(pct, 'percentage').dividedBy(100));
  }

  negated(): Money {
    return new Money(this.amount.negated(), this.currency);
  }

  /** SAT amount rounding: 2 decimals, half-up. */
  round(): Money {
    return new Money(round2(this.amount), this.currency);
  }

  isZero(): boolean {
    return this.amount.isZero();
  }
  isNegative(): boolean {
    return this.amount.isNegative() && !this.amount.isZero();
  }
  isPositive(): boolean {
    return this.amount.greaterThan(0);
  }
  equals(other: Money): boolean {
    return this.currency === other.currency && this.amount.equals(other.amount);
  }
  compare(other: Money): -1 | 0 | 1 {
    this.assertSameCurrency(other);
    return this.amount.comparedTo(other.amount) as -1 | 0 | 1;
  }

  /** Integer centavos after SAT rounding (for integer storage or payment providers). */
  toCentavos(): bigint {
    return BigInt(round2(this.amount).times(100).toFixed(0));
  }

  /** Boundary representation: rounded to 2 decimals, always two digits ("10.50"). */
  toString(): string {
    return fixed(this.amount, 2);
  }

  /** Full precision string, for intermediate values that must not be rounded yet. */
  toExactString(): string {
    return this.amount.toFixed();
  }

  toJSON(): string {
    return this.toString();
  }

  /** Human formatting for documents: "$1,234.50" (es-MX grouping). Never used for CFDI attributes. */
  format(): string {
    const s = fixed(this.amount, 2);
    const neg = s.startsWith('-');
    const [int, frac] = (neg ? s.slice(1) : s).split('.');
    const grouped = int.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
    return `${neg ? '-' : ''}$${grouped}.${frac}`;
  }

  private assertSameCurrency(other: Money): void {
    if (other.currency !== this.currency) {
      throw new MoneyError('MONEY.CURRENCY_MISMATCH', `Cannot combine ${this.currency} with ${other.currency}`, {
        left: this.currency,
        right: other.currency,
      });
    }
  }
}

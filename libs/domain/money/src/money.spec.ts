import { Dec, fixed, Money, MoneyError, round2, round6, sumDec, toDec } from './index';

describe('decimal helpers', () => {
  it('rounds amounts to 2 decimals half-up (away from zero on ties)', () => {
    expect(round2('2.345').toFixed(2)).toBe('2.35');
    expect(round2('2.344999').toFixed(2)).toBe('2.34');
    expect(round2('-2.345').toFixed(2)).toBe('-2.35');
    expect(round2('0.005').toFixed(2)).toBe('0.01');
  });

  it('rounds unit prices and tasas to 6 decimals half-up', () => {
    expect(round6('1.2345675').toFixed(6)).toBe('1.234568');
    expect(round6('0.16').toFixed(6)).toBe('0.160000');
    expect(fixed('0.16', 6)).toBe('0.160000');
  });

  it('is exact where binary floats are not', () => {
    expect(toDec('0.1').plus(toDec('0.2')).equals(toDec('0.3'))).toBe(true);
    expect(sumDec(Array.from({ length: 10 }, () => '0.1')).toFixed()).toBe('1');
  });

  it('rejects floats, exponents and garbage at the boundary', () => {
    expect(() => toDec(0.1)).toThrow(MoneyError);
    expect(() => toDec('1e3')).toThrow(/Invalid amount/);
    expect(() => toDec('1,000.00')).toThrow(MoneyError);
    expect(() => toDec('')).toThrow(MoneyError);
    expect(toDec(12).toFixed()).toBe('12');
    expect(toDec(' 7.5 ').toFixed()).toBe('7.5');
  });

  it('renders zero without a sign', () => {
    expect(fixed('-0.001', 2)).toBe('0.00');
  });

  it('has its own Decimal configuration', () => {
    expect(Dec.precision).toBe(40);
  });
});

describe('Money', () => {
  it('parses and formats MXN amounts', () => {
    const m = Money.parse('1234567.891');
    expect(m.toString()).toBe('1234567.89');
    expect(m.format()).toBe('$1,234,567.89');
    expect(Money.parse('-5').format()).toBe('-$5.00');
    expect(m.currency).toBe('MXN');
    expect(JSON.stringify({ m: Money.parse('3.5') })).toBe('{"m":"3.50"}');
  });

  it('keeps precision until round() is called', () => {
    const m = Money.parse('10.00').times('0.333333');
    expect(m.toExactString()).toBe('3.33333');
    expect(m.round().toExactString()).toBe('3.33');
    expect(Money.parse('100').percent('16').toString()).toBe('16.00');
    expect(Money.parse('10').dividedBy('3').round().toString()).toBe('3.33');
  });

  it('adds, subtracts, compares', () => {
    const a = Money.parse('10.10');
    const b = Money.parse('0.20');
    expect(a.plus(b).toString()).toBe('10.30');
    expect(a.minus(b).toString()).toBe('9.90');
    expect(a.compare(b)).toBe(1);
    expect(b.minus(a).isNegative()).toBe(true);
    expect(Money.sum([a, b, b]).toString()).toBe('10.50');
    expect(a.equals(Money.parse('10.1'))).toBe(true);
  });

  it('converts to and from integer centavos', () => {
    expect(Money.fromCentavos(12345n).toString()).toBe('123.45');
    expect(Money.parse('0.125').toCentavos()).toBe(13n);
    expect(Money.parse('-0.125').toCentavos()).toBe(-13n);
  });

  it('refuses to mix currencies or divide by zero', () => {
    expect(() => Money.parse('1').plus(Money.parse('1', 'USD'))).toThrow(
      expect.objectContaining({ code: 'MONEY.CURRENCY_MISMATCH' }),
    );
    expect(() => Money.parse('1').dividedBy('0')).toThrow(expect.objectContaining({ code: 'MONEY.DIVISION_BY_ZERO' }));
  });
});

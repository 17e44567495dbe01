export { Dec, type DecimalInput, toDec, round2, round6, fixed, sumDec } from './decimal';
export { Money, type CurrencyCode } from './money';
export { MoneyError } from './money.errors';

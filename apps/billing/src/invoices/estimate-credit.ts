import { Dec, fixed, toDec } from '@supra/domain/money';
import type { RatedLine, RowRef } from '../tariffs/rating';

/** A stored line of the estimated invoice being corrected. */
export interface BilledLine {
  lineNo: number;
  conceptCode: string;
  row: RowRef;
  amount: string;
}

/** Concept and tariff row, keys sorted: a row read back from jsonb has its keys in another order. */
const key = (conceptCode: string, row: RowRef): string =>
  `${conceptCode}|${JSON.stringify(Object.fromEntries(Object.entries(row).sort(([a], [b]) => (a < b ? -1 : 1))))}`;

/**
 * What to credit on an estimated invoice once its contract ended having used less than the estimate billed: the
 * invoice as billed minus the same tariff rated at the consumption it should have had, line by line (a block
 * or a per-m³ concept gives back its m³ at the price it charged them; fixed charges give back nothing). What the
 * lower consumption charges more (a minimum charge it adds, a percentage of it) is taken off the largest credits, so the total credited is
 * exactly billed - re-rated. Recargos are not touched. Pure.
 */
export function estimateCreditLines(billed: readonly BilledLine[], rerated: readonly RatedLine[]): Array<{ lineNo: number; amount: string }> {
  const again = new Map(rerated.map((l) => [key(l.conceptCode, l.source.row), toDec(l.amount)]));
  const billedKeys = new Set(billed.map((l) => key(l.conceptCode, l.row)));
  // What the lower consumption charges more than billed: new lines, and lines that grow (a percentage of a minimum).
  let added = rerated.filter((l) => l.source.row.kind !== 'surcharge' && !billedKeys.has(key(l.conceptCode, l.source.row))).reduce((s, l) => s.plus(l.amount), new Dec(0));
  const credits = billed
    .filter((l) => l.row.kind !== 'surcharge')
    .map((l) => {
      const diff = toDec(l.amount).minus(again.get(key(l.conceptCode, l.row)) ?? 0);
      if (diff.isNegative()) added = added.minus(diff);
      return { lineNo: l.lineNo, amount: Dec.max(0, diff) };
    });
  for (const c of [...credits].sort((a, b) => b.amount.comparedTo(a.amount))) {
    if (added.lte(0)) break;
    const take = Dec.min(added, c.amount);
    c.amount = c.amount.minus(take);
    added = added.minus(take);
  }
  return credits.filter((c) => c.amount.greaterThan(0)).map((c) => ({ lineNo: c.lineNo, amount: fixed(c.amount, 2) }));
}

import type { Dec } from '@supra/domain/money';
import { RatingError } from '../rating.errors';
import type { CumulativeTableModel } from '../schedule.types';
import type { StrategyContext, WaterCharge, WaterStrategy } from './water-strategy';

/**
 * A published table: table[m] is the whole water charge for m whole m³ (m = 0..N), as some utilities publish
 * in their Ley de Ingresos; above N, base + m³ × rate (m³ = excess over N, or total, as the law words it).
 */
export const cumulativeTableStrategy: WaterStrategy<CumulativeTableModel> = {
  model: 'cumulative-table',
  charge(model: CumulativeTableModel, q: Dec, ctx: StrategyContext, path: string): WaterCharge[] {
    if (!q.isInteger()) {
      throw new RatingError('BILLING.RATE_INPUT_INVALID', `A cumulative table needs whole m³ (got ${q.toFixed()})`);
    }
    const n = model.table.length - 1;
    const m3 = q.toNumber();
    if (m3 <= n) {
      return [
        {
          row: { kind: 'table', m3 },
          label: `${m3} m³ (tabla)`,
          measure: 'service',
          m3: q,
          price: ctx.amount(model.table[m3], `${path}.table[${m3}]`),
        },
      ];
    }
    const base = ctx.amount(model.above.base, `${path}.above.base`);
    const rate = ctx.amount(model.above.ratePerM3, `${path}.above.ratePerM3`);
    const billedM3 = model.above.appliesTo === 'excess' ? q.minus(n) : q;
    return [
      {
        row: { kind: 'table-above', n, appliesTo: model.above.appliesTo },
        label: `${m3} m³ (más de ${n} m³)`,
        measure: 'service',
        m3: q,
        price: base.plus(billedM3.times(rate)),
      },
    ];
  },
};

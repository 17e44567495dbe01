import { Dec } from '@supra/domain/money';
import type { IncrementalBlocksModel } from '../schedule.types';
import type { StrategyContext, WaterCharge, WaterStrategy } from './water-strategy';

/**
 * Incremental (inclining) blocks: each m³ is priced at the rate of the block it falls in. A block (from, to]
 * takes min(q, to) − from m³. Fixed charges: only the block where the consumption ends ("highest-block",
 * default, the usual "cuota base" of the range) or every block reached ("every-block").
 */
export const incrementalBlocksStrategy: WaterStrategy<IncrementalBlocksModel> = {
  model: 'incremental-blocks',
  charge(model: IncrementalBlocksModel, q: Dec, ctx: StrategyContext, path: string): WaterCharge[] {
    const out: WaterCharge[] = [];
    const every = model.fixedCharges === 'every-block';
    model.blocks.forEach((b, index) => {
      const from = new Dec(b.from);
      const to = b.to === null ? null : new Dec(b.to);
      const upper = to === null ? q : Dec.min(q, to);
      const inBlock = Dec.max(upper.minus(from), 0);
      // q = 0 ends in the first block; otherwise in the block with from < q <= to.
      const endsHere = q.isZero() ? index === 0 : q.greaterThan(from) && (to === null || q.lessThanOrEqualTo(to));
      if (inBlock.greaterThan(0)) {
        out.push({
          row: { kind: 'block', index, from: b.from, to: b.to },
          label: `${b.from}–${b.to ?? '∞'} m³`,
          measure: 'm3',
          m3: inBlock,
          price: ctx.amount(b.pricePerM3, `${path}.blocks[${index}].pricePerM3`),
        });
      }
      if (b.fixedCharge !== undefined && (every ? inBlock.greaterThan(0) || (q.isZero() && index === 0) : endsHere)) {
        const fixed = ctx.amount(b.fixedCharge, `${path}.blocks[${index}].fixedCharge`);
        if (fixed.greaterThan(0)) {
          out.push({
            row: { kind: 'block-fixed', index },
            label: `cargo fijo ${b.from}–${b.to ?? '∞'} m³`,
            measure: 'service',
            m3: new Dec(0),
            price: fixed,
          });
        }
      }
    });
    return out;
  },
};

import { Dec } from '@supra/domain/money';
import type { FlatModel } from '../schedule.types';
import type { StrategyContext, WaterCharge, WaterStrategy } from './water-strategy';

/** A flat amount per unit whatever the consumption (cuota fija). */
export const flatStrategy: WaterStrategy<FlatModel> = {
  model: 'flat',
  charge(model: FlatModel, _q: Dec, ctx: StrategyContext, path: string): WaterCharge[] {
    return [{ row: { kind: 'flat' }, label: 'cuota fija', measure: 'service', m3: new Dec(0), price: ctx.amount(model.amount, `${path}.amount`) }];
  },
};

import type { Dec } from '@supra/domain/money';
import type { WaterModel } from '../schedule.types';
import { cumulativeTableStrategy } from './cumulative-table.strategy';
import { flatStrategy } from './flat.strategy';
import { incrementalBlocksStrategy } from './incremental-blocks.strategy';
import type { StrategyContext, WaterCharge, WaterStrategy } from './water-strategy';

export type { StrategyContext, WaterCharge, WaterStrategy } from './water-strategy';

const STRATEGIES: { [K in WaterModel['model']]: WaterStrategy<Extract<WaterModel, { model: K }>> } = {
  'incremental-blocks': incrementalBlocksStrategy,
  'cumulative-table': cumulativeTableStrategy,
  flat: flatStrategy,
};

/** Dispatches to the strategy of the model (a new pricing model is one new strategy plus one entry here). */
export function chargeWater(model: WaterModel, m3PerUnit: Dec, ctx: StrategyContext, path: string): WaterCharge[] {
  const strategy = STRATEGIES[model.model] as WaterStrategy;
  return strategy.charge(model, m3PerUnit, ctx, path);
}

import type { Dec } from '@supra/domain/money';
import type { AmountSpec, WaterModel } from '../schedule.types';
import type { RowRef } from '../rating.types';

/** One piece of a water charge for ONE unit of the toma; rate() multiplies by the units. */
export interface WaterCharge {
  row: RowRef;
  label: string;
  /** "m3": billed per m³ (quantity m³, unitPrice per m³); "service": one charge per unit. */
  measure: 'm3' | 'service';
  /** m³ in this piece when measure is m3. */
  m3: Dec;
  /** Price per m³ (m3 measure) or the amount per unit (service measure), exact. */
  price: Dec;
}

export interface StrategyContext {
  amount(spec: AmountSpec, path: string): Dec;
}

/** A pricing model: how a per-unit consumption turns into water charge pieces. One implementation per model. */
export interface WaterStrategy<M extends WaterModel = WaterModel> {
  readonly model: M['model'];
  charge(model: M, m3PerUnit: Dec, ctx: StrategyContext, path: string): WaterCharge[];
}

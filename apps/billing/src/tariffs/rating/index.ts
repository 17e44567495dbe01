export * from './schedule.types';
export * from './rating.types';
export { RatingError, type RatingErrorCode } from './rating.errors';
export { validateSchedule, parseSchedule } from './schedule.validator';
export { roundConsumption } from './consumption';
export { rate } from './rate';
export { chargeWater, type WaterStrategy, type WaterCharge, type StrategyContext } from './strategies';
export { prorateFixedCharges, type Proration } from './proration';

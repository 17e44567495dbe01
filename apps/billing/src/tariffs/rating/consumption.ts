import { Dec, toDec } from '@supra/domain/money';
import type { ConsumptionRounding } from './schedule.types';

/** Applies the schedule's consumption rounding rule to a non-negative m³ value. */
export function roundConsumption(m3: Dec, rule: ConsumptionRounding): Dec {
  switch (rule.mode) {
    case 'none':
      return m3;
    case 'floor':
      return m3.floor();
    case 'ceil':
      return m3.ceil();
    case 'half-up':
      return m3.toDecimalPlaces(0, Dec.ROUND_HALF_UP);
    case 'above-threshold': {
      const whole = m3.floor();
      return m3.minus(whole).greaterThan(toDec(rule.threshold ?? '0.5')) ? whole.plus(1) : whole;
    }
  }
}

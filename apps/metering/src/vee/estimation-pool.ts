import { type ConsumptionInput, type ConsumptionResult, computeConsumption } from './consumption';
import { type M3, ZERO, fmtM3, m3 } from './m3';
import { VeeError } from './vee.errors';

export interface EstimatedPeriod {
  periodKey: string;
  /** What was billed for the period as an estimate. */
  estimatedM3: string;
}

export interface PoolSettlementInput {
  /** Measured consumption since the last real reading (it spans the estimated periods and this one). */
  measuredM3: string;
  /** Estimated periods billed since that real reading. */
  estimatedPeriods: readonly EstimatedPeriod[];
  /** Pool balance left over from an earlier settlement (zero or negative). */
  carriedInM3?: string;
}

export interface PoolSettlement {
  measuredM3: string;
  estimatedTotalM3: string;
  carriedInM3: string;
  /** carriedIn - estimatedTotal: what the pool holds before this period takes from it. */
  poolM3: string;
  /** What billing charges for this period; never negative. */
  billableM3: string;
  /** billable - measured: the part of the pool settled in this period (contracts' adjustmentM3). */
  adjustmentM3: string;
  /** What the pool still holds for the next period (negative when estimates over-billed). */
  carryForwardM3: string;
  settledPeriods: string[];
}

/**
 * Settles the estimation pool when a real reading arrives. The estimates already billed are taken off the
 * measured volume; if they billed more than was measured, this period bills 0 and the rest is carried into
 * the next billable consumption. Nothing is lost: over any run of periods, billed m3 (estimates included) plus
 * what is still in the pool equals measured m3.
 */
export function settleEstimationPool(input: PoolSettlementInput): PoolSettlement {
  const measured = m3(input.measuredM3, 'measured consumption');
  if (measured.isNegative()) {
    throw new VeeError('METERING.VEE_INVALID_INPUT', 'Measured consumption cannot be negative; validate the reading first', {
      measuredM3: input.measuredM3,
    });
  }
  const estimatedTotal = input.estimatedPeriods.reduce((acc: M3, p) => {
    const v = m3(p.estimatedM3, `estimate of ${p.periodKey}`);
    if (v.isNegative()) throw new VeeError('METERING.VEE_INVALID_INPUT', `Estimate of ${p.periodKey} is negative`, { ...p });
    return acc.plus(v);
  }, ZERO);
  const carriedIn = m3(input.carriedInM3 ?? '0', 'carried-in pool');
  const pool = carriedIn.minus(estimatedTotal);
  const gross = measured.plus(pool);
  const billable = gross.isNegative() ? ZERO : gross;
  const adjustment = billable.minus(measured);
  return {
    measuredM3: fmtM3(measured),
    estimatedTotalM3: fmtM3(estimatedTotal),
    carriedInM3: fmtM3(carriedIn),
    poolM3: fmtM3(pool),
    billableM3: fmtM3(billable),
    adjustmentM3: fmtM3(adjustment),
    carryForwardM3: fmtM3(pool.minus(adjustment)),
    settledPeriods: input.estimatedPeriods.map((p) => p.periodKey),
  };
}

/** Same, measuring from the last real reading to the new one (rollover and meter exchange included). */
export function settleFromReadings(
  readings: ConsumptionInput,
  estimatedPeriods: readonly EstimatedPeriod[],
  carriedInM3?: string,
): PoolSettlement & { consumption: ConsumptionResult } {
  const consumption = computeConsumption(readings);
  return { ...settleEstimationPool({ measuredM3: consumption.consumptionM3, estimatedPeriods, carriedInM3 }), consumption };
}

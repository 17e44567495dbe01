import { type M3, dec, fmtM3, m3 } from './m3';
import { type HistoryPeriod, expectedFromHistory } from './history';
import { VeeError } from './vee.errors';

export type VeeRule =
  | 'negative_consumption'
  | 'zero_on_occupied'
  | 'high_vs_history'
  | 'low_vs_history'
  | 'high_vs_class'
  | 'low_vs_class'
  | 'spike'
  | 'stopped_meter'
  | 'reading_window';

/** `reject`: the reading is not billed (an estimate replaces it); `flag`: it waits in the review queue. */
export type VeeSeverity = 'reject' | 'flag';

export type RuleInputs = Record<string, string | number | boolean | null>;

export interface RuleResult {
  rule: VeeRule;
  severity: VeeSeverity;
  passed: boolean;
  detail: string;
  /** What the rule looked at, recorded so an auditor can replay the decision. */
  inputs: RuleInputs;
  /** The rule could not judge (e.g. too little history); it passes and says why. */
  skipped?: boolean;
}

export interface VeeConfig {
  /** Periods of history averaged for the history rules. */
  historyPeriods: number;
  /** Fewer real periods than this and the history rules skip. */
  minHistoryPeriods: number;
  highFactor: string;
  lowFactor: string;
  classHighFactor: string;
  classLowFactor: string;
  /** Expected volumes below this are too small to compare against (an empty house, a new toma). */
  minExpectedM3: string;
  /** Spike: more than spikeFactor x the previous period AND at least spikeMinDeltaM3 more. */
  spikeFactor: string;
  spikeMinDeltaM3: string;
  /** Stopped meter: this many consecutive identical register readings (the current one included). */
  stoppedReadings: number;
}

export const DEFAULT_VEE_CONFIG: Readonly<VeeConfig> = Object.freeze({
  historyPeriods: 6,
  minHistoryPeriods: 3,
  highFactor: '3',
  lowFactor: '0.3',
  classHighFactor: '3',
  classLowFactor: '0.3',
  minExpectedM3: '1',
  spikeFactor: '5',
  spikeMinDeltaM3: '20',
  stoppedReadings: 3,
});

const result = (rule: VeeRule, severity: VeeSeverity, passed: boolean, detail: string, inputs: RuleInputs): RuleResult => ({
  rule,
  severity,
  passed,
  detail,
  inputs,
});
const skip = (rule: VeeRule, severity: VeeSeverity, detail: string, inputs: RuleInputs): RuleResult => ({
  ...result(rule, severity, true, detail, inputs),
  skipped: true,
});

export function negativeConsumption(consumptionM3: string): RuleResult {
  const c = m3(consumptionM3, 'consumption');
  return result(
    'negative_consumption',
    'reject',
    !c.isNegative(),
    c.isNegative() ? `Register went back by ${fmtM3(c.negated())} m3 (misread, reversed or tampered meter)` : 'Consumption is not negative',
    { consumptionM3: fmtM3(c) },
  );
}

export function zeroOnOccupied(consumptionM3: string, occupied: boolean): RuleResult {
  const c = m3(consumptionM3, 'consumption');
  const failed = occupied && c.isZero();
  return result(
    'zero_on_occupied',
    'flag',
    !failed,
    failed ? 'No consumption on an occupied toma' : occupied ? 'Occupied toma consumed water' : 'Toma is not occupied',
    { consumptionM3: fmtM3(c), occupied },
  );
}

interface RangeCheck {
  rule: VeeRule;
  direction: 'high' | 'low';
  consumption: M3;
  expected: M3;
  factor: string;
  minExpected: string;
  basis: string;
  inputs: RuleInputs;
}

function rangeCheck({ rule, direction, consumption, expected, factor, minExpected, basis, inputs }: RangeCheck): RuleResult {
  const all: RuleInputs = { ...inputs, consumptionM3: fmtM3(consumption), expectedM3: fmtM3(expected), factor };
  if (expected.lt(m3(minExpected, 'minExpectedM3'))) {
    return skip(rule, 'flag', `Expected ${fmtM3(expected)} m3 from ${basis} is too small to compare`, all);
  }
  const limit = m3(expected.times(dec(factor, 'factor')));
  const failed = direction === 'high' ? consumption.gt(limit) : consumption.lt(limit);
  const word = direction === 'high' ? 'above' : 'below';
  return result(
    rule,
    'flag',
    !failed,
    failed
      ? `${fmtM3(consumption)} m3 is ${word} ${factor} x the ${basis} (${fmtM3(expected)} m3, limit ${fmtM3(limit)} m3)`
      : `${fmtM3(consumption)} m3 is within ${factor} x the ${basis}`,
    { ...all, limitM3: fmtM3(limit) },
  );
}

export interface HistoryRuleInput {
  consumptionM3: string;
  /** Days of the period being judged. */
  days: number;
  history: readonly HistoryPeriod[];
}

function historyRule(direction: 'high' | 'low', input: HistoryRuleInput, config: VeeConfig): RuleResult {
  const rule: VeeRule = direction === 'high' ? 'high_vs_history' : 'low_vs_history';
  const consumption = m3(input.consumptionM3, 'consumption');
  const exp = expectedFromHistory(input.history, config.historyPeriods, input.days);
  const usedCount = exp?.used.length ?? 0;
  if (!exp || usedCount < config.minHistoryPeriods) {
    return skip(rule, 'flag', `Only ${usedCount} real period(s) of history; ${config.minHistoryPeriods} needed`, {
      consumptionM3: fmtM3(consumption),
      historyPeriods: usedCount,
    });
  }
  return rangeCheck({
    rule,
    direction,
    consumption,
    expected: exp.expected,
    factor: direction === 'high' ? config.highFactor : config.lowFactor,
    minExpected: config.minExpectedM3,
    basis: `average of the last ${usedCount} periods`,
    inputs: {
      days: input.days,
      historyPeriods: usedCount,
      historyFrom: exp.used[0].periodKey,
      historyTo: exp.used[usedCount - 1].periodKey,
      historyTotalM3: fmtM3(exp.totalM3),
      historyDays: exp.totalDays,
    },
  });
}

export const highVsHistory = (input: HistoryRuleInput, config: VeeConfig = DEFAULT_VEE_CONFIG) => historyRule('high', input, config);
export const lowVsHistory = (input: HistoryRuleInput, config: VeeConfig = DEFAULT_VEE_CONFIG) => historyRule('low', input, config);

export interface ClassRuleInput {
  consumptionM3: string;
  days: number;
  /** Average daily m3 of the toma's class (domestica, comercial, ...) in the tenant. */
  classAverageDailyM3: string | null;
}

function classRule(direction: 'high' | 'low', input: ClassRuleInput, config: VeeConfig): RuleResult {
  const rule: VeeRule = direction === 'high' ? 'high_vs_class' : 'low_vs_class';
  const consumption = m3(input.consumptionM3, 'consumption');
  if (input.classAverageDailyM3 === null) {
    return skip(rule, 'flag', 'No class average available', { consumptionM3: fmtM3(consumption), classAverageDailyM3: null });
  }
  const daily = dec(input.classAverageDailyM3, 'classAverageDailyM3');
  return rangeCheck({
    rule,
    direction,
    consumption,
    expected: m3(daily.times(input.days)),
    factor: direction === 'high' ? config.classHighFactor : config.classLowFactor,
    minExpected: config.minExpectedM3,
    basis: 'class average',
    inputs: { days: input.days, classAverageDailyM3: input.classAverageDailyM3 },
  });
}

export const highVsClass = (input: ClassRuleInput, config: VeeConfig = DEFAULT_VEE_CONFIG) => classRule('high', input, config);
export const lowVsClass = (input: ClassRuleInput, config: VeeConfig = DEFAULT_VEE_CONFIG) => classRule('low', input, config);

/**
 * A sudden jump against the period just before, whatever the long average says: both a ratio and an
 * absolute floor, so 1 -> 6 m3 in a small home is not a spike but 10 -> 80 m3 is.
 */
export function spike(consumptionM3: string, previous: HistoryPeriod | null, config: VeeConfig = DEFAULT_VEE_CONFIG): RuleResult {
  const c = m3(consumptionM3, 'consumption');
  if (!previous || previous.estimated) {
    return skip('spike', 'flag', 'No real previous period to compare with', { consumptionM3: fmtM3(c), previousM3: null });
  }
  const prev = m3(previous.consumptionM3, 'previous consumption');
  const delta = c.minus(prev);
  const failed = c.gt(prev.times(dec(config.spikeFactor, 'spikeFactor'))) && delta.gte(m3(config.spikeMinDeltaM3, 'spikeMinDeltaM3'));
  return result(
    'spike',
    'flag',
    !failed,
    failed
      ? `${fmtM3(c)} m3 jumped from ${fmtM3(prev)} m3 in ${previous.periodKey} (+${fmtM3(delta)} m3)`
      : `No spike against ${previous.periodKey}`,
    {
      consumptionM3: fmtM3(c),
      previousPeriod: previous.periodKey,
      previousM3: fmtM3(prev),
      deltaM3: fmtM3(delta),
      spikeFactor: config.spikeFactor,
      spikeMinDeltaM3: config.spikeMinDeltaM3,
    },
  );
}

/**
 * The register has not moved over the last N readings although water is expected to flow (occupied toma
 * with past consumption): the meter is probably stuck.
 */
export function stoppedMeter(registerReadings: readonly string[], flowExpected: boolean, config: VeeConfig = DEFAULT_VEE_CONFIG): RuleResult {
  const n = config.stoppedReadings;
  const last = registerReadings.slice(-n).map((r) => m3(r, 'register reading'));
  const inputs: RuleInputs = { readings: last.map(fmtM3).join(','), required: n, flowExpected };
  if (last.length < n) return skip('stopped_meter', 'flag', `Only ${last.length} reading(s); ${n} needed`, inputs);
  const stuck = last.every((r) => r.eq(last[0]));
  const failed = stuck && flowExpected;
  return result(
    'stopped_meter',
    'flag',
    !failed,
    failed
      ? `Register stuck at ${fmtM3(last[0])} over ${n} readings while flow is expected`
      : stuck
        ? 'Register unchanged, but no flow is expected'
        : 'Register is moving',
    inputs,
  );
}

export interface ReadingWindow {
  opensAt: string;
  closesAt: string;
}

function instant(value: string, what: string): number {
  const t = Date.parse(value);
  if (Number.isNaN(t)) throw new VeeError('METERING.VEE_INVALID_INPUT', `Invalid ${what}: ${value}`, { what, value });
  return t;
}

/** A reading taken outside its route's window belongs to another period (or was keyed with a wrong date). */
export function readingWindow(readAt: string, window: ReadingWindow): RuleResult {
  const t = instant(readAt, 'readAt');
  const opens = instant(window.opensAt, 'window opensAt');
  const closes = instant(window.closesAt, 'window closesAt');
  const inside = t >= opens && t <= closes;
  return result(
    'reading_window',
    'reject',
    inside,
    inside ? 'Reading taken inside its window' : `Reading taken ${t < opens ? 'before' : 'after'} its window`,
    { readAt, opensAt: window.opensAt, closesAt: window.closesAt },
  );
}

export interface ReadingValidationInput {
  consumptionM3: string;
  days: number;
  occupied: boolean;
  history: readonly HistoryPeriod[];
  classAverageDailyM3: string | null;
  /** Register readings, oldest first, ending with the one being validated. */
  registerReadings: readonly string[];
  readAt: string;
  window: ReadingWindow;
}

export type ReadingVerdict = 'valid' | 'flagged' | 'rejected';

export interface ReadingValidation {
  status: ReadingVerdict;
  results: RuleResult[];
  /** "rule:pass" / "rule:flag" / "rule:reject" / "rule:skip", for the billable provenance. */
  outcomes: string[];
}

/** Runs every rule; one failed `reject` rule rejects the reading, otherwise one failed `flag` rule flags it. */
export function validateReading(input: ReadingValidationInput, config: VeeConfig = DEFAULT_VEE_CONFIG): ReadingValidation {
  const realHistory = input.history.filter((h) => !h.estimated);
  const previous = input.history.length > 0 ? input.history[input.history.length - 1] : null;
  const c = input.consumptionM3;
  const results: RuleResult[] = [
    readingWindow(input.readAt, input.window),
    negativeConsumption(c),
    zeroOnOccupied(c, input.occupied),
    highVsHistory({ consumptionM3: c, days: input.days, history: input.history }, config),
    lowVsHistory({ consumptionM3: c, days: input.days, history: input.history }, config),
    highVsClass({ consumptionM3: c, days: input.days, classAverageDailyM3: input.classAverageDailyM3 }, config),
    lowVsClass({ consumptionM3: c, days: input.days, classAverageDailyM3: input.classAverageDailyM3 }, config),
    spike(c, previous, config),
    stoppedMeter(input.registerReadings, input.occupied && realHistory.some((h) => m3(h.consumptionM3, 'history consumption').gt(0)), config),
  ];
  return verdictOf(results);
}

/** One failed `reject` rule rejects, otherwise one failed `flag` rule flags; outcomes for the provenance. */
export function verdictOf(results: RuleResult[]): ReadingValidation {
  const failed = results.filter((r) => !r.passed);
  const status: ReadingVerdict = failed.some((r) => r.severity === 'reject') ? 'rejected' : failed.length > 0 ? 'flagged' : 'valid';
  const outcomes = results.map((r) => `${r.rule}:${r.skipped ? 'skip' : r.passed ? 'pass' : r.severity}`);
  return { status, results, outcomes };
}

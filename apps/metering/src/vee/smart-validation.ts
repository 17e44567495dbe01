import type { HistoryPeriod } from './history';
import { ZERO, fmtM3, m3 } from './m3';
import {
  DEFAULT_VEE_CONFIG,
  type ReadingValidation,
  type ReadingWindow,
  type RuleResult,
  type VeeConfig,
  highVsClass,
  highVsHistory,
  lowVsClass,
  lowVsHistory,
  negativeConsumption,
  readingWindow,
  spike,
  stoppedMeter,
  verdictOf,
  zeroOnOccupied,
} from './validation-rules';

/** One earlier meter-day of the same meter (from ingestion's daily summaries). */
export interface SmartDay {
  day: string;
  consumptionM3: string;
  /** Register at the day's last reading. */
  lastRegisterM3: string;
}

export interface SmartVeeConfig extends VeeConfig {
  /** Days (today included) the high/low rules add up: one day is too noisy to judge against a period. */
  rangeDays: number;
  /** Consecutive zero days on an occupied toma before zero_on_occupied flags. */
  zeroDays: number;
  /** Consecutive days without register movement (today included) before stopped_meter flags. */
  stoppedDays: number;
  /** Trailing days whose average the spike rule compares the day with. */
  spikeWindowDays: number;
}

/** Daily thresholds: a 1-day spike needs 5x the trailing daily average and at least 2 m3 more. */
export const DEFAULT_SMART_VEE_CONFIG: Readonly<SmartVeeConfig> = Object.freeze({
  ...DEFAULT_VEE_CONFIG,
  spikeMinDeltaM3: '2',
  stoppedReadings: 7,
  rangeDays: 7,
  zeroDays: 3,
  stoppedDays: 7,
  spikeWindowDays: 7,
});

export interface SmartDayInput {
  day: string;
  /** Consumption since the meter's previous usable reading (rollover-aware), normally one day's. */
  consumptionM3: string;
  /** Days that consumption covers (more than 1 after a gap in the summaries). */
  days: number;
  lastRegisterM3: string;
  /** When the day's last reading was taken. */
  readAt: string;
  /** The day in the tenant's zone, closed at "now" plus the tolerance for clock skew. */
  window: ReadingWindow;
  occupied: boolean;
  /** Billing periods of the toma, oldest first. */
  history: readonly HistoryPeriod[];
  classAverageDailyM3: string | null;
  /** Earlier days of the meter, oldest first, ending the day before `day`. */
  previousDays: readonly SmartDay[];
}

/**
 * VEE for one smart meter-day: the same rules as a manual reading, judged on the windows where a daily figure
 * means something (the trailing week for high/low, a run of zero days, a run of identical registers).
 */
export function validateSmartDay(input: SmartDayInput, config: SmartVeeConfig = DEFAULT_SMART_VEE_CONFIG): ReadingValidation {
  const today: SmartDay = { day: input.day, consumptionM3: input.consumptionM3, lastRegisterM3: input.lastRegisterM3 };
  const days = [...input.previousDays, today];
  const usedBefore =
    input.history.some((h) => !h.estimated && m3(h.consumptionM3).gt(0)) || input.previousDays.some((d) => m3(d.consumptionM3).gt(0));
  const results: RuleResult[] = [
    readingWindow(input.readAt, input.window),
    negativeConsumption(input.consumptionM3),
    zeroRun(days, input.occupied, config),
    ...rangeRules(days, input, config),
    spike(input.consumptionM3, trailingAverage(input.previousDays, config.spikeWindowDays, input.days), config),
    stoppedMeter(
      days.map((d) => d.lastRegisterM3),
      input.occupied && usedBefore,
      { ...config, stoppedReadings: config.stoppedDays + 1 },
    ),
  ];
  return verdictOf(results);
}

function sum(days: readonly SmartDay[]) {
  return days.reduce((acc, d) => acc.plus(m3(d.consumptionM3)), ZERO);
}

function zeroRun(days: readonly SmartDay[], occupied: boolean, config: SmartVeeConfig): RuleResult {
  const run = days.slice(-config.zeroDays);
  const r = zeroOnOccupied(fmtM3(sum(run)), occupied);
  const inputs = { ...r.inputs, fromDay: run[0].day, toDay: run[run.length - 1].day, zeroDays: config.zeroDays };
  if (run.length < config.zeroDays) return { ...r, passed: true, skipped: true, detail: `Only ${run.length} day(s); ${config.zeroDays} needed`, inputs };
  return { ...r, detail: `${r.detail} over ${run.length} days`, inputs };
}

function rangeRules(days: readonly SmartDay[], input: SmartDayInput, config: SmartVeeConfig): RuleResult[] {
  const window = days.slice(-config.rangeDays);
  const total = fmtM3(sum(window));
  const span = window.length - 1 + input.days;
  const extra = { fromDay: window[0].day, toDay: input.day, windowDays: span };
  const rules = [
    highVsHistory({ consumptionM3: total, days: span, history: input.history }, config),
    lowVsHistory({ consumptionM3: total, days: span, history: input.history }, config),
    highVsClass({ consumptionM3: total, days: span, classAverageDailyM3: input.classAverageDailyM3 }, config),
    lowVsClass({ consumptionM3: total, days: span, classAverageDailyM3: input.classAverageDailyM3 }, config),
  ];
  if (window.length < config.rangeDays) {
    return rules.map((r) => ({ ...r, passed: true, skipped: true, detail: `Only ${window.length} day(s); ${config.rangeDays} needed`, inputs: { ...r.inputs, ...extra } }));
  }
  return rules.map((r) => ({ ...r, inputs: { ...r.inputs, ...extra } }));
}

/** The trailing days' average scaled to the days being judged, as the "previous period" of the spike rule. */
function trailingAverage(previous: readonly SmartDay[], windowDays: number, days: number): HistoryPeriod | null {
  const window = previous.slice(-windowDays);
  if (window.length < windowDays) return null;
  return {
    periodKey: `${window[0].day}..${window[window.length - 1].day}`,
    consumptionM3: fmtM3(m3(sum(window).dividedBy(window.length).times(days))),
    days,
  };
}

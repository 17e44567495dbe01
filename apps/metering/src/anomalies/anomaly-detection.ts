import type { AnomalyKind } from '@supra/contracts';
import { Dec } from '@supra/domain/money';
import { m3 } from '../vee/m3';

/** One meter-day as metering keeps it (from ingestion's daily summary). Volumes as m3 strings. */
export interface MeterDay {
  day: string;
  consumptionM3: string;
  /** Lowest flow seen between 02:00 and 05:00 local, litres/s; > 0 every night means water never stops. */
  minNightFlowLps: string | null;
  alarms: string[];
  readingsCount: number;
}

export interface AnomalyThresholds {
  /** Night flow above this (l/s) counts as a leaking night (default 0.003 l/s, about 11 l/h). */
  leakNightFlowLps: string;
  /** Consecutive leaking nights to report a leak (default 3). */
  leakNights: number;
  /** Consecutive zero-consumption days with readings to report a stopped meter (default 7). */
  stoppedDays: number;
  /** A day below this fraction of the trailing average is a sudden drop (default 0.2). */
  dropRatio: string;
  /** Trailing days the drop is compared with (default 14, at least 7 needed). */
  dropWindow: number;
  /** Trailing average must be at least this (m3/day) for a drop to matter (default 0.100). */
  dropMinAverageM3: string;
}

export const DEFAULT_THRESHOLDS: AnomalyThresholds = {
  leakNightFlowLps: '0.003',
  leakNights: 3,
  stoppedDays: 7,
  dropRatio: '0.2',
  dropWindow: 14,
  dropMinAverageM3: '0.100',
};

export interface DetectedAnomaly {
  kind: AnomalyKind;
  evidence: Record<string, unknown>;
}

const TAMPER_ALARMS = new Set(['tamper', 'magnetic']);

/**
 * Anomalies for the latest day of `days` (ascending by day, the latest last), each with the figures that
 * show it. Pure: the caller loads the trailing days and decides what to publish (once per meter, kind, day).
 */
export function detectAnomalies(days: MeterDay[], t: AnomalyThresholds = DEFAULT_THRESHOLDS): DetectedAnomaly[] {
  if (!days.length) return [];
  const today = days[days.length - 1];
  const out: DetectedAnomaly[] = [];

  const nightLimit = new Dec(t.leakNightFlowLps);
  const tail = days.slice(-t.leakNights);
  const leaking = tail.length === t.leakNights && tail.every((d) => d.minNightFlowLps !== null && d.minNightFlowLps !== undefined && new Dec(d.minNightFlowLps).gt(nightLimit));
  if (leaking || today.alarms.includes('leak')) {
    out.push({
      kind: 'leak',
      evidence: {
        nights: tail.map((d) => ({ day: d.day, minNightFlowLps: d.minNightFlowLps })),
        thresholdLps: t.leakNightFlowLps,
        requiredNights: t.leakNights,
        meterAlarm: today.alarms.includes('leak'),
      },
    });
  }

  // Reverse flow: the meter's alarm, or the register going backwards over the day.
  const backwards = m3(today.consumptionM3).isNegative();
  if (backwards || today.alarms.includes('reverse_flow')) {
    out.push({ kind: 'reverse_flow', evidence: { day: today.day, consumptionM3: today.consumptionM3, meterAlarm: today.alarms.includes('reverse_flow') } });
  }

  const tamper = today.alarms.filter((a) => TAMPER_ALARMS.has(a));
  if (tamper.length) out.push({ kind: 'tamper', evidence: { day: today.day, alarms: tamper } });

  const still = days.slice(-t.stoppedDays);
  if (still.length === t.stoppedDays && still.every((d) => d.readingsCount > 0 && m3(d.consumptionM3).isZero())) {
    // A stopped meter only matters where water used to flow.
    const before = days.slice(0, -t.stoppedDays);
    const usedBefore = before.some((d) => m3(d.consumptionM3).gt(0));
    if (usedBefore) out.push({ kind: 'stopped_meter', evidence: { fromDay: still[0].day, toDay: today.day, zeroDays: t.stoppedDays } });
  }

  const window = days.slice(-(t.dropWindow + 1), -1);
  if (window.length >= 7 && !out.some((a) => a.kind === 'stopped_meter')) {
    const avg = window.reduce((s, d) => s.plus(m3(d.consumptionM3)), new Dec(0)).dividedBy(window.length);
    const c = m3(today.consumptionM3);
    if (avg.gte(new Dec(t.dropMinAverageM3)) && c.lt(avg.times(new Dec(t.dropRatio)))) {
      out.push({
        kind: 'sudden_drop',
        evidence: { day: today.day, consumptionM3: today.consumptionM3, trailingAverageM3: avg.toFixed(3), trailingDays: window.length, ratio: t.dropRatio },
      });
    }
  }
  return out;
}

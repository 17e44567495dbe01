import { Dec, toDec } from '@supra/domain/money';
import type { HoldReason } from '@supra/contracts';

export interface HistoryPoint {
  period: string;
  m3: string;
  estimated: boolean;
}

export interface HoldInput {
  /** Consumption being billed, m3; null for an unmetered (cuota fija) toma. */
  m3: string | null;
  estimated: boolean;
  /** Earlier periods of the same toma, newest first (the current one excluded). */
  history: HistoryPoint[];
  /** Hold above this multiple of the average ("3"). */
  factor: string;
}

/** Periods averaged; fewer than MIN_HISTORY earlier periods and the toma has no average to compare with. */
export const AVERAGE_WINDOW = 6;
export const MIN_HISTORY = 3;

/**
 * Hold rules: a bill goes to the review queue instead of being issued when its consumption is above
 * `factor` times the toma's average of its last periods (a leak, a misread), or when it is the third
 * estimated period in a row (nobody has read the meter for too long). Pure.
 */
export function holdReasons(input: HoldInput): HoldReason[] {
  const reasons: HoldReason[] = [];
  if (input.m3 !== null) {
    const window = input.history.slice(0, AVERAGE_WINDOW);
    if (window.length >= MIN_HISTORY) {
      const avg = window.reduce((s, h) => s.plus(toDec(h.m3)), new Dec(0)).div(window.length);
      if (avg.greaterThan(0) && toDec(input.m3).greaterThan(avg.times(toDec(input.factor)))) reasons.push('above_average');
    }
  }
  if (input.estimated && input.history.length >= 2 && input.history[0].estimated && input.history[1].estimated) {
    reasons.push('estimated_streak');
  }
  return reasons;
}

import { toDec, type Dec } from '@supra/domain/money';
import { RatingError } from './rating.errors';
import type { AmountSpec, ClassSpec, DerivedSpec, TariffScheduleDocument, WaterModel } from './schedule.types';

/** The part of a period a contract was in service (its final invoice): whole local days, both ends inclusive. */
export interface Proration {
  servedDays: number;
  periodDays: number;
}

/** Decimal places kept in a prorated amount before `rate` rounds the line to centavos (one rounding, in effect). */
const PRORATED_DP = 12;

function scale(a: AmountSpec, p: Proration): AmountSpec {
  const f = (d: Dec): string => d.times(p.servedDays).dividedBy(p.periodDays).toFixed(PRORATED_DP);
  return typeof a === 'string' ? f(toDec(a)) : { uma: f(toDec(a.uma)) };
}

function scaleModel<M extends WaterModel>(m: M, p: Proration): M {
  switch (m.model) {
    case 'incremental-blocks':
      return { ...m, blocks: m.blocks.map((b) => (b.fixedCharge === undefined ? b : { ...b, fixedCharge: scale(b.fixedCharge, p) })) };
    case 'flat':
      return { ...m, amount: scale(m.amount, p) };
    case 'cumulative-table':
      // A published table prices whole m³ consumed: nothing in it is a fixed charge.
      return m;
  }
}

/**
 * The schedule as it applies to a partial period: every fixed charge of the class (block fixed charges, a flat
 * water fee, the cuota fija, the minimum charge and fixed derived concepts) × servedDays / periodDays; prices per
 * m³, tables and percentages are untouched (they follow consumption, or the prorated water charge). Pure: returns
 * a new document (same id and version, so every line still traces to its row) and leaves the input alone.
 */
export function prorateFixedCharges(schedule: TariffScheduleDocument, tariffClass: string, p: Proration): TariffScheduleDocument {
  if (!Number.isInteger(p.servedDays) || !Number.isInteger(p.periodDays) || p.periodDays < 1 || p.servedDays < 0) {
    throw new RatingError('BILLING.RATE_INPUT_INVALID', `Proration needs whole days (served ${p.servedDays} of ${p.periodDays})`, { ...p });
  }
  const cls: ClassSpec | undefined = Object.prototype.hasOwnProperty.call(schedule.classes, tariffClass) ? schedule.classes[tariffClass] : undefined;
  if (!cls || p.servedDays >= p.periodDays) return schedule;
  const derived = cls.derived?.map((d): DerivedSpec => (d.basis === 'fixed' ? { ...d, amount: scale(d.amount, p) } : d));
  const prorated: ClassSpec = {
    ...cls,
    metered: scaleModel(cls.metered, p),
    ...(cls.unmetered ? { unmetered: scaleModel(cls.unmetered, p) } : {}),
    ...(cls.minimumCharge ? { minimumCharge: { ...cls.minimumCharge, amount: scale(cls.minimumCharge.amount, p) } } : {}),
    ...(derived ? { derived } : {}),
  };
  return { ...schedule, classes: { ...schedule.classes, [tariffClass]: prorated } };
}

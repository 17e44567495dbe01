import type { TariffScheduleDocument } from './rating';

export interface StoredSchedule {
  rowId: string;
  used: boolean;
  document: TariffScheduleDocument;
}

/**
 * The schedule class a contract's tariff category is rated with: the category itself when the schedule has
 * it (`comercial`), else its family before the first underscore (`domestica_popular` -> `domestica`), so a
 * utility that publishes one domestic table need not repeat it per socio-economic level.
 */
export function resolveClass(doc: TariffScheduleDocument, category: string): string | undefined {
  if (Object.prototype.hasOwnProperty.call(doc.classes, category)) return category;
  const family = category.split('_')[0];
  return Object.prototype.hasOwnProperty.call(doc.classes, family) ? family : undefined;
}

/**
 * The version in effect on `date` (YYYY-MM-DD) that has the category's class: among those, the latest
 * effectiveFrom, then the highest version. Pure, so bill runs pick once per class from an in-memory list.
 */
export function pickSchedule(schedules: StoredSchedule[], category: string, date: string): { schedule: StoredSchedule; tariffClass: string } | undefined {
  let best: { schedule: StoredSchedule; tariffClass: string } | undefined;
  for (const s of schedules) {
    const d = s.document;
    if (date < d.effectiveFrom || (d.effectiveTo !== null && date >= d.effectiveTo)) continue;
    const cls = resolveClass(d, category);
    if (!cls) continue;
    const b = best?.schedule.document;
    if (!b || d.effectiveFrom > b.effectiveFrom || (d.effectiveFrom === b.effectiveFrom && d.version > b.version)) best = { schedule: s, tariffClass: cls };
  }
  return best;
}

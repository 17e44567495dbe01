import demo from './rating/fixtures/demo-schedule.json';
import type { TariffScheduleDocument } from './rating';
import { pickSchedule, resolveClass, type StoredSchedule } from './tariff-selection';

const doc = demo as unknown as TariffScheduleDocument;
const stored = (patch: Partial<TariffScheduleDocument>, rowId: string): StoredSchedule => ({ rowId, used: false, document: { ...doc, ...patch } });

describe('tariff selection', () => {
  it('maps a domestic sub-class to the family the schedule publishes, and keeps exact classes', () => {
    expect(resolveClass(doc, 'domestica_popular')).toBe('domestica');
    expect(resolveClass(doc, 'comercial')).toBe('comercial');
    expect(resolveClass(doc, 'hidrante')).toBeUndefined();
  });

  it('picks the version in effect on the date, the newest when two are', () => {
    const v1 = stored({ version: 1, effectiveFrom: '2026-01-01', effectiveTo: '2027-01-01' }, 'a');
    const v2 = stored({ version: 2, effectiveFrom: '2026-07-01', effectiveTo: '2027-01-01' }, 'b');
    const v3 = stored({ version: 3, effectiveFrom: '2027-01-01', effectiveTo: null }, 'c');
    const all = [v1, v2, v3];
    expect(pickSchedule(all, 'domestica_media', '2026-03-10')?.schedule.rowId).toBe('a');
    expect(pickSchedule(all, 'domestica_media', '2026-07-01')?.schedule.rowId).toBe('b');
    expect(pickSchedule(all, 'comercial', '2030-01-01')?.schedule.rowId).toBe('c');
    expect(pickSchedule(all, 'comercial', '2025-12-31')).toBeUndefined();
  });
});

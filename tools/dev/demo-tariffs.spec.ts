import demo from '../../apps/billing/src/tariffs/rating/fixtures/demo-schedule.json';
import { parseSchedule, rate } from '../../apps/billing/src/tariffs/rating';
import { resolveClass } from '../../apps/billing/src/tariffs/tariff-selection';
import { TOMA_MIX } from '../../apps/customer/src/seed/demo-seed';

/** `npm start` bills every toma type the demo seeds, metered and cuota fija: the demo tariff must price each. */
describe('demo tariff schedule', () => {
  const schedule = parseSchedule(demo);

  it.each(TOMA_MIX.map(([type]) => type))('prices %s metered and as cuota fija', (type) => {
    const tariffClass = resolveClass(schedule, type);
    expect(tariffClass).toBeDefined();
    for (const input of [{ consumptionM3: '0' }, { consumptionM3: '17.4' }, { metered: false as const }]) {
      const r = rate(schedule, { tariffClass: tariffClass!, ...input });
      expect(Number(r.totals.total)).toBeGreaterThan(0);
    }
  });
});

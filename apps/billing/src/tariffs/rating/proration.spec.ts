import demo from './fixtures/demo-schedule.json';
import { prorateFixedCharges } from './proration';
import { rate } from './rate';
import { parseSchedule } from './schedule.validator';

const schedule = parseSchedule(demo);
const lines = (s: typeof schedule, input: Parameters<typeof rate>[1]) =>
  rate(s, input).lines.map((l) => [l.conceptCode, l.source.row.kind, l.quantity, l.unitPrice, l.amount]);

describe('prorateFixedCharges (final invoice for a partial period)', () => {
  const p17of30 = { servedDays: 17, periodDays: 30 };

  it('prorates the block fixed charge by days served and leaves prices per m³ alone', () => {
    const full = lines(schedule, { tariffClass: 'domestica', consumptionM3: '12' });
    const part = lines(prorateFixedCharges(schedule, 'domestica', p17of30), { tariffClass: 'domestica', consumptionM3: '12' });
    // 62.40 x 17 / 30 = 35.36 exactly; 10 x 9.85 and 2 x 12.60 unchanged; alcantarillado 10 % of the new water charge.
    expect(part).toEqual([
      ['agua', 'block', '10', '9.850000', '98.50'],
      ['agua', 'block-fixed', '1', '35.360000', '35.36'],
      ['agua', 'block', '2', '12.600000', '25.20'],
      ['alcantarillado', 'derived', '1', '15.910000', '15.91'],
      ['saneamiento', 'derived', '12', '1.200000', '14.40'],
    ]);
    expect(full[1]).toEqual(['agua', 'block-fixed', '1', '62.400000', '62.40']);
  });

  it('prorates the minimum charge, the cuota fija and UMA-indexed fixed charges, rounding once', () => {
    // 95.00 x 17 / 30 = 53.8333… -> 53.83 (alcantarillado 10 % of it)
    expect(lines(prorateFixedCharges(schedule, 'domestica', p17of30), { tariffClass: 'domestica', consumptionM3: '0' })).toEqual([
      ['agua', 'minimum', '1', '53.833333', '53.83'],
      ['alcantarillado', 'derived', '1', '5.380000', '5.38'],
    ]);
    // 210.00 x 17 / 30 = 119.00 for an unmetered toma
    expect(lines(prorateFixedCharges(schedule, 'domestica', p17of30), { tariffClass: 'domestica', metered: false })[0]).toEqual(['agua', 'unmetered', '1', '119.000000', '119.00']);
    // industrial: fixed charge 10 UMA x 113.14 = 1131.40 -> x 17/30 = 641.1266… -> 641.13
    const ind = lines(prorateFixedCharges(schedule, 'industrial', p17of30), { tariffClass: 'industrial', consumptionM3: '40' });
    expect(ind.find((l) => l[1] === 'block-fixed')).toEqual(['agua', 'block-fixed', '1', '641.126667', '641.13']);
  });

  it('leaves a cumulative table as published, a full period untouched, and the input schedule unchanged', () => {
    const before = JSON.stringify(schedule);
    expect(lines(prorateFixedCharges(schedule, 'comercial', p17of30), { tariffClass: 'comercial', consumptionM3: '7' })).toEqual(
      lines(schedule, { tariffClass: 'comercial', consumptionM3: '7' }),
    );
    expect(prorateFixedCharges(schedule, 'domestica', { servedDays: 30, periodDays: 30 })).toBe(schedule);
    const p = prorateFixedCharges(schedule, 'domestica', p17of30);
    expect(p).not.toBe(schedule);
    expect({ id: p.id, version: p.version }).toEqual({ id: schedule.id, version: schedule.version });
    expect(JSON.stringify(schedule)).toBe(before);
    expect(() => prorateFixedCharges(schedule, 'domestica', { servedDays: 1.5, periodDays: 30 })).toThrow(/whole days/);
  });
});

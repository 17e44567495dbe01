import demo from './fixtures/demo-schedule.json';
import { rate } from './rate';
import { RatingError } from './rating.errors';
import type { RatedLine, RateResult } from './rating.types';
import { parseSchedule } from './schedule.validator';
import type { TariffScheduleDocument } from './schedule.types';

const schedule = parseSchedule(demo);
const summary = (r: RateResult) =>
  r.lines.map((l) => [l.conceptCode, l.source.row.kind, l.quantity, l.unitPrice, l.amount, l.tax.rate, l.tax.amount]);
const withSchedule = (patch: (s: TariffScheduleDocument) => void): TariffScheduleDocument => {
  const s = structuredClone(schedule);
  patch(s);
  return parseSchedule(s);
};

describe('rate: incremental blocks (domestic)', () => {
  it('prices 23.4 m³ block by block with the fixed charge, derived concepts and per-concept IVA', () => {
    const r = rate(schedule, { tariffClass: 'domestica', consumptionM3: '23.4' });
    expect(r.consumption).toEqual({ measuredM3: '23.4', units: 1, billedPerUnitM3: '23', billedM3: '23' });
    // 10 x 9.85 = 98.50; 10 x 12.60 = 126.00; 3 x 17.35 = 52.05; fixed 62.40 -> water 338.95
    // alcantarillado 10 % = 33.895 -> 33.90 (IVA 5.424 -> 5.42); saneamiento 23 x 1.20 = 27.60 (IVA 4.416 -> 4.42)
    expect(summary(r)).toEqual([
      ['agua', 'block', '10', '9.850000', '98.50', '0.000000', '0.00'],
      ['agua', 'block-fixed', '1', '62.400000', '62.40', '0.000000', '0.00'],
      ['agua', 'block', '10', '12.600000', '126.00', '0.000000', '0.00'],
      ['agua', 'block', '3', '17.350000', '52.05', '0.000000', '0.00'],
      ['alcantarillado', 'derived', '1', '33.900000', '33.90', '0.160000', '5.42'],
      ['saneamiento', 'derived', '23', '1.200000', '27.60', '0.160000', '4.42'],
    ]);
    expect(r.totals).toEqual({ subtotal: '400.45', tax: '9.84', total: '410.29' });
  });

  it('traces every line to the schedule version and row', () => {
    const r = rate(schedule, { tariffClass: 'domestica', consumptionM3: '23.4' });
    expect(r.lines[2].source).toEqual({
      scheduleId: 'demo-2026',
      scheduleVersion: 2,
      tariffClass: 'domestica',
      row: { kind: 'block', index: 1, from: '10', to: '20' },
    });
    expect(r.lines[4].source.row).toEqual({ kind: 'derived', index: 0, basis: 'percent-of-water' });
    expect(r.lines[0]).toMatchObject({ claveProdServ: '83101500', claveUnidad: 'MTQ', description: 'Servicio de agua potable (0–10 m³)' });
    expect(r.lines[1]).toMatchObject({ claveUnidad: 'E48' });
  });

  it.each([
    ['10.50', '10'],
    ['10.51', '11'],
    ['0.49', '0'],
    ['9.999', '10'],
  ])('rounds %s m³ to %s (fraction above .50 rounds up)', (m3, billed) => {
    expect(rate(schedule, { tariffClass: 'domestica', consumptionM3: m3 }).consumption.billedM3).toBe(billed);
  });

  it('splits a multi-unit toma per unit and multiplies the charge back', () => {
    // 86.2 / 4 = 21.55 -> 22 per unit (88 billed). Per unit 10/10/2 m³ in blocks 1-3, x4.
    const r = rate(schedule, { tariffClass: 'domestica', consumptionM3: '86.2', units: 4 });
    expect(r.consumption).toEqual({ measuredM3: '86.2', units: 4, billedPerUnitM3: '22', billedM3: '88' });
    expect(summary(r)).toEqual([
      ['agua', 'block', '40', '9.850000', '394.00', '0.000000', '0.00'],
      ['agua', 'block-fixed', '4', '62.400000', '249.60', '0.000000', '0.00'],
      ['agua', 'block', '40', '12.600000', '504.00', '0.000000', '0.00'],
      ['agua', 'block', '8', '17.350000', '138.80', '0.000000', '0.00'],
      ['alcantarillado', 'derived', '1', '128.640000', '128.64', '0.160000', '20.58'],
      ['saneamiento', 'derived', '88', '1.200000', '105.60', '0.160000', '16.90'],
    ]);
    // The same 86 m³ on one unit climbs to the 41.75 block: far more expensive.
    const single = rate(schedule, { tariffClass: 'domestica', consumptionM3: '86.2' });
    expect(single.lines.filter((l) => l.conceptCode === 'agua').map((l) => l.amount)).toEqual([
      '98.50', '62.40', '126.00', '173.50', '538.00', '1503.00',
    ]);
  });

  it('bills the minimum charge at 0 m³ instead of the blocks', () => {
    const r = rate(schedule, { tariffClass: 'domestica', consumptionM3: '0.3' });
    expect(summary(r)).toEqual([
      ['agua', 'minimum', '1', '95.000000', '95.00', '0.000000', '0.00'],
      ['alcantarillado', 'derived', '1', '9.500000', '9.50', '0.160000', '1.52'],
    ]);
  });

  it('bills the cuota fija for an unmetered toma', () => {
    const r = rate(schedule, { tariffClass: 'domestica', metered: false, units: 2 });
    expect(r.consumption.billedM3).toBeNull();
    expect(summary(r)).toEqual([
      ['agua', 'unmetered', '2', '210.000000', '420.00', '0.000000', '0.00'],
      ['alcantarillado', 'derived', '1', '42.000000', '42.00', '0.160000', '6.72'],
    ]);
  });

  it('applies fixed charges to every block reached when configured', () => {
    const s = withSchedule((x) => {
      const m = x.classes.domestica.metered;
      if (m.model === 'incremental-blocks') m.blocks[1].fixedCharge = '5.00';
    });
    const kinds = rate(s, { tariffClass: 'domestica', consumptionM3: '15' }).lines.filter((l) => l.source.row.kind === 'block-fixed');
    expect(kinds.map((l) => [l.source.row, l.amount])).toEqual([
      [{ kind: 'block-fixed', index: 0 }, '62.40'],
      [{ kind: 'block-fixed', index: 1 }, '5.00'],
    ]);
  });
});

describe('rate: published cumulative table (comercial)', () => {
  it('reads the charge for whole m³ from the table', () => {
    const r = rate(schedule, { tariffClass: 'comercial', consumptionM3: '15' });
    // table[15] = 425.05, IVA 16 % = 68.008 -> 68.01; alcantarillado 15 % = 63.7575 -> 63.76 (IVA 10.20);
    // saneamiento 15 x 1.85 = 27.75 (IVA 4.44)
    expect(summary(r)).toEqual([
      ['agua', 'table', '15', '28.336667', '425.05', '0.160000', '68.01'],
      ['alcantarillado', 'derived', '1', '63.760000', '63.76', '0.160000', '10.20'],
      ['saneamiento', 'derived', '15', '1.850000', '27.75', '0.160000', '4.44'],
    ]);
    expect(r.lines[0].source.row).toEqual({ kind: 'table', m3: 15 });
    expect(r.totals).toEqual({ subtotal: '516.56', tax: '82.65', total: '599.21' });
  });

  it('uses base + excess × rate above N', () => {
    const r = rate(schedule, { tariffClass: 'comercial', consumptionM3: '27' });
    // 569.65 + 7 x 31.26 = 788.47, IVA 126.1552 -> 126.16
    expect(r.lines[0]).toMatchObject({ quantity: '27', amount: '788.47', tax: { amount: '126.16' } });
    expect(r.lines[0].source.row).toEqual({ kind: 'table-above', n: 20, appliesTo: 'excess' });
    const total = withSchedule((x) => {
      const m = x.classes.comercial.metered;
      if (m.model === 'cumulative-table') m.above = { base: '100.00', ratePerM3: '30.00', appliesTo: 'total' };
    });
    expect(rate(total, { tariffClass: 'comercial', consumptionM3: '27' }).lines[0].amount).toBe('910.00');
  });

  it('bills table[0] at zero consumption as a service line', () => {
    const r = rate(schedule, { tariffClass: 'comercial', consumptionM3: '0' });
    expect(summary(r)[0]).toEqual(['agua', 'table', '1', '185.000000', '185.00', '0.160000', '29.60']);
  });
});

describe('rate: UMA-indexed amounts and minimum as a floor (industrial)', () => {
  it('resolves UMA multiples with the schedule value', () => {
    const r = rate(schedule, { tariffClass: 'industrial', consumptionM3: '250' });
    // 100 x 28.40 = 2840.00; 150 x 33.10 = 4965.00; fixed of the block 250 ends in: 20 UMA x 113.14 = 2262.80
    const water = r.lines.filter((l) => l.conceptCode === 'agua');
    expect(water.map((l) => [l.source.row.kind, l.amount, l.tax.amount])).toEqual([
      ['block', '2840.00', '454.40'],
      ['block', '4965.00', '794.40'],
      ['block-fixed', '2262.80', '362.05'],
    ]);
    // alcantarillado 20 % of 10067.80 = 2013.56; saneamiento 250 x 2.10 = 525.00
    expect(r.lines.slice(3).map((l) => l.amount)).toEqual(['2013.56', '525.00']);
  });

  it('raises the water charge to the minimum (15 UMA) when it is lower, and takes the UMA from the input', () => {
    // 10 m³: 284.00 + 10 UMA (1131.40) = 1415.40 < 15 UMA = 1697.10
    const low = rate(schedule, { tariffClass: 'industrial', consumptionM3: '10' });
    expect(summary(low)[0]).toEqual(['agua', 'minimum', '1', '1697.100000', '1697.10', '0.160000', '271.54']);
    // 20 m³: 568.00 + 1131.40 = 1699.40 > 1697.10: no minimum
    expect(rate(schedule, { tariffClass: 'industrial', consumptionM3: '20' }).lines.map((l) => l.source.row.kind)).toEqual([
      'block', 'block-fixed', 'derived', 'derived',
    ]);
    const newUma = rate(schedule, { tariffClass: 'industrial', consumptionM3: '10', umaValue: '117.31' });
    expect(newUma.lines[0].amount).toBe('1759.65');
  });

  it('fails clearly when an indexed amount has no UMA value', () => {
    const s = withSchedule((x) => delete x.umaValue);
    expect(() => rate(s, { tariffClass: 'industrial', consumptionM3: '10' })).toThrow(
      expect.objectContaining({ code: 'BILLING.RATE_INPUT_INVALID', message: expect.stringContaining('indexed to the UMA') }),
    );
  });
});

describe('rate: recargos', () => {
  it('charges the monthly percentage on each overdue balance, capped in months', () => {
    const r = rate(schedule, {
      tariffClass: 'domestica',
      consumptionM3: '0',
      overdue: [
        { reference: 'A-1001', amount: '410.29', months: 3 }, // 410.29 x 1.47 % x 3 = 18.094789 -> 18.09
        { reference: 'A-0001', amount: '100.00', months: 80 }, // capped at 60: 88.20
      ],
    });
    const s = r.lines.filter((l: RatedLine) => l.conceptCode === 'recargos');
    expect(s.map((l) => [l.amount, l.tax.objetoImp, l.tax.amount, l.source.row])).toEqual([
      ['18.09', '01', null, { kind: 'surcharge', reference: 'A-1001', months: 3 }],
      ['88.20', '01', null, { kind: 'surcharge', reference: 'A-0001', months: 60 }],
    ]);
  });
});

describe('rate: errors', () => {
  it('rejects unknown classes, dates out of range and bad input', () => {
    expect(() => rate(schedule, { tariffClass: 'hidrante', consumptionM3: '1' })).toThrow(expect.objectContaining({ code: 'BILLING.TARIFF_CLASS_UNKNOWN' }));
    expect(() => rate(schedule, { tariffClass: 'domestica', consumptionM3: '1', date: '2027-01-01' })).toThrow(
      expect.objectContaining({ code: 'BILLING.TARIFF_NOT_EFFECTIVE' }),
    );
    expect(() => rate(schedule, { tariffClass: 'domestica', consumptionM3: '1', date: '2026-12-31' })).not.toThrow();
    expect(() => rate(schedule, { tariffClass: 'domestica', consumptionM3: '-1' })).toThrow(RatingError);
    expect(() => rate(schedule, { tariffClass: 'domestica', consumptionM3: '1', units: 0 })).toThrow(RatingError);
    const noFlat = withSchedule((x) => delete x.classes.industrial.unmetered);
    expect(() => rate(noFlat, { tariffClass: 'industrial', metered: false })).toThrow(/no cuota fija/);
  });
});

import demo from '../tariffs/rating/fixtures/demo-schedule.json';
import { parseSchedule, rate } from '../tariffs/rating';
import { estimateCreditLines } from './estimate-credit';

const schedule = parseSchedule(demo);
const billedAs = (m3: string) =>
  rate(schedule, { tariffClass: 'domestica', consumptionM3: m3 }).lines.map((l, i) => ({ lineNo: i + 1, conceptCode: l.conceptCode, row: l.source.row, amount: l.amount }));
const total = (lines: Array<{ amount: string }>) => lines.reduce((s, l) => s + Math.round(Number(l.amount) * 100), 0);

describe('estimateCreditLines', () => {
  it('credits exactly what the invoice billed above the tariff at the lower consumption, from the top block down', () => {
    const billed = billedAs('25');
    const rerated = rate(schedule, { tariffClass: 'domestica', consumptionM3: '12' });
    const credit = estimateCreditLines(billed, rerated.lines);
    expect(total(credit)).toBe(total(billed) - total(rerated.lines));
    // 25 -> 12 m3: the 20-30 block (5 x 17.35) and 8 of the 10-20 block (8 x 12.60) come back; the fixed charge does not.
    const byRow = Object.fromEntries(credit.map((c) => [JSON.stringify(billed[c.lineNo - 1].row), c.amount]));
    expect(byRow[JSON.stringify({ kind: 'block', index: 2, from: '20', to: '30' })]).toBe('86.75');
    expect(byRow[JSON.stringify({ kind: 'block', index: 1, from: '10', to: '20' })]).toBe('100.80');
    expect(credit.some((c) => billed[c.lineNo - 1].row.kind === 'block-fixed')).toBe(false);
    // Rows read back from jsonb come with their keys in another order: still the same rows.
    const reordered = billed.map((l) => ({ ...l, row: Object.fromEntries(Object.entries(l.row).reverse()) as typeof l.row }));
    expect(estimateCreditLines(reordered, rerated.lines)).toEqual(credit);
  });

  it('takes a minimum charge the lower consumption adds off the credits (total still billed - re-rated)', () => {
    const billed = billedAs('3');
    const rerated = rate(schedule, { tariffClass: 'domestica', consumptionM3: '0' });
    expect(rerated.lines.some((l) => l.source.row.kind === 'minimum')).toBe(true);
    const credit = estimateCreditLines(billed, rerated.lines);
    expect(total(credit)).toBe(Math.max(0, total(billed) - total(rerated.lines)));
  });
});

import { parseSchedule } from '../tariffs/rating';
import demo from '../tariffs/rating/fixtures/demo-schedule.json';
import type { ContractProfile } from '../directory/directory.service';
import { composeInvoice, type ComposeInput } from './invoice-composer';

const tenant = { emisor: { rfc: 'EKU9003173C9', nombre: 'ESCUELA KEMPER URGATE', regimenFiscal: '601' }, lugarExpedicion: '76000', holdFactor: '3' };
const profile = (n: number): ContractProfile => ({
  contractId: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`, contractNumber: `C-${n}`, status: 'activo', tariffCategory: 'domestica_media',
  billingPeriod: 'mensual', endDate: null, tomaId: `00000000-0000-4000-9000-${String(n).padStart(12, '0')}`, tomaNumber: `T-${n}`, billingType: 'medido',
  unitsServed: 1, personId: `00000000-0000-4000-a000-${String(n).padStart(12, '0')}`, person: null,
});

describe('composeInvoice rating reuse', () => {
  const document = parseSchedule(demo);
  const input = (n: number, m3: string, overdue: ComposeInput['overdue'] = []): ComposeInput => ({
    tenant, profile: profile(n), period: '2026-11', ratingDate: '2026-11-01', schedule: { rowId: 'row-1', document, tariffClass: 'domestica' },
    consumption: { billableId: `b-${n}`, m3, adjustmentM3: '0.000', estimated: false, provenance: {} }, overdue, history: [],
  });

  it('rates a (class, m³, units) once per loaded schedule; each invoice keeps its own lines and provenance', () => {
    const a = composeInvoice(input(1, '23.000'));
    const b = composeInvoice(input(2, '23.000'));
    expect(b.rating).toBe(a.rating);
    expect(b.lines).not.toBe(a.lines);
    expect(b.lines[0].source.billableId).toBe('b-2');
    expect(a.lines[0].source.billableId).toBe('b-1');
    const c = composeInvoice(input(3, '24.000'));
    expect(c.rating).not.toBe(a.rating);
    expect(c.rating.totals.total).not.toBe(a.rating.totals.total);
    // Another loaded copy of the schedule (another run) is rated afresh, to the same amounts.
    const fresh = composeInvoice({ ...input(4, '23.000'), schedule: { rowId: 'row-1', document: parseSchedule(structuredClone(demo)), tariffClass: 'domestica' } });
    expect(fresh.rating).not.toBe(a.rating);
    expect(fresh.rating.totals).toEqual(a.rating.totals);
  });

  it('rates every invoice with overdue balances on its own (recargos differ per contract)', () => {
    const overdue = [{ reference: 'A-1', amount: '100.00', months: 2 }];
    const a = composeInvoice(input(5, '23.000', overdue));
    const b = composeInvoice(input(6, '23.000', overdue));
    expect(b.rating).not.toBe(a.rating);
    expect(a.lines.some((l) => l.kind === 'surcharge')).toBe(true);
  });
});

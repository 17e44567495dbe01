import type { BillRunView, InvoiceView, Page } from '@supra/contracts';
import { cadenaOriginal, parseCfdiXml, verifySello } from '../src/cfdi';
import { BILLABLE, billable, demoSchedule, seedContract, setUpTenant, startBilling, until, type CustomerFixture, type Harness } from './billing-harness';

jest.setTimeout(180_000);

/** Bill runs on real PostgreSQL and JetStream, sealing on two worker threads. */
describe('bill runs', () => {
  let h: Harness;
  const metered: CustomerFixture[] = [];
  const flat: CustomerFixture[] = [];

  beforeAll(async () => {
    // Pages of 5: the 37 contracts go through the pipeline as 8 pages, several rated and sealed at once.
    h = await startBilling({ BILLING_SEAL_WORKERS: '2', BILLING_BATCH_SIZE: '5', BILLING_STAMP_INTERVAL_MS: '0' });
    // Consumption arrives before the tenant can issue: billing keeps it for the cycle's bill run.
    for (let i = 0; i < 12; i++) metered.push(await seedContract(h, { n: 1000 + i, sector: i % 2 ? 'NORTE' : 'SUR' }));
    for (let i = 0; i < 24; i++) flat.push(await seedContract(h, { n: 2000 + i, billingType: 'cuota_fija', sector: i % 2 ? 'NORTE' : 'SUR' }));
    await seedContract(h, { n: 3000 }); // metered, no consumption this period
    for (const f of metered) await h.publish(BILLABLE, billable(f, '2026-11', `${10 + metered.indexOf(f)}.250`));
    await until(async () => (await h.query(`SELECT 1 FROM billing.consumptions`)).length === metered.length, 'consumptions kept');
    await setUpTenant(h);
  });
  afterAll(() => h?.close());

  const counts = async () => {
    const [r] = await h.query<{ inv: string; out: string; runs: string; lines: string }>(
      `SELECT (SELECT count(*) FROM billing.invoices) AS inv, (SELECT count(*) FROM billing.outbox) AS out,
              (SELECT count(*) FROM billing.bill_runs) AS runs, (SELECT count(*) FROM billing.invoice_lines) AS lines`,
    );
    return r;
  };

  it('a dry run rates and seals the whole cycle and writes nothing', async () => {
    const before = await counts();
    const dry = await h.call<BillRunView>('bill-runs.start', { period: '2026-11', dryRun: true });
    expect(dry).toMatchObject({ id: null, dryRun: true, status: 'completed', processed: 37, issued: 36, failed: 0, skips: { no_consumption: 1 } });
    expect(Number(dry.totalAmount)).toBeGreaterThan(0);
    expect(await counts()).toEqual(before);
  });

  it('bills a sector, reports progress, and a re-run creates nothing new', async () => {
    const run = await h.call<BillRunView>('bill-runs.start', { period: '2026-11', sector: 'NORTE' });
    expect(run.status).toBe('running');
    const done = await until(async () => {
      const r = await h.call<BillRunView>('bill-runs.get', { id: run.id });
      return r.status !== 'running' ? r : undefined;
    }, 'bill run to finish');
    expect(done).toMatchObject({ status: 'completed', processed: 18, issued: 18, held: 0, failed: 0, skipped: 0 });

    const whole = await h.call<BillRunView>('bill-runs.start', { period: '2026-11' });
    const whole2 = await until(async () => {
      const r = await h.call<BillRunView>('bill-runs.get', { id: whole.id });
      return r.status !== 'running' ? r : undefined;
    }, 'second bill run');
    expect(whole2).toMatchObject({ status: 'completed', processed: 37, issued: 18, skipped: 19, skips: { exists: 18, no_consumption: 1 } });

    const again = await h.call<BillRunView>('bill-runs.start', { period: '2026-11' });
    const again2 = await until(async () => {
      const r = await h.call<BillRunView>('bill-runs.get', { id: again.id });
      return r.status !== 'running' ? r : undefined;
    }, 'idempotent re-run');
    expect(again2).toMatchObject({ issued: 0, skipped: 37, skips: { exists: 36, no_consumption: 1 } });

    const invoices = await h.query<{ contract_id: string; n: string }>(`SELECT contract_id, count(*) AS n FROM billing.invoices GROUP BY 1`);
    expect(invoices).toHaveLength(36);
    expect(invoices.every((r) => r.n === '1')).toBe(true);
    const issuedEvents = await h.query(`SELECT 1 FROM billing.outbox WHERE type = 'billing.invoice.issued.v1'`);
    expect(issuedEvents).toHaveLength(36);
    const folios = await h.query<{ folio: string }>(`SELECT folio FROM billing.invoices`);
    expect(new Set(folios.map((f) => f.folio)).size).toBe(36);

    // The stored XML is the sealed one byte for byte (its seal verifies over the cadena recomputed from it), and
    // each line's provenance is JSON: both go through the packed multi-row insert.
    const stored = await h.query<{ xml: string; folio: string; total: string; sources: Array<Record<string, unknown>> }>(
      `SELECT i.xml, i.folio, i.total::text AS total, (SELECT jsonb_agg(l.source ORDER BY l.line_no) FROM billing.invoice_lines l WHERE l.invoice_id = i.id) AS sources
         FROM billing.invoices i`,
    );
    for (const r of stored) {
      const doc = parseCfdiXml(r.xml);
      expect(doc.comprobante.Folio).toBe(r.folio);
      expect(doc.comprobante.Total).toBe(r.total);
      expect(verifySello(cadenaOriginal(doc), doc.comprobante.Sello!, doc.comprobante.Certificado!)).toBe(true);
      expect(r.sources.length).toBe(doc.conceptos.length);
      for (const src of r.sources) expect(src).toHaveProperty('scheduleRowId');
    }

    // Cuota fija invoices carry the flat row; metered ones the consumption provenance.
    const flatInv = (await h.call<Page<InvoiceView>>('invoices.list', { contractId: flat[0].contractId })).data[0];
    const flatFull = await h.call<InvoiceView>('invoices.get', { id: flatInv.id });
    expect(flatFull.lines![0].source.row).toEqual({ kind: 'unmetered' });
    expect(flatFull.billRunId).not.toBeNull();
    const meteredInv = (await h.call<Page<InvoiceView>>('invoices.list', { contractId: metered[3].contractId })).data[0];
    expect(meteredInv.consumptionM3).toBe('13.250');
  });

  it('lists each failed contract with its error code (dry run and GET /bill-runs/:id), the others billed', async () => {
    // A schedule whose only class has no cuota fija: its flat-fee contract cannot be rated.
    const { industrial } = demoSchedule.classes;
    const hydrants = { ...demoSchedule, id: 'hidrantes-2026', name: 'Hidrantes', classes: { hidrante: { ...industrial, unmetered: undefined } } };
    await h.call('tariffs.import', { document: JSON.parse(JSON.stringify(hydrants)) as object });
    const bad = await seedContract(h, { n: 4000, billingType: 'cuota_fija', category: 'hidrante' });
    const dry = await h.call<BillRunView>('bill-runs.start', { period: '2026-12', dryRun: true });
    expect(dry).toMatchObject({ failed: 1, failures: [{ contractId: bad.contractId, code: 'BILLING.RATE_INPUT_INVALID', message: expect.stringContaining('no cuota fija') }] });
    const run = await h.call<BillRunView>('bill-runs.start', { period: '2026-12' });
    const done = await until(async () => {
      const r = await h.call<BillRunView>('bill-runs.get', { id: run.id });
      return r.status !== 'running' ? r : undefined;
    }, 'bill run with a failure');
    expect(done).toMatchObject({ status: 'completed', issued: flat.length, failed: 1 });
    expect(done.failures).toEqual([{ contractId: bad.contractId, code: 'BILLING.RATE_INPUT_INVALID', message: expect.stringContaining('no cuota fija') }]);
    // Earlier runs without failures list none.
    const [earlier] = await h.query<{ id: string }>(`SELECT id FROM billing.bill_runs WHERE period = '2026-11' LIMIT 1`);
    expect((await h.call<BillRunView>('bill-runs.get', { id: earlier.id })).failures).toEqual([]);
  });
});

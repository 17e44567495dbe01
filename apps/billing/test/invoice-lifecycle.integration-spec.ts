import { CustomerEvents, type BillableConsumptionData, type CancelInvoiceView, type InvoiceView, type Page } from '@supra/contracts';
import { Dec, fixed, round2 } from '@supra/domain/money';
import { parseCfdiXml } from '../src/cfdi';
import { parseSchedule, rate } from '../src/tariffs/rating';
import { Clock } from '../src/shared/clock';
import { PacGateway } from '../src/stamping/pac-gateway';
import { BILLABLE, billable, demoSchedule, seedContract, setUpTenant, startBilling, until, type CustomerFixture, type Harness } from './billing-harness';

jest.setTimeout(120_000);

/** After issue: cancellation with each SAT reason, recargos on the next invoice, the final invoice at termination. */
describe('billing invoice lifecycle', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startBilling();
    await setUpTenant(h);
  });
  afterAll(async () => {
    h?.get(Clock).set(null);
    await h?.close();
  });

  const invoiceOf = async (contractId: string, period: string): Promise<InvoiceView | undefined> =>
    (await h.call<Page<InvoiceView>>('invoices.list', { contractId, period, kind: 'I' })).data.find((i) => i.substitutesId === null);
  const stampedInvoice = (contractId: string, period: string): Promise<InvoiceView> =>
    until(async () => {
      const i = await invoiceOf(contractId, period);
      return i?.status === 'stamped' ? h.call<InvoiceView>('invoices.get', { id: i.id }) : undefined;
    }, `stamped invoice ${period}`);
  const bill = async (f: CustomerFixture, period: string, m3: string, patch: Partial<BillableConsumptionData> = {}): Promise<InvoiceView> => {
    await h.publish(BILLABLE, billable(f, period, m3, patch));
    return stampedInvoice(f.contractId, period);
  };
  const sim = () => h.get(PacGateway).simulators[0];

  describe('cancellation with SAT reasons', () => {
    it.each([
      ['02', 'errors without relation'],
      ['03', 'operation not carried out'],
      ['04', 'nominative operation in a global invoice'],
    ] as const)('cancels a stamped invoice with reason %s (%s) at the PAC, with no substitute', async (reason, what) => {
      const f = await seedContract(h);
      const inv = await bill(f, '2026-11', '12.000');
      const res = await h.call<CancelInvoiceView>('invoices.cancel', { id: inv.id, reason, note: what });
      expect(res.substitute).toBeNull();
      expect(res.invoice).toMatchObject({ status: 'cancelled', cancelReason: reason, substitutedById: null });
      // The PAC received this reason on the wire and SAT now reports the CFDI cancelled.
      expect(sim().cancelMotivoOf(inv.uuid!)).toBe(reason);
      expect((await h.get(PacGateway).provider.status(inv.uuid!)).estado).toBe('Cancelado');
      const events = await h.query<{ data: { reason: string; substitutedById: string | null } }>(
        `SELECT event->'data' AS data FROM billing.outbox WHERE type = 'billing.invoice.cancelled.v1' AND subject = $1`,
        [inv.id],
      );
      expect(events.map((e) => e.data)).toEqual([expect.objectContaining({ reason, substitutedById: null })]);
      // No substitute was issued for the period.
      expect(await h.query(`SELECT 1 FROM billing.invoices WHERE substitutes_id = $1`, [inv.id])).toHaveLength(0);
    });

    it('refuses reason 01 without a substitute, and a substitute with another reason; nothing reaches the PAC', async () => {
      const f = await seedContract(h);
      const inv = await bill(f, '2026-11', '14.000');
      const calls = sim().calls.cancel ?? 0;
      await expect(h.call('invoices.cancel', { id: inv.id, reason: '01' })).rejects.toMatchObject({ code: 'BILLING.SUBSTITUTE_REQUIRED' });
      await expect(h.call('invoices.cancel', { id: inv.id, reason: '02', substitution: {} })).rejects.toMatchObject({ code: 'BILLING.SUBSTITUTION_REASON' });
      expect(sim().calls.cancel ?? 0).toBe(calls);
      expect((await h.call<InvoiceView>('invoices.get', { id: inv.id })).status).toBe('stamped');
      expect((await h.get(PacGateway).provider.status(inv.uuid!)).estado).toBe('Vigente');
    });

    it('with reason 01 and substitution re-bills the same consumption and cancels citing the substitute', async () => {
      const f = await seedContract(h);
      const inv = await bill(f, '2026-11', '16.000');
      const res = await h.call<CancelInvoiceView>('invoices.cancel', { id: inv.id, reason: '01', substitution: {} });
      expect(res.invoice).toMatchObject({ status: 'cancelled', cancelReason: '01', substitutedById: res.substitute!.id });
      expect(res.substitute).toMatchObject({ status: 'stamped', consumptionM3: '16.000', total: inv.total });
      expect(sim().cancelMotivoOf(inv.uuid!)).toBe('01');
      expect((await h.get(PacGateway).provider.status(res.substitute!.uuid!)).estado).toBe('Vigente');
    });
  });

  describe('recargos on past-due balances', () => {
    afterEach(() => h.get(Clock).set(null));

    it('charges the schedule monthly percentage on the overdue balance on the next invoice, once per month late, traced to its invoice', async () => {
      const clock = h.get(Clock);
      const f = await seedContract(h);
      // September's invoice, issued 2 October: due 17 October (15 days).
      clock.set(new Date('2026-10-02T17:00:00Z'));
      const sept = await bill(f, '2026-09', '18.000');
      expect(sept.dueDate).toBe('2026-10-17');
      expect(sept.lines!.some((l) => l.kind === 'surcharge')).toBe(false);
      // A partial payment: the recargo is on what is still owed.
      await h.publish('payments.payment.applied.v1', { paymentId: '0190d0a0-0000-7000-8000-0000000000a1', invoiceId: sept.id, amount: '50.00', appliedAt: '2026-10-10T18:00:00Z' });
      await until(async () => (await h.call<InvoiceView>('invoices.get', { id: sept.id })).paidAmount === '50.00', 'payment applied');
      const owed = new Dec(sept.total).minus('50.00');

      // October's invoice, issued 20 November: 17 Oct → 20 Nov is 2 months or fractions late (CFF art. 21).
      clock.set(new Date('2026-11-20T17:00:00Z'));
      const oct = await bill(f, '2026-10', '11.000');
      const recargo = oct.lines!.filter((l) => l.kind === 'surcharge');
      expect(recargo).toHaveLength(1);
      // 1.47 % a month (demo schedule), exact decimal, one rounding to centavos.
      expect(recargo[0].amount).toBe(fixed(round2(owed.times('1.47').dividedBy(100).times(2)), 2));
      expect(recargo[0]).toMatchObject({ conceptCode: 'recargos', taxObject: '01', taxAmount: null });
      expect(recargo[0].source).toMatchObject({ surchargedInvoiceId: sept.id, row: { kind: 'surcharge', reference: `${sept.serie}-${sept.folio}`, months: 2 } });
      expect(recargo[0].description).toContain(`sobre ${sept.serie}-${sept.folio}`);
      // The CFDI carries it as a concepto and the totals are the sums of the rounded lines.
      const lineSum = oct.lines!.reduce((s, l) => s.plus(l.amount).plus(l.taxAmount ?? '0'), new Dec(0));
      expect(oct.total).toBe(fixed(lineSum, 2));
      expect((await h.query<{ surcharged_months: number }>(`SELECT surcharged_months FROM billing.invoices WHERE id = $1`, [sept.id]))[0].surcharged_months).toBe(2);

      // November's invoice on 20 December: 3 months late now, 2 already charged -> 1 more month, not 3.
      clock.set(new Date('2026-12-20T17:00:00Z'));
      const nov = await bill(f, '2026-11', '9.000');
      const more = nov.lines!.filter((l) => l.kind === 'surcharge');
      const sourceOf = (l: NonNullable<InvoiceView['lines']>[number]) => l.source as { surchargedInvoiceId: string; row: { months: number } };
      const onSept = more.find((l) => sourceOf(l).surchargedInvoiceId === sept.id)!;
      expect(sourceOf(onSept).row.months).toBe(1);
      expect(onSept.amount).toBe(fixed(round2(owed.times('1.47').dividedBy(100)), 2));
      // October's own invoice (due 5 December) is late by one month too, on its whole total.
      const onOct = more.find((l) => sourceOf(l).surchargedInvoiceId === oct.id)!;
      expect(onOct.amount).toBe(fixed(round2(new Dec(oct.total).times('1.47').dividedBy(100)), 2));
      expect(more).toHaveLength(2);
    });

    it('gives the months back when the invoice that charged them is cancelled, so the next invoice charges them', async () => {
      const clock = h.get(Clock);
      const f = await seedContract(h);
      clock.set(new Date('2026-10-02T17:00:00Z'));
      const sept = await bill(f, '2026-09', '20.000');
      clock.set(new Date('2026-11-20T17:00:00Z'));
      const oct = await bill(f, '2026-10', '10.000');
      expect(oct.lines!.filter((l) => l.kind === 'surcharge')).toHaveLength(1);
      const months = async () => (await h.query<{ surcharged_months: number }>(`SELECT surcharged_months FROM billing.invoices WHERE id = $1`, [sept.id]))[0].surcharged_months;
      expect(await months()).toBe(2);
      await h.call('invoices.cancel', { id: oct.id, reason: '03' });
      expect(await months()).toBe(0);
      clock.set(new Date('2026-12-20T17:00:00Z'));
      const nov = await bill(f, '2026-11', '10.000');
      const onSept = nov.lines!.find((l) => (l.source as { surchargedInvoiceId?: string }).surchargedInvoiceId === sept.id)!;
      expect((onSept.source as { row: { months: number } }).row.months).toBe(3);
      expect(onSept.amount).toBe(fixed(round2(new Dec(sept.total).times('1.47').dividedBy(100).times(3)), 2));
      expect(await months()).toBe(3);
    });

    it('charges nothing on an invoice paid in full or not yet due', async () => {
      const clock = h.get(Clock);
      const f = await seedContract(h);
      clock.set(new Date('2026-10-02T17:00:00Z'));
      const sept = await bill(f, '2026-09', '10.000');
      await h.publish('payments.payment.applied.v1', { paymentId: '0190d0a0-0000-7000-8000-0000000000b1', invoiceId: sept.id, amount: sept.total, appliedAt: '2026-10-05T18:00:00Z' });
      await until(async () => (await h.call<InvoiceView>('invoices.get', { id: sept.id })).status === 'paid', 'paid in full');
      clock.set(new Date('2026-11-20T17:00:00Z'));
      const oct = await bill(f, '2026-10', '10.000');
      expect(oct.lines!.filter((l) => l.kind === 'surcharge')).toHaveLength(0);
      clock.set(new Date('2026-11-25T17:00:00Z')); // October's invoice is due 5 December
      const nov = await bill(f, '2026-11', '10.000');
      expect(nov.lines!.filter((l) => l.kind === 'surcharge')).toHaveLength(0);
    });
  });

  describe('final invoice at contract termination', () => {
    afterEach(async () => {
      h.get(Clock).set(null);
      await setTenantPolicy('daily');
    });
    const setTenantPolicy = (finalProration: 'daily' | 'none') =>
      h.call('settings.update', { rfc: 'EKU9003173C9', nombre: 'ESCUELA KEMPER URGATE', regimenFiscal: '601', lugarExpedicion: '76000', finalProration });
    const terminate = async (f: CustomerFixture, effectiveDate: string) => {
      await h.publish(CustomerEvents.contractTerminated.type, {
        contractId: f.contractId,
        contractNumber: 'C-final',
        tomaId: f.tomaId,
        tomaNumber: 'T-final',
        personId: f.personId,
        reason: 'baja voluntaria',
        effectiveDate,
        finalReadingRequested: true,
      });
      await until(async () => (await h.query(`SELECT 1 FROM billing.contracts WHERE id = $1 AND status = 'baja'`, [f.contractId])).length > 0, 'contract baja');
    };
    const line = (i: InvoiceView, kind: string) => i.lines!.find((l) => (l.source.row as { kind: string }).kind === kind);

    it("bills metering's final consumption for the days served (fixed charges prorated) and settles the open balance", async () => {
      const clock = h.get(Clock);
      const f = await seedContract(h);
      clock.set(new Date('2026-11-05T17:00:00Z'));
      const oct = await bill(f, '2026-10', '14.000'); // due 20 November: open, not yet past due
      expect(oct.final).toBe(false);
      // Metering's final billable consumption may arrive before customer's termination event: the marker suffices.
      clock.set(new Date('2026-11-18T17:00:00Z'));
      const end = '2026-11-18T06:00:00.000Z'; // end of 17 November in Mexico City: 17 of November's 30 days
      const fin = await bill(f, '2026-11', '12.000', { final: true, periodEnd: end });
      expect(fin.final).toBe(true);
      // 62.40 x 17 / 30 = 35.36; the per-m³ blocks are what was consumed.
      expect(line(fin, 'block-fixed')!.amount).toBe('35.36');
      expect(fin.lines!.filter((l) => (l.source.row as { kind: string }).kind === 'block').map((l) => l.amount)).toEqual(['98.50', '25.20']);
      expect(fin.finalSettlement).toEqual({
        endDate: '2026-11-17',
        servedDays: 17,
        periodDays: 30,
        proration: 'daily',
        openInvoices: [{ invoiceId: oct.id, serie: oct.serie, folio: oct.folio, dueDate: oct.dueDate, balance: oct.total }],
        openBalance: oct.total,
        amountDue: fixed(new Dec(fin.total).plus(oct.total), 2),
      });
      const issued = await h.query<{ data: { final: boolean } }>(`SELECT event->'data' AS data FROM billing.outbox WHERE type = 'billing.invoice.issued.v1' AND subject = $1`, [fin.id]);
      expect(issued[0].data.final).toBe(true);
      // The termination arriving afterwards adds no second invoice for the period.
      await terminate(f, '2026-11-17');
      expect(await h.query(`SELECT 1 FROM billing.invoices WHERE contract_id = $1 AND period = '2026-11'`, [f.contractId])).toHaveLength(1);
      const pdf = await h.call<{ contentType: string; base64: string }>('invoices.pdf', { id: fin.id });
      expect(Buffer.from(pdf.base64, 'base64').subarray(0, 5).toString('latin1')).toBe('%PDF-');
    });

    it('without the marker (older producer), the consumption of the period holding the end date of a baja is final; policy none bills fixed charges in full', async () => {
      await setTenantPolicy('none');
      const f = await seedContract(h);
      await terminate(f, '2026-11-10');
      const fin = await bill(f, '2026-11', '12.000');
      expect(fin.final).toBe(true);
      expect(line(fin, 'block-fixed')!.amount).toBe('62.40');
      expect(fin.finalSettlement).toMatchObject({ endDate: '2026-11-10', servedDays: 10, periodDays: 30, proration: 'none', openInvoices: [], openBalance: '0.00', amountDue: fin.total });
      // A period before the termination is a regular invoice.
      const oct = await bill(f, '2026-10', '12.000');
      expect(oct).toMatchObject({ final: false, finalSettlement: null });
    });

    it('issues the final invoice of an unmetered toma on the termination event: cuota fija for the days served', async () => {
      const f = await seedContract(h, { billingType: 'cuota_fija' });
      await terminate(f, '2026-11-10');
      const fin = await stampedInvoice(f.contractId, '2026-11');
      expect(fin.final).toBe(true);
      expect(fin.consumptionM3).toBeNull();
      // 210.00 x 10 / 30 = 70.00
      expect(line(fin, 'unmetered')!.amount).toBe('70.00');
      expect(fin.finalSettlement).toMatchObject({ endDate: '2026-11-10', servedDays: 10, periodDays: 30, proration: 'daily' });
    });

    it("credits on the estimated invoices what metering's final consumption says they over-billed (creditM3), once", async () => {
      const clock = h.get(Clock);
      const f = await seedContract(h);
      clock.set(new Date('2026-11-05T17:00:00Z'));
      const oct = await bill(f, '2026-10', '25.000', { estimated: true, provenance: { readingIds: [], rules: ['estimate:average_last_periods'], method: 'estimated', inputs: {} } });
      expect(oct.estimated).toBe(true);
      clock.set(new Date('2026-11-18T17:00:00Z'));
      // The final reading measured 12 m3 since the last real one: 25 were billed, 13 come back.
      const finalData = billable(f, '2026-11', '0.000', { final: true, periodEnd: '2026-11-18T06:00:00.000Z', adjustmentM3: '-12.000', creditM3: '13.000' });
      const fin = await bill(f, '2026-11', '0.000', finalData);
      expect(fin.final).toBe(true);
      const notes = async () => (await h.call<Page<InvoiceView>>('invoices.list', { kind: 'E', contractId: f.contractId })).data;
      const [note] = await until(async () => ((await notes()).length ? notes() : undefined), 'credit note');
      expect(note.relatedInvoiceId).toBe(oct.id);
      // Exactly October as billed minus October rated at 12 m3: 5 m3 of the 20-30 block and 8 of the 10-20 block, and what follows them.
      const at12 = rate(parseSchedule(demoSchedule), { tariffClass: 'domestica', consumptionM3: '12', date: '2026-10-01' });
      expect(note.subtotal).toBe(fixed(new Dec(oct.subtotal).minus(at12.totals.subtotal), 2));
      const full = await h.call<InvoiceView>('invoices.get', { id: note.id });
      expect(full.lines!.map((l) => l.amount)).toEqual(expect.arrayContaining(['86.75', '100.80']));
      expect(String(full.lines![0].source.reason)).toContain(`13.000 m3 de 2026-10 (consumo final ${finalData.billableId})`);
      // The same final consumption again (another event id) credits nothing twice.
      await h.publish(BILLABLE, finalData);
      await new Promise((r) => setTimeout(r, 500));
      expect(await notes()).toHaveLength(1);
    });

    describe('an unmetered toma terminated after its period was billed in full', () => {
      const billInFull = async (sector: string) => {
        const f = await seedContract(h, { billingType: 'cuota_fija', sector });
        const run = await h.call<{ id: string }>('bill-runs.start', { period: '2026-11', sector });
        await until(async () => (await h.call<{ status: string }>('bill-runs.get', { id: run.id })).status !== 'running', 'bill run');
        return { f, inv: await stampedInvoice(f.contractId, '2026-11') };
      };
      const creditNotesOf = async (invoiceId: string) =>
        (await h.call<Page<InvoiceView>>('invoices.list', { kind: 'E', size: 100 })).data.filter((n) => n.relatedInvoiceId === invoiceId);

      it('gets a credit note (CFDI E related 01) for the days not served under the daily policy, once', async () => {
        const { f, inv } = await billInFull('BAJA-DAILY');
        expect(inv).toMatchObject({ final: false, total: expect.any(String) });
        // Paid already: the credit is still owed (a balance in the customer's favour).
        await h.publish('payments.payment.applied.v1', { paymentId: '0190d0a0-0000-7000-8000-0000000000c1', invoiceId: inv.id, amount: inv.total, appliedAt: '2026-11-05T18:00:00Z' });
        await until(async () => (await h.call<InvoiceView>('invoices.get', { id: inv.id })).status === 'paid', 'paid');
        await terminate(f, '2026-11-10');
        const [note] = await until(async () => ((await creditNotesOf(inv.id)).length ? creditNotesOf(inv.id) : undefined), 'credit note');
        const full = await h.call<InvoiceView>('invoices.get', { id: note.id });
        // 210.00 x 20 / 30 = 140.00 back for the cuota fija, each line at its own tax treatment.
        expect(full.lines!.map((l) => [l.kind, l.amount])).toContainEqual(['credit', '140.00']);
        expect(full.lines!.every((l) => l.source.creditedInvoiceId === inv.id && String(l.source.reason).includes('20 de 30'))).toBe(true);
        const doc = parseCfdiXml((await h.call<{ xml: string }>('invoices.xml', { id: note.id })).xml);
        expect(doc.comprobante.TipoDeComprobante).toBe('E');
        expect(doc.cfdiRelacionados.map((r) => [r.TipoRelacion, r.uuids.map((u) => u.toLowerCase())])).toEqual([['01', [inv.uuid!.toLowerCase()]]]);
        expect(await h.query(`SELECT 1 FROM billing.invoices WHERE contract_id = $1 AND period = '2026-11' AND kind = 'I'`, [f.contractId])).toHaveLength(1);
        // A redelivered termination (another event id) credits nothing twice.
        await terminate(f, '2026-11-10');
        await new Promise((r) => setTimeout(r, 500));
        expect(await creditNotesOf(inv.id)).toHaveLength(1);
      });

      it('gets nothing back under the none policy', async () => {
        await setTenantPolicy('none');
        const { f, inv } = await billInFull('BAJA-NONE');
        await terminate(f, '2026-11-10');
        await new Promise((r) => setTimeout(r, 500));
        expect(await creditNotesOf(inv.id)).toEqual([]);
        expect(await h.query(`SELECT 1 FROM billing.invoices WHERE contract_id = $1`, [f.contractId])).toHaveLength(1);
      });
    });
  });
});

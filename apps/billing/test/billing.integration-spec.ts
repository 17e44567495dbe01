import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type { CancelInvoiceView, InvoiceView, InvoiceXmlView, Page, RateCheckView, TariffImportView, TariffVersionView } from '@supra/contracts';
import { findTenancyViolations } from '@supra/platform/database';
import { cadenaOriginal, parseCfdiXml, parseTfd, verifySello } from '../src/cfdi';
import { XsdSandbox, xsltCadenaCfdi } from '../src/cfdi/testing/sat-tools';
import { PacGateway } from '../src/stamping/pac-gateway';
import { BILLABLE, billable, demoSchedule, seedContract, setUpTenant, startBilling, until, type Harness } from './billing-harness';

jest.setTimeout(120_000);

describe('billing service', () => {
  let h: Harness;
  const sandbox = new XsdSandbox();

  beforeAll(async () => {
    h = await startBilling();
    await setUpTenant(h);
  });
  afterAll(async () => {
    await h?.close();
    sandbox.dispose();
  });

  const invoiceOf = async (contractId: string, period: string): Promise<InvoiceView | undefined> =>
    (await h.call<Page<InvoiceView>>('invoices.list', { contractId, period, kind: 'I' })).data[0];
  const stampedCount = async (invoiceId: string): Promise<number> =>
    Number((await h.query<{ n: string }>(`SELECT count(*) AS n FROM billing.outbox WHERE type = 'billing.invoice.stamped.v1' AND subject = $1`, [invoiceId]))[0].n);

  it('passes the tenancy catalog check (every table has tenant_id, forced RLS and a policy)', async () => {
    expect(await findTenancyViolations(h.rt.db.system, ['billing'])).toEqual([]);
  });

  it('imports a schedule, lists its version, refuses to change it once used, and rate-checks with row provenance', async () => {
    const again = await h.call<TariffImportView>('tariffs.import', { document: demoSchedule });
    expect(again.outcome).toBe('unchanged');
    const list = await h.call<Page<TariffVersionView>>('tariffs.list', {});
    expect(list.data.map((v) => [v.scheduleId, v.version])).toEqual([['demo-2026', 2]]);
    const check = await h.call<RateCheckView>('tariffs.rate-check', { tariffClass: 'domestica_popular', consumptionM3: '23.5', units: 1, date: '2026-11-20' });
    expect(check.tariffClass).toBe('domestica');
    expect(check.scheduleVersion).toBe(2);
    // 23.5 m3 with rounding above .50 -> 23 m3: blocks 0-10, 10-20, 20-30 plus the first block's fixed charge.
    expect(check.consumption.billedM3).toBe('23');
    const water = check.lines.filter((l) => l.conceptCode === 'agua');
    expect(water.map((l) => l.row.kind)).toEqual(expect.arrayContaining(['block', 'block-fixed']));
    expect(check.lines.every((l) => l.scheduleId === 'demo-2026' && l.scheduleVersion === 2)).toBe(true);
    await expect(h.call('tariffs.import', { document: { ...demoSchedule, classes: {} } })).rejects.toMatchObject({ code: 'BILLING.TARIFF_SCHEDULE_INVALID' });
    await expect(h.call('tariffs.rate-check', { tariffClass: 'domestica', consumptionM3: '5', date: '2031-01-01' })).rejects.toMatchObject({ code: 'BILLING.TARIFF_NOT_FOUND' });
  });

  it('turns a billable consumption event into an issued invoice, stamped through the PAC simulator; a redelivery adds nothing', async () => {
    const f = await seedContract(h);
    const data = billable(f, '2026-11', '23.500');
    const eventId = await h.publish(BILLABLE, data);
    const inv = await until(async () => {
      const i = await invoiceOf(f.contractId, '2026-11');
      return i?.status === 'stamped' ? i : undefined;
    }, 'stamped invoice');
    expect(inv.uuid).toMatch(/^[0-9a-f-]{36}$/);
    expect(inv.scheduleId).toBe('demo-2026');
    const full = await h.call<InvoiceView>('invoices.get', { id: inv.id });
    expect(full.lines!.length).toBeGreaterThan(2);
    expect(full.lines!.every((l) => l.source.scheduleId === 'demo-2026' && typeof l.source.row === 'object')).toBe(true);
    expect(full.lines!.find((l) => l.kind === 'water')!.source.billableId).toBe(data.billableId);

    // The CFDI: valid against the XSD, cadena equals SAT's XSLT, seal verifies, TFD present.
    const { xml, stamped } = await h.call<InvoiceXmlView>('invoices.xml', { id: inv.id });
    expect(stamped).toBe(true);
    const file = path.join(sandbox.dir, `${inv.id}.xml`);
    writeFileSync(file, xml, 'utf8');
    expect(sandbox.validate([file])).toMatchObject({ ok: true });
    const doc = parseCfdiXml(xml);
    expect(xsltCadenaCfdi(file)).toBe(cadenaOriginal(doc));
    expect(verifySello(cadenaOriginal(doc), doc.comprobante.Sello!, doc.comprobante.Certificado!)).toBe(true);
    expect(parseTfd(xml).UUID.toLowerCase()).toBe(inv.uuid);
    expect(doc.comprobante.Total).toBe(inv.total);
    expect(doc.receptor.Rfc).toBe('XOJI740919U48');

    // The same event again (same ce-id) and the same consumption under a new event id: still one invoice.
    await h.publish(BILLABLE, data, { id: eventId });
    await h.publish(BILLABLE, { ...data, billableId: data.billableId });
    await until(() => h.rt.server.stats.duplicates >= 1, 'the redelivery to reach the inbox');
    await new Promise((r) => setTimeout(r, 500));
    const all = await h.query(`SELECT id FROM billing.invoices WHERE contract_id = $1`, [f.contractId]);
    expect(all).toHaveLength(1);
    expect(await stampedCount(inv.id)).toBe(1);

    const pdf = await h.call<{ base64: string; contentType: string }>('invoices.pdf', { id: inv.id });
    expect(pdf.contentType).toBe('application/pdf');
    expect(Buffer.from(pdf.base64, 'base64').subarray(0, 5).toString('latin1')).toBe('%PDF-');
    const used = await h.call<Page<TariffVersionView>>('tariffs.list', {});
    expect(used.data[0].used).toBe(true);
    await expect(h.call('tariffs.import', { document: { ...demoSchedule, name: 'changed' } })).rejects.toMatchObject({ code: 'BILLING.TARIFF_VERSION_IN_USE' });
  });

  it('holds a bill above 3x the toma average in the review queue; approval issues it', async () => {
    const f = await seedContract(h);
    for (const [p, m3] of [['2026-07', '10.000'], ['2026-08', '12.000'], ['2026-09', '8.000']] as const) {
      await h.publish(BILLABLE, billable(f, p, m3));
    }
    await until(async () => (await h.query(`SELECT 1 FROM billing.invoices WHERE contract_id = $1`, [f.contractId])).length === 3, 'three normal invoices');
    await h.publish(BILLABLE, billable(f, '2026-10', '95.000'));
    const held = await until(async () => {
      const i = await invoiceOf(f.contractId, '2026-10');
      return i?.status === 'draft' ? i : undefined;
    }, 'held bill');
    expect(held.holdReasons).toEqual(['above_average']);
    expect(held.folio).toBeNull();
    const queue = await h.call<Page<InvoiceView>>('review.list', {});
    expect(queue.data.map((i) => i.id)).toContain(held.id);
    const approved = await h.call<InvoiceView>('review.approve', { id: held.id, note: 'leak confirmed' });
    expect(approved.status).toBe('issued');
    expect(approved.folio).not.toBeNull();
    await until(async () => (await h.call<InvoiceView>('invoices.get', { id: held.id })).status === 'stamped', 'approved bill stamped');
  });

  it('issues a credit note (CFDI E related 01) and lowers the balance', async () => {
    const f = await seedContract(h);
    await h.publish(BILLABLE, billable(f, '2026-11', '15.000'));
    const inv = await until(async () => {
      const i = await invoiceOf(f.contractId, '2026-11');
      return i?.status === 'stamped' ? i : undefined;
    }, 'stamped invoice');
    const note = await h.call<InvoiceView>('invoices.credit-note', { id: inv.id, reason: 'Bonificación por fuga', lines: [{ lineNo: 1, amount: '20.00' }] });
    expect(note.kind).toBe('E');
    expect(note.relatedInvoiceId).toBe(inv.id);
    const after = await h.call<InvoiceView>('invoices.get', { id: inv.id });
    expect(after.creditedAmount).toBe(note.total);
    await until(async () => (await h.call<InvoiceView>('invoices.get', { id: note.id })).status === 'stamped', 'credit note stamped');
    const { xml } = await h.call<InvoiceXmlView>('invoices.xml', { id: note.id });
    const doc = parseCfdiXml(xml);
    expect(doc.comprobante.TipoDeComprobante).toBe('E');
    expect(doc.cfdiRelacionados).toEqual([{ TipoRelacion: '01', uuids: [inv.uuid!.toUpperCase()] }].map((r) => ({ ...r, uuids: r.uuids.map((u) => expect.stringMatching(new RegExp(u, 'i'))) })));
    await expect(h.call('invoices.credit-note', { id: inv.id, reason: 'too much', lines: [{ lineNo: 1, amount: '99999.00' }] })).rejects.toMatchObject({
      code: 'BILLING.CREDIT_EXCEEDS_INVOICE',
    });
  });

  it('cancels with reason 01 and a substitute related 04; the period still has one live invoice', async () => {
    const f = await seedContract(h);
    await h.publish(BILLABLE, billable(f, '2026-11', '30.000'));
    const inv = await until(async () => {
      const i = await invoiceOf(f.contractId, '2026-11');
      return i?.status === 'stamped' ? i : undefined;
    }, 'stamped invoice');
    const res = await h.call<CancelInvoiceView>('invoices.cancel', { id: inv.id, reason: '01', substitution: { consumptionM3: '13.000' } });
    expect(res.invoice.status).toBe('cancelled');
    expect(res.invoice.cancelReason).toBe('01');
    expect(res.substitute!.status).toBe('stamped');
    expect(res.substitute!.substitutesId).toBe(inv.id);
    expect(res.invoice.substitutedById).toBe(res.substitute!.id);
    expect(res.substitute!.consumptionM3).toBe('13.000');
    const { xml } = await h.call<InvoiceXmlView>('invoices.xml', { id: res.substitute!.id });
    const rel = parseCfdiXml(xml).cfdiRelacionados;
    expect(rel[0].TipoRelacion).toBe('04');
    expect(rel[0].uuids[0].toLowerCase()).toBe(inv.uuid);
    const cancelled = await h.query(`SELECT 1 FROM billing.outbox WHERE type = 'billing.invoice.cancelled.v1' AND subject = $1`, [inv.id]);
    expect(cancelled).toHaveLength(1);
    await expect(h.call('invoices.cancel', { id: inv.id, reason: '02' })).rejects.toMatchObject({ code: 'BILLING.INVOICE_STATE_INVALID' });
  });

  it('when every PAC is down invoices wait in the queue and are stamped once when one returns', async () => {
    const sim = h.get(PacGateway).simulators[0];
    sim.setMode('unavailable');
    try {
      const fs = [await seedContract(h), await seedContract(h), await seedContract(h)];
      for (const f of fs) await h.publish(BILLABLE, billable(f, '2026-12', '11.000'));
      const ids = await until(async () => {
        const rows = await h.query<{ id: string; status: string }>(`SELECT id, status FROM billing.invoices WHERE contract_id = ANY($1::uuid[])`, [fs.map((f) => f.contractId)]);
        return rows.length === 3 ? rows : undefined;
      }, 'three issued invoices');
      await until(async () => (await h.query<{ attempts: number }>(`SELECT attempts FROM billing.stamp_queue WHERE invoice_id = $1`, [ids[0].id]))[0]?.attempts >= 2, 'failed attempts');
      const rows = await h.query<{ status: string }>(`SELECT status FROM billing.invoices WHERE id = ANY($1::uuid[])`, [ids.map((r) => r.id)]);
      expect(rows.every((r) => r.status === 'issued')).toBe(true);
      sim.setMode('up');
      await until(async () => {
        const r = await h.query<{ n: string }>(`SELECT count(*) AS n FROM billing.invoices WHERE id = ANY($1::uuid[]) AND status = 'stamped'`, [ids.map((r) => r.id)]);
        return Number(r[0].n) === 3;
      }, 'stamped after the outage', 60_000);
      for (const r of ids) expect(await stampedCount(r.id)).toBe(1);
      expect(await h.query(`SELECT 1 FROM billing.stamp_queue WHERE invoice_id = ANY($1::uuid[])`, [ids.map((r) => r.id)])).toHaveLength(0);
      const uuids = await h.query<{ uuid: string }>(`SELECT uuid FROM billing.invoices WHERE id = ANY($1::uuid[])`, [ids.map((r) => r.id)]);
      expect(new Set(uuids.map((u) => u.uuid)).size).toBe(3);
    } finally {
      sim.setMode('up');
    }
  });

  it('marks past-due invoices once with billing.invoice.past-due.v1 and applies payments', async () => {
    const f = await seedContract(h);
    await h.publish(BILLABLE, billable(f, '2026-10', '9.000'));
    const inv = await until(() => invoiceOf(f.contractId, '2026-10'), 'invoice');
    const farFuture = '2099-01-01';
    const first = await h.call<{ marked: number }>('invoices.mark-past-due', { asOf: farFuture });
    expect(first.marked).toBeGreaterThanOrEqual(1);
    expect((await h.call<{ marked: number }>('invoices.mark-past-due', { asOf: farFuture })).marked).toBe(0);
    expect(await h.query(`SELECT 1 FROM billing.outbox WHERE type = 'billing.invoice.past-due.v1' AND subject = $1`, [inv.id])).toHaveLength(1);
    const paymentId = '0190d0a0-0000-7000-8000-000000000001';
    const payment = { paymentId, invoiceId: inv.id, amount: '10.00', appliedAt: new Date().toISOString() };
    await h.publish('payments.payment.applied.v1', payment);
    await h.publish('payments.payment.applied.v1', payment);
    await until(async () => (await h.call<InvoiceView>('invoices.get', { id: inv.id })).paidAmount === '10.00', 'payment applied');
    await new Promise((r) => setTimeout(r, 300));
    const after = await h.call<InvoiceView>('invoices.get', { id: inv.id });
    expect(after.paidAmount).toBe('10.00');
    expect(after.status).toBe('partially_paid');
  });
});

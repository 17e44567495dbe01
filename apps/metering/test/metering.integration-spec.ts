import { randomUUID } from 'node:crypto';
import { createTestDatabase, testInfra, testNamespace, until, type TestDatabase } from '@supra/platform/testing';
import { bootstrapService, type ServiceRuntime } from '@supra/platform/runtime';
import { buildCloudEvent, encodeBinary, RpcClient, Subjects, toMsgHdrs } from '@supra/platform/messaging';
import { findTenancyViolations } from '@supra/platform/database';
import type { RequestContext } from '@supra/platform/tenancy';
import type { AnomalyView, BillableConsumptionView, ClosePeriodView, FinalReadingView, ImportReportView, MeterView, Page, ReadingView, ReplaceMeterView } from '@supra/contracts';
import { meteringService, type MeteringEnv } from '../src/service.definition';
import { ReadingsService } from '../src/readings/readings.service';

const TENANT = randomUUID();
const ctx: RequestContext = { tenantId: TENANT, tenantSlug: 'demo', userId: 'op-1', permissions: ['*'] };


describe('metering service', () => {
  let tdb: TestDatabase;
  let rt: ServiceRuntime<MeteringEnv>;
  let rpc: RpcClient;
  const ns = testNamespace();
  const call = <T>(op: string, payload: unknown) => rpc.request<T>('metering', op, payload, ctx);

  const publish = async (type: string, subject: string, data: unknown) => {
    const ce = buildCloudEvent('customer', { type, subject, data, tenantId: TENANT, tenantSlug: 'demo' });
    const msg = encodeBinary(ce);
    await rt.nats.js.publish(Subjects.event(ns, 'demo', type), msg.payload, { headers: toMsgHdrs(msg.headers), msgID: ce.id });
  };
  const outboxOf = (type: string) =>
    rt.db.withTenant(TENANT, async (em) => (await em.query(`SELECT event FROM metering.outbox WHERE type = $1 ORDER BY seq`, [type])) as Array<{ event: { data: Record<string, unknown> } }>);

  const toma = async (billingPeriod: 'mensual' | 'bimestral' = 'mensual') => {
    const tomaId = randomUUID();
    const contractId = randomUUID();
    await publish('customer.toma.created.v1', tomaId, {
      tomaId, tomaNumber: `T-${tomaId.slice(0, 6)}`, tomaType: 'domestica_media', status: 'activa', billingType: 'medido', unitsServed: 1, postalCode: '76000',
    });
    await publish('customer.contract.created.v1', contractId, {
      contractId, contractNumber: `C-${contractId.slice(0, 6)}`, tomaId, tomaNumber: 'T', personId: randomUUID(), status: 'activo',
      tariffCategory: 'domestica_media', billingPeriod, startDate: '2025-01-01',
    });
    await until(async () => {
      const r = await rt.db.withTenant(TENANT, (em) => em.query(`SELECT 1 FROM metering.contracts WHERE id = $1`, [contractId]) as Promise<unknown[]>);
      return r.length ? true : undefined;
    }, 'contract read model');
    return { tomaId, contractId };
  };
  let serialN = 0;
  const meterOn = (tomaId: string, initial = '0', installedAt = '2025-12-20T10:00:00Z', digits = 5) =>
    call<MeterView>('meters.create', { serial: `M-${ns}-${++serialN}`, meterType: 'volumetric', brand: 'Itron', diameterMm: 13, registerDigits: digits, tomaId, installedAt, initialRegisterM3: initial });

  /** Oct–Dec 2025 read and closed (31, 30, 31 m3): the history estimates use. Returns the last register. */
  const measuredQuarter = async (meterId: string): Promise<number> => {
    let value = 0;
    for (const [key, at, used] of [['2025-10', '2025-10-31T12:00:00Z', 31], ['2025-11', '2025-11-30T12:00:00Z', 30], ['2025-12', '2025-12-31T12:00:00Z', 31]] as const) {
      value += used;
      await call<ReadingView>('readings.record', { id: meterId, valueM3: String(value), readAt: at });
      await call('consumption.close-period', { period: key });
    }
    return value;
  };

  beforeAll(async () => {
    const infra = await testInfra();
    tdb = await createTestDatabase();
    rt = await bootstrapService(meteringService, {
      envOverrides: { DATABASE_URL: tdb.url, SUPRA_NAMESPACE: ns, NATS_URL: infra.natsUrl, HTTP_PORT: '0', LOG_LEVEL: 'warn' },
    });
    rpc = new RpcClient(rt.nats, ns);
  }, 60_000);

  afterAll(async () => {
    await rt?.close();
    await tdb?.drop();
  });

  it('has tenant_id and forced RLS on every table', async () => {
    expect(await rt.db.asSystem((em) => findTenancyViolations(em, ['metering']))).toEqual([]);
  });

  it('creates, installs and exchanges a meter, counting consumption across the exchange and a rollover', async () => {
    const { tomaId } = await toma();
    const m = await meterOn(tomaId, '99990', '2025-12-20T10:00:00Z', 5);
    expect(m).toMatchObject({ status: 'installed', tomaId, registerDigits: 5, lastReading: { valueM3: '99990.000' } });
    expect(await call<MeterView>('meters.get', { id: m.id })).toMatchObject({ serial: m.serial, brand: 'Itron' });
    await expect(call('meters.create', { serial: m.serial, meterType: 'smart' })).rejects.toMatchObject({ code: 'METERING.METER_SERIAL_TAKEN' });

    // Old meter rolls over 99990 -> 00005 (15 m3), then is exchanged at 00012 (7 more); the new one starts at 3 and reaches 10 (7).
    const r1 = await call<ReadingView>('readings.record', { id: m.id, valueM3: '5', readAt: '2026-01-10T10:00:00Z', reader: 'LECT-1' });
    expect(r1.consumptionM3).toBe('15.000');
    const ex = await call<ReplaceMeterView>('meters.replace', {
      id: m.id, replacedAt: '2026-01-15T10:00:00Z', finalReadingM3: '12', initialReadingM3: '3',
      newMeter: { serial: `N-${ns}`, meterType: 'smart', deviceEui: `EUI${serialN}`, registerDigits: 6 },
    });
    expect(ex.oldMeter.status).toBe('removed');
    expect(ex.newMeter).toMatchObject({ status: 'installed', tomaId, lastReading: { valueM3: '3.000' } });
    await call<ReadingView>('readings.record', { id: ex.newMeter.id, valueM3: '10', readAt: '2026-01-30T10:00:00Z' });

    const close = await call<ClosePeriodView>('consumption.close-period', { period: '2026-01' });
    expect(close.computed).toBeGreaterThanOrEqual(1);
    const billable = (await outboxOf('metering.consumption.billable.v1')).map((e) => e.event.data).find((d) => d.tomaId === tomaId);
    expect(billable).toMatchObject({ consumptionM3: '29.000', estimated: false, adjustmentM3: '0.000', period: '2026-01', provenance: { method: 'exchange' } });
    expect((billable?.provenance as { readingIds: string[] }).readingIds).toHaveLength(5);
    const installed = (await outboxOf('metering.meter.installed.v1')).map((e) => e.event.data);
    expect(installed.find((d) => d.meterId === ex.newMeter.id)).toMatchObject({ initialRegisterM3: '3.000', tomaId });
    const removed = (await outboxOf('metering.meter.removed.v1')).map((e) => e.event.data);
    expect(removed.find((d) => d.meterId === m.id)).toMatchObject({ finalRegisterM3: '12.000', replacedByMeterId: ex.newMeter.id });
    // Closing again emits nothing new.
    const again = await call<ClosePeriodView>('consumption.close-period', { period: '2026-01' });
    expect(again.computed).toBe(0);
    expect(again.alreadyClosed).toBeGreaterThanOrEqual(1);
  });

  it('flags a doubtful reading for review, and an operator edit is audited', async () => {
    const { tomaId } = await toma();
    const m = await meterOn(tomaId, '100');
    const ok = await call<ReadingView>('readings.record', { id: m.id, valueM3: '110', readAt: '2026-01-05T10:00:00Z', lat: 20.59, lng: -100.39, photoUrl: 'https://files.example.mx/p.jpg' });
    expect(ok.status).toBe('valid');
    // Going backwards beyond any plausible rollover: negative consumption -> rejected by VEE.
    const back = await call<ReadingView>('readings.record', { id: m.id, valueM3: '90', readAt: '2026-01-06T10:00:00Z' });
    expect(back.status).toBe('rejected');
    expect(back.flags.map((f) => f.rule)).toContain('negative_consumption');
    const doubtful = await call<ReadingView>('readings.record', { id: m.id, valueM3: '112', readAt: '2026-01-07T10:00:00Z', incidences: ['meter_damaged'] });
    expect(doubtful.status).toBe('flagged');
    const noAccess = await call<ReadingView>('readings.record', { id: m.id, readAt: '2026-01-08T10:00:00Z', incidences: ['no_access'] });
    expect(noAccess.valueM3).toBeNull();
    await expect(call('readings.record', { id: m.id, readAt: '2026-01-09T10:00:00Z' })).rejects.toMatchObject({ code: 'METERING.READING_VALUE_REQUIRED' });
    await expect(call('readings.record', { id: m.id, valueM3: 'abc' })).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });

    const queue = await call<Page<ReadingView>>('vee.review.list', {});
    expect(queue.data.map((r) => r.id)).toContain(doubtful.id);
    const edited = await call<ReadingView>('vee.review.edit', { id: doubtful.id, valueM3: '113.5', reason: 'Photo shows 113.5' });
    expect(edited).toMatchObject({ status: 'edited', valueM3: '113.500', consumptionM3: '3.500' });
    const svc = rt.app.get(ReadingsService);
    const trail = await rt.db.withTenant(ctx, () => svc.auditTrail(doubtful.id));
    expect(trail).toEqual([expect.objectContaining({ action: 'edit', oldValueM3: '112.000', newValueM3: '113.500', oldStatus: 'flagged', newStatus: 'edited', reason: 'Photo shows 113.5', userId: 'op-1' })]);
    await expect(call('vee.review.approve', { id: edited.id })).rejects.toMatchObject({ code: 'METERING.READING_NOT_REVIEWABLE' });
    const list = await call<Page<ReadingView>>('tomas.readings', { id: tomaId, size: '2' });
    expect(list.page.total).toBe(5);
    expect(list.data).toHaveLength(2);
  });

  it('imports a handheld CSV and reports rejected lines with their number and reason', async () => {
    const { tomaId } = await toma();
    const m = await meterOn(tomaId, '50');
    const csv = [
      'serial,read_at,value_m3,reader,incidence,lat,lng,photo_url',
      `${m.serial},2026-01-20T09:00:00Z,61.5,LECT-7,,20.5,-100.4,`,
      `NOPE-1,2026-01-20T09:00:00Z,10,LECT-7,,,,`,
      `${m.serial},yesterday,62,LECT-7,,,,`,
      '',
      `${m.serial},2026-01-21T09:00:00Z,,LECT-7,no_access,,,`,
      `${m.serial},2026-01-22T09:00:00Z,,LECT-7,,,,`,
      `${m.serial},2026-01-23T09:00:00Z,63,LECT-7,flooded,,,`,
    ].join('\n');
    const report = await call<ImportReportView>('readings.import', { csv, fileName: 'ruta-1.csv' });
    expect(report.totalLines).toBe(6);
    expect(report.accepted).toBe(2);
    expect(report.rejected.map((r) => [r.line, r.reason])).toEqual([
      [3, 'unknown meter serial NOPE-1'],
      [4, expect.stringContaining('read_at')],
      [7, expect.stringContaining('value_m3 is empty')],
      [8, expect.stringContaining('flooded')],
    ]);
    const readings = await call<Page<ReadingView>>('tomas.readings', { id: tomaId });
    expect(readings.data.find((r) => r.source === 'import' && r.valueM3 === '61.500')?.consumptionM3).toBe('11.500');
  });

  it('bills a bimonthly contract per bimester in the tenant\'s time zone, and leaves it out of monthly closes', async () => {
    const { tomaId, contractId } = await toma('bimestral');
    const m = await meterOn(tomaId, '0', '2025-12-31T18:00:00Z');
    await call<ReadingView>('readings.record', { id: m.id, valueM3: '59', readAt: '2026-02-28T18:00:00Z' });
    await call('consumption.close-period', { period: '2026-02' });
    const before = (await outboxOf('metering.consumption.billable.v1')).filter((e) => e.event.data.tomaId === tomaId);
    expect(before).toHaveLength(0);
    await call('consumption.close-period', { period: '2026-B1' });
    const [b1] = (await outboxOf('metering.consumption.billable.v1')).map((e) => e.event.data).filter((d) => d.tomaId === tomaId);
    expect(b1).toMatchObject({ contractId, period: '2026-B1', periodStart: '2026-01-01T06:00:00.000Z', periodEnd: '2026-03-01T06:00:00.000Z', consumptionM3: '59.000', estimated: false });
  });

  it('estimates a period without readings and settles the estimate when a real reading arrives', async () => {
    const { tomaId } = await toma();
    const m = await meterOn(tomaId, '0', '2025-09-30T12:00:00Z');
    // Three measured months of 30 m3-ish build history.
    const value = await measuredQuarter(m.id);
    // February: no reading. Estimated from the daily rate of the last three months (92 m3 / 92 days) x 28 days.
    await call('consumption.close-period', { period: '2026-01' }); // January also unread -> estimated 31
    await call('consumption.close-period', { period: '2026-02' });
    // March: a real reading 100 m3 after December's (Jan+Feb+Mar real) -> billed 100 - 31 - 28 = 41, adjustment -59.
    await call<ReadingView>('readings.record', { id: m.id, valueM3: String(value + 100), readAt: '2026-03-31T12:00:00Z' });
    await call('consumption.close-period', { period: '2026-03' });
    const mine = (await outboxOf('metering.consumption.billable.v1')).map((e) => e.event.data).filter((d) => d.tomaId === tomaId);
    const byPeriod = Object.fromEntries(mine.map((d) => [d.period, d]));
    expect(byPeriod['2025-11']).toMatchObject({ consumptionM3: '30.000', estimated: false });
    expect(byPeriod['2026-01']).toMatchObject({ consumptionM3: '31.000', estimated: true, provenance: { method: 'estimated' } });
    expect(byPeriod['2026-01'].provenance).toMatchObject({
      rules: ['estimate:average_last_periods'],
      inputs: { rule: 'average_last_periods', periods: '2025-10,2025-11,2025-12', totalM3: '92.000', totalDays: 92, skipped: [] },
    });
    expect(byPeriod['2026-02']).toMatchObject({ consumptionM3: '28.000', estimated: true });
    expect(byPeriod['2026-03']).toMatchObject({ consumptionM3: '41.000', estimated: false, adjustmentM3: '-59.000' });
    // Nothing lost: everything billed equals everything measured.
    const billed = mine.reduce((s, d) => s + Math.round(Number(d.consumptionM3) * 1000), 0);
    expect(billed).toBe((value + 100) * 1000);
    // The series shows the estimates where they were billed (estimated) and March less what they already showed.
    const series = await call<{ points: Array<{ bucket: string; consumptionM3: string; estimated: boolean }> }>('tomas.consumption', { id: tomaId, bucket: 'month', from: '2025-10-01T00:00:00Z', to: '2026-04-01T00:00:00Z' });
    expect(series.points.filter((p) => p.bucket >= '2025-11')).toEqual([
      { bucket: '2025-11', consumptionM3: '30.000', estimated: false },
      { bucket: '2025-12', consumptionM3: '31.000', estimated: false },
      { bucket: '2026-01', consumptionM3: '31.000', estimated: true },
      { bucket: '2026-02', consumptionM3: '28.000', estimated: true },
      { bucket: '2026-03', consumptionM3: '41.000', estimated: false },
    ]);
    const days = await call<{ points: Array<{ bucket: string; consumptionM3: string; estimated: boolean }> }>('tomas.consumption', { id: tomaId, bucket: 'day', from: '2026-02-01T06:00:00Z', to: '2026-02-03T06:00:00Z' });
    expect(days.points).toEqual([
      { bucket: '2026-02-01', consumptionM3: '1.000', estimated: true },
      { bucket: '2026-02-02', consumptionM3: '1.000', estimated: true },
    ]);
  });

  it('estimates from the same period last year when there is too little recent history, and records why', async () => {
    const { tomaId } = await toma();
    const m = await meterOn(tomaId, '0', '2025-02-28T12:00:00Z');
    // One real period only (March 2025: 62 m3 over 31 days): the average of recent periods needs two.
    await call<ReadingView>('readings.record', { id: m.id, valueM3: '62', readAt: '2025-03-31T12:00:00Z' });
    await call('consumption.close-period', { period: '2025-03' });
    await call('consumption.close-period', { period: '2026-03' });
    const mine = (await outboxOf('metering.consumption.billable.v1')).map((e) => e.event.data).filter((d) => d.tomaId === tomaId);
    const est = mine.find((d) => d.period === '2026-03');
    expect(est).toMatchObject({
      consumptionM3: '62.000',
      estimated: true,
      provenance: {
        method: 'estimated',
        rules: ['estimate:same_period_last_year', 'estimate:average_last_periods:skip'],
        inputs: { rule: 'same_period_last_year', lastYearPeriod: '2025-03', lastYearM3: '62.000', lastYearDays: 31, skipped: [{ method: 'average_last_periods', reason: expect.stringContaining('1 real period') }] },
      },
    });
  });

  it('gives back to the ended contract what its estimates billed beyond the final reading (creditM3), not to the next holder', async () => {
    const { tomaId, contractId } = await toma();
    const m = await meterOn(tomaId, '0', '2025-09-30T12:00:00Z');
    const value = await measuredQuarter(m.id);
    await call('consumption.close-period', { period: '2026-01' }); // unread: estimated 31 m3
    await publish('customer.contract.terminated.v1', contractId, { contractId, contractNumber: 'C-1', tomaId, tomaNumber: 'T-1', personId: randomUUID(), reason: 'baja voluntaria', effectiveDate: '2026-02-05', finalReadingRequested: true });
    const pending = await until(async () => (await call<Page<FinalReadingView>>('final-readings.list', { status: 'pending' })).data.find((f) => f.contractId === contractId), 'pending final reading');
    // Only 5 m3 used since December: the estimate billed 26 m3 that were never consumed.
    const recorded = await call<FinalReadingView>('final-readings.record', { id: pending.id, valueM3: String(value + 5), readAt: '2026-02-06T15:00:00Z' });
    // So low against its history that VEE flags it; approved, it completes the final reading.
    const [low] = await rt.db.withTenant(TENANT, (em) => em.query(`SELECT id, status FROM metering.readings WHERE toma_id = $1 ORDER BY read_at DESC LIMIT 1`, [tomaId]) as Promise<Array<{ id: string; status: string }>>);
    expect([recorded.status, low.status]).toEqual(['pending', 'flagged']);
    await call('vee.review.approve', { id: low.id, note: 'Casa deshabitada' });
    const done = await until(async () => (await call<Page<FinalReadingView>>('final-readings.list', { status: 'completed' })).data.find((f) => f.id === pending.id), 'final reading completed');
    const mine = (await outboxOf('metering.consumption.billable.v1')).map((e) => e.event.data).filter((d) => d.tomaId === tomaId);
    expect(mine.find((d) => d.period === '2026-01')).toMatchObject({ estimated: true, consumptionM3: '31.000' });
    const fin = mine.find((d) => d.final === true);
    expect(fin).toMatchObject({ billableId: done.billableId, consumptionM3: '0.000', adjustmentM3: '-5.000', creditM3: '26.000', provenance: { inputs: { unsettledPoolM3: '26.000', creditM3: '26.000' } } });
    // Nothing is left in the toma's pool for whoever holds it next.
    const [cursor] = await rt.db.withTenant(TENANT, (em) => em.query(`SELECT pool_m3 FROM metering.consumption_cursors WHERE toma_id = $1`, [tomaId]) as Promise<Array<{ pool_m3: string }>>);
    expect(cursor.pool_m3).toBe('0.000');
    // Regular periods carry no credit field: older consumers see the event unchanged.
    expect(mine.filter((d) => d.final !== true).every((d) => !('creditM3' in d))).toBe(true);
  });

  it('asks for a final reading at termination, and the field reader\'s reading emits the final billable consumption', async () => {
    const { tomaId, contractId } = await toma();
    const m = await meterOn(tomaId, '0', '2025-12-20T10:00:00Z');
    await call<ReadingView>('readings.record', { id: m.id, valueM3: '30', readAt: '2026-01-31T12:00:00Z' });
    await call('consumption.close-period', { period: '2026-01' });
    const terminated = { contractId, contractNumber: 'C-1', tomaId, tomaNumber: 'T-1', personId: randomUUID(), reason: 'baja voluntaria', effectiveDate: '2026-02-10', finalReadingRequested: true };
    await publish('customer.contract.terminated.v1', contractId, terminated);
    // No reading on the effective day: the request waits for a field reader.
    const pending = await until(async () => (await call<Page<FinalReadingView>>('final-readings.list', { status: 'pending' })).data.find((f) => f.contractId === contractId), 'pending final reading');
    expect(pending).toMatchObject({ tomaId, effectiveDate: '2026-02-10', terminatesAt: '2026-02-11T06:00:00.000Z', readingId: null, billableId: null });
    await publish('customer.contract.terminated.v1', contractId, terminated); // redelivered under another id: still one request
    // A new holder's contract on the same toma waits for the old one's final reading before it is closed.
    const next = randomUUID();
    await publish('customer.contract.created.v1', next, {
      contractId: next, contractNumber: 'C-2', tomaId, tomaNumber: 'T-1', personId: randomUUID(), status: 'activo', tariffCategory: 'domestica_media', billingPeriod: 'mensual', startDate: '2026-02-11',
    });
    await until(async () => ((await rt.db.withTenant(TENANT, (em) => em.query(`SELECT 1 FROM metering.contracts WHERE id = $1`, [next]) as Promise<unknown[]>)).length ? true : undefined), 'new contract');
    const early = await call<ClosePeriodView>('consumption.close-period', { period: '2026-02' });
    expect(early.skipped).toContainEqual({ tomaId, reason: `final reading of contract ${contractId} is pending` });
    const done = await call<FinalReadingView>('final-readings.record', { id: pending.id, valueM3: '42', readAt: '2026-02-11T15:00:00Z', reader: 'LECT-9' });
    expect(done).toMatchObject({ status: 'completed', readingId: expect.any(String), billableId: expect.any(String) });
    await expect(call('final-readings.record', { id: pending.id, valueM3: '43', readAt: '2026-02-12T15:00:00Z' })).rejects.toMatchObject({ code: 'METERING.FINAL_READING_COMPLETED' });
    await expect(call('final-readings.record', { id: randomUUID(), valueM3: '1' })).rejects.toMatchObject({ code: 'METERING.FINAL_READING_NOT_FOUND' });

    const mine = (await outboxOf('metering.consumption.billable.v1')).map((e) => e.event.data).filter((d) => d.tomaId === tomaId);
    const finals = mine.filter((d) => d.final === true);
    expect(finals).toHaveLength(1);
    expect(finals[0]).toMatchObject({
      billableId: done.billableId, contractId, period: '2026-02', periodStart: '2026-02-01T06:00:00.000Z', periodEnd: '2026-02-11T06:00:00.000Z',
      consumptionM3: '12.000', estimated: false, adjustmentM3: '0.000',
      provenance: { method: 'difference', readingIds: [expect.any(String), done.readingId], inputs: { finalReadingId: done.readingId, unsettledPoolM3: '0.000' } },
    });
    expect(mine.find((d) => d.period === '2026-01')?.final).toBeUndefined();
    // The ended contract is not closed again with the period; the new holder's is, from the final reading on.
    await call<ReadingView>('readings.record', { id: m.id, valueM3: '50', readAt: '2026-02-27T15:00:00Z' });
    await call('consumption.close-period', { period: '2026-02' });
    const after = (await outboxOf('metering.consumption.billable.v1')).map((e) => e.event.data).filter((d) => d.tomaId === tomaId);
    expect(after).toHaveLength(3);
    expect(after[2]).toMatchObject({ contractId: next, period: '2026-02', consumptionM3: '8.000', provenance: { readingIds: [done.readingId, expect.any(String)] } });
    const list = await call<Page<FinalReadingView>>('final-readings.list', { status: 'completed' });
    expect(list.data.find((f) => f.id === pending.id)?.billableId).toBe(done.billableId);
    const billables = await call<Page<BillableConsumptionView>>('tomas.billable', { id: tomaId });
    expect(billables.data.map((b) => [b.period, b.final, b.consumptionM3])).toEqual([['2026-02', true, '12.000'], ['2026-02', false, '8.000'], ['2026-01', false, '30.000']]);
    expect(billables.data[0]).toMatchObject({ id: done.billableId, contractId, periodEnd: '2026-02-11T06:00:00.000Z', method: 'difference' });
  });

  it('estimates the days served when no final reading can be taken, on an operator\'s decision', async () => {
    const { tomaId, contractId } = await toma();
    const m = await meterOn(tomaId, '0', '2025-10-31T12:00:00Z');
    await call<ReadingView>('readings.record', { id: m.id, valueM3: '30', readAt: '2025-11-30T12:00:00Z' });
    await call('consumption.close-period', { period: '2025-11' });
    await call<ReadingView>('readings.record', { id: m.id, valueM3: '61', readAt: '2025-12-31T12:00:00Z' });
    await call('consumption.close-period', { period: '2025-12' });
    await publish('customer.contract.terminated.v1', contractId, {
      contractId, contractNumber: 'C-3', tomaId, tomaNumber: 'T-3', personId: randomUUID(), reason: 'baja por demolición', effectiveDate: '2026-01-15', finalReadingRequested: true,
    });
    const pending = await until(async () => (await call<Page<FinalReadingView>>('final-readings.list', {})).data.find((f) => f.contractId === contractId), 'pending final reading');
    await expect(call('final-readings.estimate', { id: pending.id, reason: 'no' })).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    const done = await call<FinalReadingView>('final-readings.estimate', { id: pending.id, reason: 'Meter removed with the building' });
    expect(done).toMatchObject({ status: 'completed', estimated: true, readingId: null, billableId: expect.any(String) });
    await expect(call('final-readings.estimate', { id: pending.id, reason: 'again please' })).rejects.toMatchObject({ code: 'METERING.FINAL_READING_COMPLETED' });
    const final = (await outboxOf('metering.consumption.billable.v1')).map((e) => e.event.data).find((d) => d.tomaId === tomaId && d.final === true);
    // 1 m3 a day over the last two real months, for the 15 days served in January.
    expect(final).toMatchObject({
      billableId: done.billableId, contractId, period: '2026-01', periodEnd: '2026-01-16T06:00:00.000Z', consumptionM3: '15.000', estimated: true,
      provenance: { method: 'estimated', rules: ['estimate:average_last_periods'], inputs: { days: 15, totalM3: '61.000', totalDays: 61, reason: 'Meter removed with the building', poolAfterM3: '15.000' } },
    });
  });

  it('turns daily summaries into smart readings and reports a leak with its evidence', async () => {
    const { tomaId } = await toma();
    const m = await call<MeterView>('meters.create', { serial: `SIM-${ns}`, meterType: 'smart', tomaId, installedAt: '2026-01-01T06:00:00Z', initialRegisterM3: '10' });
    const summary = async (day: string, first: number, last: number, lastTs = `${day}T23:45:00Z`, revision = 1) => {
      const ce = buildCloudEvent('ingestion', {
        type: 'ingestion.meter-day.summarized.v1', subject: m.serial, tenantId: TENANT, tenantSlug: 'demo',
        data: {
          meterId: m.serial, day, timeZone: 'America/Mexico_City', revision, firstTs: `${day}T06:15:00Z`, lastTs,
          firstRegisterM3: first.toFixed(3), lastRegisterM3: last.toFixed(3), consumptionM3: (last - first).toFixed(3), minNightFlowLps: '0.010', alarms: [], readings: 96, gaps: 0, flaggedReadings: 0,
        },
      });
      const msg = encodeBinary(ce);
      await rt.nats.js.publish(Subjects.event(ns, 'demo', ce.type), msg.payload, { headers: toMsgHdrs(msg.headers), msgID: ce.id });
    };
    let reg = 10;
    for (const day of ['2026-01-02', '2026-01-03', '2026-01-04']) {
      await summary(day, reg, reg + 0.5);
      reg += 0.5;
    }
    // Smart VEE: a register that went backwards is rejected; a day summarised with a last reading two days later is outside its window.
    await summary('2026-01-05', reg, reg - 0.2);
    await summary('2026-01-06', reg, reg + 0.4, '2026-01-08T12:00:00Z');
    const smart = await until(async () => {
      const page = await call<Page<ReadingView>>('tomas.readings', { id: tomaId });
      return page.data.filter((r) => r.source === 'smart').length === 5 ? page.data : undefined;
    }, 'five smart readings');
    const byDay = (iso: string) => smart.find((r) => r.readAt.startsWith(iso));
    expect(byDay('2026-01-04')).toMatchObject({ status: 'valid', consumptionM3: '0.500', flags: [] });
    expect(byDay('2026-01-05')).toMatchObject({ status: 'rejected', flags: [expect.objectContaining({ rule: 'negative_consumption', severity: 'reject' })] });
    expect(byDay('2026-01-08')).toMatchObject({ status: 'rejected', flags: [expect.objectContaining({ rule: 'reading_window', message: 'Reading taken after its window' })] });
    // A late reading makes ingestion publish revision 2 of 2026-01-06 (now inside its day): the day's one smart reading moves in place.
    await summary('2026-01-06', reg, reg + 0.4, '2026-01-06T23:50:00Z', 2);
    const revised = await until(async () => {
      const page = await call<Page<ReadingView>>('tomas.readings', { id: tomaId });
      const r = page.data.find((x) => x.id === byDay('2026-01-08')?.id);
      return r?.status === 'valid' ? page.data : undefined;
    }, 'revision 2 applied');
    expect(revised.filter((r) => r.source === 'smart')).toHaveLength(5);
    expect(revised.find((x) => x.id === byDay('2026-01-08')?.id)).toMatchObject({ readAt: '2026-01-06T23:50:00.000Z', consumptionM3: '0.400', flags: [] });
    const leak = await until(async () => (await outboxOf('metering.anomaly.detected.v1')).map((e) => e.event.data).find((d) => d.meterId === m.id), 'leak anomaly');
    expect(leak).toMatchObject({ kind: 'leak', tomaId, evidence: { thresholdLps: '0.003', nights: [{ day: '2026-01-02' }, { day: '2026-01-03' }, { day: '2026-01-04' }] } });
    const anomalies = await call<Page<AnomalyView>>('tomas.anomalies', { id: tomaId });
    // Newest first; the leak goes on being reported each day the night flow lasts.
    expect(anomalies.data.filter((x) => x.kind === 'leak').map((x) => x.day)).toEqual(['2026-01-06', '2026-01-05', '2026-01-04']);
    expect(anomalies.data.find((x) => x.id === leak.anomalyId)).toMatchObject({ kind: 'leak', meterId: m.id, day: '2026-01-04', evidence: { requiredNights: 3 } });
    // The register going back on 2026-01-05 is reverse flow, with the day's figure as evidence.
    expect(anomalies.data.find((x) => x.kind === 'reverse_flow')).toMatchObject({ day: '2026-01-05', evidence: { consumptionM3: '-0.200' } });
    await call('consumption.close-period', { period: '2026-01' });
    const billable = (await outboxOf('metering.consumption.billable.v1')).map((e) => e.event.data).find((d) => d.tomaId === tomaId);
    // Three days of 0.5 and the revised 6th (0.4); the rejected 5th (register going back) is left out of the chain.
    expect(billable).toMatchObject({ consumptionM3: '1.900', estimated: false, provenance: { method: 'daily_summaries' } });
    // The provenance carries the smart rules that judged the last reading.
    expect((billable?.provenance as { rules: string[] }).rules).toEqual(
      expect.arrayContaining(['reading_window:pass', 'negative_consumption:pass', 'zero_on_occupied:pass', 'high_vs_history:skip', 'spike:skip', 'stopped_meter:skip']),
    );
  });
});

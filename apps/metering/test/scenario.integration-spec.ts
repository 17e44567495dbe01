import { randomUUID } from 'node:crypto';
import { createTestDatabase, testInfra, testNamespace, until, type TestDatabase } from '@supra/platform/testing';
import { bootstrapService, type ServiceRuntime } from '@supra/platform/runtime';
import { buildCloudEvent, encodeBinary, RpcClient, Streams, Subjects, toMsgHdrs } from '@supra/platform/messaging';
import type { RequestContext } from '@supra/platform/tenancy';
import type { BillableConsumptionData, FinalReadingView, MeterView, Page, ReadingView } from '@supra/contracts';
import { meteringService, type MeteringEnv } from '../src/service.definition';
import { Clock } from '../src/shared/clock';

/**
 * Scenarios on a fake clock (the service's Clock pinned per step), against real PostgreSQL and NATS: what
 * billing receives is read back from the METERING stream, not from the outbox.
 */
const TENANT = randomUUID();
const SLUG = 'demo';
const ctx: RequestContext = { tenantId: TENANT, tenantSlug: SLUG, userId: 'op-7', permissions: ['*'] };


const milli = (m3: string) => Math.round(Number(m3) * 1000);

describe('metering scenarios (fake clock, real PostgreSQL and NATS JetStream)', () => {
  let tdb: TestDatabase;
  let rt: ServiceRuntime<MeteringEnv>;
  let rpc: RpcClient;
  let clock: Clock;
  const ns = testNamespace();
  const call = <T>(op: string, payload: unknown) => rpc.request<T>('metering', op, payload, ctx);
  const at = (iso: string) => clock.set(new Date(iso));

  const publish = async (source: string, type: string, subject: string, data: unknown) => {
    const ce = buildCloudEvent(source, { type, subject, data, tenantId: TENANT, tenantSlug: SLUG });
    const msg = encodeBinary(ce);
    await rt.nats.js.publish(Subjects.event(ns, SLUG, type), msg.payload, { headers: toMsgHdrs(msg.headers), msgID: ce.id });
  };

  /** Every billable consumption of the toma that reached the METERING stream, in stream order. */
  const billableOnStream = async (tomaId: string): Promise<BillableConsumptionData[]> => {
    const consumer = await rt.nats.js.consumers.get(Streams.forContext(ns, 'metering'), { filter_subjects: Subjects.event(ns, SLUG, 'metering.consumption.billable.v1') });
    const out: BillableConsumptionData[] = [];
    const info = await consumer.info(true);
    if (info.num_pending === 0) return out;
    const batch = await consumer.fetch({ max_messages: info.num_pending, expires: 2000 });
    for await (const m of batch) {
      const d = m.json<BillableConsumptionData>();
      if (d.tomaId === tomaId) out.push(d);
      if (m.info.pending === 0) break;
    }
    return out;
  };
  const waitForBillable = (tomaId: string, n: number) =>
    until(async () => {
      const list = await billableOnStream(tomaId);
      return list.length >= n ? list : undefined;
    }, `${n} billable consumptions of ${tomaId} on JetStream`);

  const toma = async (tomaType = 'domestica_media') => {
    const tomaId = randomUUID();
    const contractId = randomUUID();
    await publish('customer', 'customer.toma.created.v1', tomaId, {
      tomaId, tomaNumber: `T-${tomaId.slice(0, 6)}`, tomaType, status: 'activa', billingType: 'medido', unitsServed: 1, postalCode: '76000',
    });
    await publish('customer', 'customer.contract.created.v1', contractId, {
      contractId, contractNumber: `C-${contractId.slice(0, 6)}`, tomaId, tomaNumber: 'T', personId: randomUUID(), status: 'activo',
      tariffCategory: tomaType, billingPeriod: 'mensual', startDate: '2025-01-01',
    });
    await until(async () => {
      const r = await rt.db.withTenant(TENANT, (em) => em.query(`SELECT 1 FROM metering.contracts WHERE id = $1`, [contractId]) as Promise<unknown[]>);
      return r.length ? true : undefined;
    }, 'contract read model');
    return { tomaId, contractId };
  };

  beforeAll(async () => {
    const infra = await testInfra();
    tdb = await createTestDatabase();
    rt = await bootstrapService(meteringService, {
      envOverrides: { DATABASE_URL: tdb.url, SUPRA_NAMESPACE: ns, NATS_URL: infra.natsUrl, HTTP_PORT: '0', LOG_LEVEL: 'warn' },
    });
    rpc = new RpcClient(rt.nats, ns);
    clock = rt.app.get(Clock);
  }, 60_000);

  afterAll(async () => {
    clock?.set(null);
    await rt?.close();
    await tdb?.drop();
  });

  it('walks a toma through seven months: VEE, an estimate settled by the next real reading, a flagged reading approved late', async () => {
    const { tomaId, contractId } = await toma();
    at('2025-12-28T17:00:00Z');
    const meter = await call<MeterView>('meters.create', { serial: `SC-${ns}`, meterType: 'volumetric', registerDigits: 5, tomaId, initialRegisterM3: '0' });
    expect(meter.installedAt).toBe('2025-12-28T17:00:00.000Z');
    const read = (valueM3?: string, incidences?: string[]) => call<ReadingView>('readings.record', { id: meter.id, valueM3, incidences, reader: 'LECT-3' });
    const close = (period: string) => call('consumption.close-period', { period });

    // Jan–Mar: one reading at each month end (readAt comes from the pinned clock), about 1 m3 a day.
    at('2026-01-31T17:00:00Z');
    expect(await read('34')).toMatchObject({ status: 'valid', consumptionM3: '34.000', readAt: '2026-01-31T17:00:00.000Z' });
    await close('2026-01');
    at('2026-02-28T17:00:00Z');
    expect((await read('62')).status).toBe('valid');
    await close('2026-02');
    at('2026-03-31T17:00:00Z');
    expect((await read('93')).status).toBe('valid');
    await close('2026-03');
    // April: the reader finds no access; the period is estimated from the last three real months (93 m3 / 93 days x 30).
    at('2026-04-30T17:00:00Z');
    expect((await read(undefined, ['no_access'])).valueM3).toBeNull();
    await close('2026-04');
    // May: a real reading measures April and May together (61 m3): the estimate is settled, nothing billed twice.
    at('2026-05-31T17:00:00Z');
    expect((await read('154')).status).toBe('valid');
    await close('2026-05');
    // June: 300 m3 in a month is far above the toma's history: VEE flags it, so June is estimated meanwhile.
    at('2026-06-30T17:00:00Z');
    const high = await read('454');
    expect(high.status).toBe('flagged');
    expect(high.flags.map((f) => f.rule)).toEqual(['high_vs_history']);
    await close('2026-06');
    // July: an operator confirms June's reading (a real leak, photo checked); July bills what was measured less June's estimate.
    at('2026-07-02T15:00:00Z');
    expect((await call<ReadingView>('vee.review.approve', { id: high.id, note: 'Leak confirmed on site' })).status).toBe('approved');
    at('2026-07-31T17:00:00Z');
    await close('2026-07');
    expect(await close('2026-07')).toMatchObject({ computed: 0, alreadyClosed: 1 });

    const events = await waitForBillable(tomaId, 7);
    expect(events).toHaveLength(7);
    const by = Object.fromEntries(events.map((e) => [e.period, e]));
    expect(events.map((e) => e.period)).toEqual(['2026-01', '2026-02', '2026-03', '2026-04', '2026-05', '2026-06', '2026-07']);
    expect(events.every((e) => e.contractId === contractId && e.final === undefined)).toBe(true);
    expect(by['2026-01']).toMatchObject({ consumptionM3: '34.000', estimated: false, adjustmentM3: '0.000' });
    // Two months of history are too few to judge March against; the rules that ran are in the provenance.
    expect(by['2026-03']).toMatchObject({ consumptionM3: '31.000', estimated: false, provenance: { rules: expect.arrayContaining(['high_vs_history:skip', 'spike:pass']) } });
    expect(by['2026-04']).toMatchObject({
      consumptionM3: '30.000', estimated: true,
      provenance: { method: 'estimated', readingIds: [], rules: ['estimate:average_last_periods'], inputs: { periods: '2026-01,2026-02,2026-03', totalM3: '93.000', totalDays: 93 } },
    });
    expect(by['2026-05']).toMatchObject({ consumptionM3: '31.000', estimated: false, adjustmentM3: '-30.000', provenance: { inputs: { measuredM3: '61.000', poolBeforeM3: '30.000', poolAfterM3: '0.000' } } });
    // June's estimate: the daily rate of February, March and April–May together (a settled span counts its own days).
    expect(by['2026-06']).toMatchObject({ consumptionM3: '30.000', estimated: true, provenance: { inputs: { periods: '2026-02,2026-03,2026-05', totalM3: '120.000', totalDays: 120 } } });
    expect(by['2026-07']).toMatchObject({ consumptionM3: '270.000', estimated: false, adjustmentM3: '-30.000', provenance: { readingIds: [expect.any(String), high.id], inputs: { measuredM3: '300.000' } } });
    // The estimation pool loses nothing: everything billed equals everything measured.
    expect(events.reduce((s, e) => s + milli(e.consumptionM3), 0)).toBe(milli('454'));
  });

  it('terminates a smart-metered contract mid-day: the final reading waits for the day\'s summary, then the final consumption is emitted', async () => {
    const { tomaId, contractId } = await toma();
    at('2026-03-01T07:00:00Z');
    const meter = await call<MeterView>('meters.create', { serial: `SIM-${ns}`, meterType: 'smart', tomaId, initialRegisterM3: '100' });
    const summary = async (day: string, first: number, last: number) =>
      publish('ingestion', 'ingestion.meter-day.summarized.v1', meter.serial, {
        meterId: meter.serial, day, timeZone: 'America/Mexico_City', revision: 1, firstTs: `${day}T07:00:00Z`, lastTs: `${day}T23:30:00Z`,
        firstRegisterM3: first.toFixed(3), lastRegisterM3: last.toFixed(3), consumptionM3: (last - first).toFixed(3), minNightFlowLps: '0.000', alarms: [], readings: 96, gaps: 0, flaggedReadings: 0,
      });
    const smartCount = async (n: number) =>
      until(async () => ((await call<Page<ReadingView>>('tomas.readings', { id: tomaId })).data.filter((r) => r.source === 'smart').length >= n ? true : undefined), `${n} smart readings`);
    let reg = 100;
    for (const day of ['2026-03-01', '2026-03-02', '2026-03-03', '2026-03-04']) {
      at(`${day}T23:59:00Z`);
      await summary(day, reg, reg + 0.6);
      reg += 0.6;
      await smartCount(Number(day.slice(-2)));
    }
    // The customer processes the baja at noon on its effective day: no summary of that day yet.
    at('2026-03-05T18:00:00Z');
    await publish('customer', 'customer.contract.terminated.v1', contractId, {
      contractId, contractNumber: 'C-9', tomaId, tomaNumber: 'T-9', personId: randomUUID(), reason: 'baja por cambio de domicilio', effectiveDate: '2026-03-05', finalReadingRequested: true,
    });
    const pending = await until(async () => (await call<Page<FinalReadingView>>('final-readings.list', {})).data.find((f) => f.contractId === contractId), 'pending final reading');
    expect(pending).toMatchObject({ status: 'pending', terminatesAt: '2026-03-06T06:00:00.000Z', requestedAt: '2026-03-05T18:00:00.000Z' });
    expect(await billableOnStream(tomaId)).toEqual([]);

    // After midnight the day's summary arrives: its smart reading (17:30 local on the effective day) is the final reading.
    at('2026-03-06T07:10:00Z');
    await summary('2026-03-05', reg, reg + 0.4);
    const [final] = await waitForBillable(tomaId, 1);
    expect(final).toMatchObject({
      contractId, tomaId, meterId: meter.id, final: true, period: '2026-03', periodStart: '2026-03-01T06:00:00.000Z', periodEnd: '2026-03-06T06:00:00.000Z',
      consumptionM3: '2.800', estimated: false, adjustmentM3: '0.000', provenance: { method: 'daily_summaries' },
    });
    const done = (await call<Page<FinalReadingView>>('final-readings.list', { status: 'completed' })).data.find((f) => f.contractId === contractId);
    expect(done).toMatchObject({ status: 'completed', billableId: final.billableId, completedAt: '2026-03-06T07:10:00.000Z' });
    expect((final.provenance.inputs as { finalReadingId: string }).finalReadingId).toBe(done?.readingId);
  });

  it('changes the holder mid-period: the old contract bills up to the final reading, the new one the rest of the same period', async () => {
    const { tomaId, contractId } = await toma();
    at('2026-02-28T16:00:00Z');
    const meter = await call<MeterView>('meters.create', { serial: `HC-${ns}`, meterType: 'volumetric', tomaId, initialRegisterM3: '500' });
    // The reader takes the final reading the morning of the change; the customer records the change that afternoon.
    at('2026-03-10T15:00:00Z');
    await call<ReadingView>('readings.record', { id: meter.id, valueM3: '509', reader: 'LECT-5' });
    at('2026-03-10T21:00:00Z');
    const newContractId = randomUUID();
    await publish('customer', 'customer.contract.terminated.v1', contractId, {
      contractId, contractNumber: 'C-OLD', tomaId, tomaNumber: 'T', personId: randomUUID(), reason: 'cambio de titular', effectiveDate: '2026-03-10', finalReadingRequested: true, holderChange: 'cambio_titular',
    });
    await publish('customer', 'customer.contract.created.v1', newContractId, {
      contractId: newContractId, contractNumber: 'C-NEW', tomaId, tomaNumber: 'T', personId: randomUUID(), status: 'activo', tariffCategory: 'domestica_media', billingPeriod: 'mensual', startDate: '2026-03-10',
    });
    const [final] = await waitForBillable(tomaId, 1);
    expect(final).toMatchObject({ contractId, final: true, period: '2026-03', periodEnd: '2026-03-11T06:00:00.000Z', consumptionM3: '9.000' });
    at('2026-03-31T16:00:00Z');
    await call<ReadingView>('readings.record', { id: meter.id, valueM3: '530' });
    await until(async () => {
      const r = await rt.db.withTenant(TENANT, (em) => em.query(`SELECT 1 FROM metering.contracts WHERE id = $1`, [newContractId]) as Promise<unknown[]>);
      return r.length ? true : undefined;
    }, 'new contract');
    await call('consumption.close-period', { period: '2026-03' });
    const events = await waitForBillable(tomaId, 2);
    expect(events[1]).toMatchObject({ contractId: newContractId, period: '2026-03', consumptionM3: '21.000', estimated: false });
    expect(events[1].final).toBeUndefined();
    expect(events[1].provenance.readingIds[0]).toBe(final.provenance.readingIds[final.provenance.readingIds.length - 1]);
  });

  it('follows the tenant\'s estimation order and estimates a new toma from its class average', async () => {
    expect(await call('settings.get', {})).toEqual({ estimationOrder: ['average_last_periods', 'same_period_last_year', 'class_average'], timeZone: 'America/Mexico_City' });
    await expect(call('settings.update', { timeZone: 'Mars/Olympus' })).rejects.toMatchObject({ code: 'METERING.INVALID_SETTINGS' });
    await expect(call('settings.update', { estimationOrder: ['guess'] })).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    expect(await call('settings.update', { estimationOrder: ['class_average', 'average_last_periods'] })).toEqual({
      estimationOrder: ['class_average', 'average_last_periods'],
      timeZone: 'America/Mexico_City',
    });
    // Three commercial tomas measured 2 m3 a day in January; a fourth, just connected, has no history at all.
    at('2025-12-31T17:00:00Z');
    const peers = await Promise.all([toma('comercial'), toma('comercial'), toma('comercial')]);
    const meters = [];
    for (const p of peers) meters.push(await call<MeterView>('meters.create', { serial: `CO-${p.tomaId.slice(0, 8)}`, meterType: 'volumetric', tomaId: p.tomaId, initialRegisterM3: '0' }));
    const fresh = await toma('comercial');
    await call<MeterView>('meters.create', { serial: `CO-${fresh.tomaId.slice(0, 8)}`, meterType: 'volumetric', tomaId: fresh.tomaId, initialRegisterM3: '0' });
    at('2026-01-31T17:00:00Z');
    for (const m of meters) await call<ReadingView>('readings.record', { id: m.id, valueM3: '62' });
    await call('consumption.close-period', { period: '2026-01' });
    await call('consumption.close-period', { period: '2026-02' });
    const events = await waitForBillable(fresh.tomaId, 1);
    expect(events.map((e) => e.period)).toEqual(['2026-02']); // January: nothing measured and no class yet to estimate from
    expect(events[0]).toMatchObject({
      consumptionM3: '56.000',
      estimated: true,
      provenance: { rules: ['estimate:class_average'], inputs: { rule: 'class_average', classAverageDailyM3: '2.000000', days: 28, order: ['class_average', 'average_last_periods'] } },
    });
  });
});

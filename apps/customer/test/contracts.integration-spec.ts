import { Streams, Subjects } from '@supra/platform/messaging';
import { until } from '@supra/platform/testing';
import { startCustomer, address, type CustomerHarness } from './support';

describe('customer tomas and contracts (RPC, real PostgreSQL and NATS)', () => {
  let h: CustomerHarness;
  let holder: { id: string };
  let other: { id: string };

  beforeAll(async () => {
    h = await startCustomer();
    holder = await h.call('persons.create', { personType: 'fisica', name: 'Ana Titular' });
    other = await h.call('persons.create', { personType: 'fisica', name: 'Beto Nuevo' });
  }, 60_000);
  afterAll(async () => h?.close());

  const newToma = (over: Record<string, unknown> = {}) =>
    h.call('tomas.create', { tomaType: 'domestica_media', billingType: 'medido', address: address(), ...over });

  /** The last event of a type for this tenant, read back from the CUSTOMER stream. */
  const lastInStream = (type: string) =>
    until(async () => {
      try {
        const m = await h.rt.nats.jsm.streams.getMessage(Streams.forContext(h.ns, 'customer'), { last_by_subj: Subjects.event(h.ns, 'tenant-a', type) });
        return m ? { headers: m.header, data: m.json<any>() } : undefined;
      } catch {
        return undefined;
      }
    }, `${type} in the stream`, 10_000, 100);

  const outboxTypes = async (subject: string) =>
    ((await h.rt.db.system.query(`SELECT type FROM customer.outbox WHERE subject = $1 ORDER BY seq`, [subject])) as Array<{ type: string }>).map((r) => r.type);

  it('registers tomas with per-tenant numbers, validates them, and emits toma.created', async () => {
    const t = await newToma({ sector: 'S-01', route: 'R-001', latitude: 20.59, longitude: -100.39, unitsServed: 3, address: address({ colonia: 'Jardines de la Hacienda', postalCode: '76180' }) });
    expect(t).toMatchObject({ tomaNumber: 'T-000001', status: 'pendiente_alta', unitsServed: 3, latitude: 20.59, address: { postalCode: '76180' } });
    expect(await h.call('tomas.get', { id: t.id })).toEqual(t);
    const inB = await h.call('tomas.create', { tomaType: 'comercial', billingType: 'cuota_fija', address: address() }, h.tenantB);
    expect(inB.tomaNumber).toBe('T-000001');
    expect(await outboxTypes(t.id)).toEqual(['customer.toma.created.v1']);

    const dup = await h.fail('tomas.create', { tomaNumber: 'T-000001', tomaType: 'comercial', billingType: 'medido', address: address() });
    expect(dup).toMatchObject({ status: 409, code: 'CUSTOMER.TOMA_NUMBER_EXISTS' });
    const bad = await h.fail('tomas.create', { tomaType: 'domestica', billingType: 'por_ojo', latitude: 200, address: address({ postalCode: '1' }) });
    expect(bad.errors?.map((e) => e.field)).toEqual(expect.arrayContaining(['tomaType', 'billingType', 'latitude']));
    const cp = await h.fail('tomas.create', { tomaType: 'comercial', billingType: 'medido', address: address({ postalCode: '18000' }) });
    expect(cp.errors).toEqual([expect.objectContaining({ field: 'address.postalCode', code: 'POSTAL_CODE_RANGE' })]);
    expect(await h.fail('tomas.get', { id: '01939e3c-0000-7000-8000-000000000000' })).toMatchObject({ status: 404, code: 'CUSTOMER.TOMA_NOT_FOUND' });
  });

  it('updates a toma and emits toma.updated with the previous status', async () => {
    const t = await newToma();
    const u = await h.call('tomas.update', { id: t.id, status: 'restringida', route: 'R-009', address: address({ street: 'Calle Hidalgo' }) });
    expect(u).toMatchObject({ status: 'restringida', route: 'R-009', address: { street: 'Calle Hidalgo' } });
    const ev = await lastInStream('customer.toma.updated.v1');
    expect(ev.data).toMatchObject({ tomaId: t.id, status: 'restringida', previousStatus: 'pendiente_alta', changed: ['status', 'route', 'address'] });
    expect(ev.headers.get('ce-type')).toBe('customer.toma.updated.v1');
  });

  it('lists tomas with filters and pagination', async () => {
    for (let i = 0; i < 3; i++) await newToma({ tomaType: 'industrial', sector: 'S-77', address: address({ street: 'Parque Industrial Benito Juárez' }) });
    const p1 = await h.call('tomas.list', { tomaType: 'industrial', sector: 'S-77', page: '1', size: '2' });
    expect(p1.page).toEqual({ number: 1, size: 2, total: 3 });
    expect(p1.data).toHaveLength(2);
    const p2 = await h.call('tomas.list', { tomaType: 'industrial', sector: 'S-77', page: '2', size: '2' });
    expect(p2.data).toHaveLength(1);
    expect(new Set([...p1.data, ...p2.data].map((t: { id: string }) => t.id)).size).toBe(3);
    const byStreet = await h.call('tomas.list', { q: 'benito juarez' });
    expect(byStreet.page.total).toBe(3);
    expect(await h.fail('tomas.list', { size: '1000' })).toMatchObject({ status: 422 });
  });

  it('contracts a toma, refuses a second active contract with 409, and activates the toma', async () => {
    const t = await newToma();
    const c = await h.call('contracts.create', { tomaId: t.id, personId: holder.id, startDate: '2026-01-15' });
    expect(c).toMatchObject({ status: 'activo', tomaNumber: t.tomaNumber, tariffCategory: 'domestica_media', billingPeriod: 'mensual', startDate: '2026-01-15' });
    expect(c.contractNumber).toMatch(/^C-\d{6}$/);
    expect((await h.call('tomas.get', { id: t.id })).status).toBe('activa');
    const e = await h.fail('contracts.create', { tomaId: t.id, personId: other.id });
    expect(e).toMatchObject({ status: 409, code: 'CUSTOMER.CONTRACT_ACTIVE_EXISTS' });
    expect(await h.fail('contracts.create', { tomaId: t.id, personId: '01939e3c-0000-7000-8000-000000000000' })).toMatchObject({ code: 'CUSTOMER.PERSON_NOT_FOUND' });
    const created = await lastInStream('customer.contract.created.v1');
    expect(created.data).toMatchObject({ contractId: c.id, tomaId: t.id, personId: holder.id });
  });

  it('numbers 20 concurrent altas without gaps or duplicates, and the partial unique index holds', async () => {
    const tomas = await Promise.all(Array.from({ length: 20 }, () => newToma()));
    const [{ next }] = await h.rt.db.system.query(`SELECT next FROM customer.counters WHERE tenant_id = $1 AND name = 'contract'`, [h.tenantA.tenantId]);
    const results = await Promise.all(tomas.map((t) => h.call('contracts.create', { tomaId: t.id, personId: holder.id })));
    const numbers = results.map((c) => Number(c.contractNumber.slice(2))).sort((a, b) => a - b);
    expect(numbers).toEqual(Array.from({ length: 20 }, (_, i) => Number(next) + i));

    // Concurrent altas of the same toma: exactly one wins, the rest get the 409, no number is lost.
    const t = await newToma();
    const race = await Promise.allSettled(Array.from({ length: 5 }, () => h.call('contracts.create', { tomaId: t.id, personId: other.id })));
    expect(race.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(race.filter((r) => r.status === 'rejected').map((r) => (r as PromiseRejectedResult).reason.code)).toEqual(Array(4).fill('CUSTOMER.CONTRACT_ACTIVE_EXISTS'));
    const winner = (race.find((r) => r.status === 'fulfilled') as PromiseFulfilledResult<{ contractNumber: string }>).value;
    expect(Number(winner.contractNumber.slice(2))).toBe(Number(next) + 20);

    // Even a write that skips the service's check is stopped by the index.
    await expect(
      h.rt.db.withTenant(h.tenantA.tenantId, (em) =>
        em.query(
          `INSERT INTO customer.contracts (id, tenant_id, contract_number, toma_id, person_id, status, tariff_category, billing_period, payment_method, start_date)
           VALUES (gen_random_uuid(), $1, 'C-X', $2, $3, 'activo', 'domestica_media', 'mensual', 'ventanilla', '2026-01-01')`,
          [h.tenantA.tenantId, t.id, holder.id],
        ),
      ),
    ).rejects.toThrow(/contracts_one_active_per_toma/);
  });

  it('terminates a contract (baja): final reading requested in the event, toma to baja, second baja refused', async () => {
    const t = await newToma();
    const c = await h.call('contracts.create', { tomaId: t.id, personId: holder.id, startDate: '2026-01-01' });
    const e1 = await h.fail('contracts.terminate', { id: c.id, reason: 'x', effectiveDate: '2025-12-31' });
    expect(e1.errors).toEqual([expect.objectContaining({ field: 'effectiveDate', code: 'BEFORE_CONTRACT_START' })]);
    const done = await h.call('contracts.terminate', { id: c.id, reason: 'Solicitud del titular', effectiveDate: '2026-11-20' });
    expect(done).toMatchObject({ status: 'baja', endDate: '2026-11-20', terminationReason: 'Solicitud del titular' });
    expect((await h.call('tomas.get', { id: t.id })).status).toBe('baja');
    const ev = await lastInStream('customer.contract.terminated.v1');
    expect(ev.data).toEqual({
      contractId: c.id,
      contractNumber: c.contractNumber,
      tomaId: t.id,
      tomaNumber: t.tomaNumber,
      personId: holder.id,
      reason: 'Solicitud del titular',
      effectiveDate: '2026-11-20',
      finalReadingRequested: true,
    });
    expect(ev.headers.get('ce-subject')).toBe(c.id);
    expect(await h.fail('contracts.terminate', { id: c.id, reason: 'otra vez' })).toMatchObject({ status: 409, code: 'CUSTOMER.CONTRACT_NOT_ACTIVE' });
    // The toma can be contracted again after the baja.
    expect(await h.call('contracts.create', { tomaId: t.id, personId: other.id })).toMatchObject({ status: 'activo' });
  });

  it('changes the holder with debt transfer: old ends, new starts, the flag and amount travel in the event', async () => {
    const t = await newToma();
    const c = await h.call('contracts.create', { tomaId: t.id, personId: holder.id, billingPeriod: 'bimestral', startDate: '2025-03-01' });
    expect(await h.fail('contracts.change-holder', { id: c.id, newPersonId: holder.id, transferDebt: false })).toMatchObject({
      status: 422,
      errors: [expect.objectContaining({ code: 'HOLDER_UNCHANGED' })],
    });
    expect(await h.fail('contracts.change-holder', { id: c.id, newPersonId: other.id, transferDebt: false, debtAmount: '10.00' })).toMatchObject({ status: 422 });
    expect(await h.fail('contracts.change-holder', { id: c.id, newPersonId: other.id, transferDebt: true, debtAmount: 10.5 })).toMatchObject({ status: 422 });

    const r = await h.call('contracts.change-holder', { id: c.id, newPersonId: other.id, kind: 'subrogacion', transferDebt: true, debtAmount: '1250.50', effectiveDate: '2026-11-01' });
    expect(r.previous).toMatchObject({ id: c.id, status: 'baja', endDate: '2026-11-01' });
    expect(r.current).toMatchObject({ personId: other.id, status: 'activo', billingPeriod: 'bimestral', startDate: '2026-11-01', previousContractId: c.id });
    expect(r.current.contractNumber).not.toBe(c.contractNumber);
    expect(r).toMatchObject({ kind: 'subrogacion', transferDebt: true, debtAmount: '1250.50' });

    const ev = await lastInStream('customer.contract.holder-changed.v1');
    expect(ev.data).toMatchObject({ kind: 'subrogacion', previousContractId: c.id, contractId: r.current.id, previousPersonId: holder.id, newPersonId: other.id, transferDebt: true, debtAmount: '1250.50' });
    expect(await outboxTypes(c.id)).toEqual(['customer.contract.created.v1', 'customer.contract.terminated.v1']);
    const [row] = await h.rt.db.system.query(`SELECT debt_amount::text AS amount, transfer_debt FROM customer.holder_changes WHERE from_contract_id = $1`, [c.id]);
    expect(row).toEqual({ amount: '1250.50', transfer_debt: true });
    expect((await h.call('tomas.get', { id: t.id })).status).toBe('activa');
  });

  it('suspends and reactivates, updates terms, lists and finds contracts', async () => {
    const t = await newToma();
    const c = await h.call('contracts.create', { tomaId: t.id, personId: other.id });
    const s = await h.call('contracts.suspend', { id: c.id, reason: 'Ausencia temporal' });
    expect(s).toMatchObject({ status: 'suspendido', suspensionReason: 'Ausencia temporal' });
    expect((await h.call('tomas.get', { id: t.id })).status).toBe('suspendida');
    expect((await lastInStream('customer.contract.suspended.v1')).data).toMatchObject({ contractId: c.id, reason: 'Ausencia temporal' });
    expect(await h.fail('contracts.suspend', { id: c.id, reason: 'de nuevo' })).toMatchObject({ code: 'CUSTOMER.CONTRACT_NOT_ACTIVE' });
    // A suspended contract still holds the toma.
    expect(await h.fail('contracts.create', { tomaId: t.id, personId: holder.id })).toMatchObject({ code: 'CUSTOMER.CONTRACT_ACTIVE_EXISTS' });
    expect(await h.call('contracts.reactivate', { id: c.id })).toMatchObject({ status: 'activo', suspensionReason: null });
    expect(await h.fail('contracts.reactivate', { id: c.id })).toMatchObject({ code: 'CUSTOMER.CONTRACT_NOT_SUSPENDED' });

    const u = await h.call('contracts.update', { id: c.id, paymentMethod: 'domiciliacion', tariffCategory: 'comercial' });
    expect(u).toMatchObject({ paymentMethod: 'domiciliacion', tariffCategory: 'comercial' });
    expect(await h.fail('contracts.update', { id: c.id, paymentMethod: 'trueque' })).toMatchObject({ status: 422 });

    const list = await h.call('contracts.list', { personId: other.id, status: 'activo', size: '500' });
    expect(list.data.map((x: { id: string }) => x.id)).toContain(c.id);
    expect(list.data.every((x: { personId: string; status: string }) => x.personId === other.id && x.status === 'activo')).toBe(true);
    expect((await h.call('contracts.list', { q: c.contractNumber })).data).toEqual([expect.objectContaining({ id: c.id })]);
    expect(await h.call('contracts.get', { id: c.id })).toMatchObject({ id: c.id, tomaNumber: t.tomaNumber });
    expect(await h.fail('contracts.get', { id: '01939e3c-0000-7000-8000-000000000000' })).toMatchObject({ status: 404, code: 'CUSTOMER.CONTRACT_NOT_FOUND' });
  });
});

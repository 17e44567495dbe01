import { validateCurp, validateRfc } from '@supra/domain/mexico';
import { ServiceDatabase } from '@supra/platform/database';
import { createTestDatabase } from '@supra/platform/testing';
import { addBusinessDays } from '../src/arco/business-days';
import { localDate } from '../src/shared/clock';
import { seedCustomerDemo } from '../src/seed/demo-seed';
import { customerEntities, customerService } from '../src/service.definition';
import { address, startCustomer, type CustomerHarness } from './support';

describe('customer ARCO requests and demo seed', () => {
  let h: CustomerHarness;
  beforeAll(async () => {
    h = await startCustomer();
  }, 60_000);
  afterAll(async () => h?.close());

  it('records an access request with its 20-business-day deadline and the holder data export', async () => {
    const p = await h.call('persons.create', { personType: 'fisica', name: 'Lucía Datos', email: 'lucia@example.mx' });
    const t = await h.call('tomas.create', { tomaType: 'domestica_popular', billingType: 'medido', address: address() });
    await h.call('contracts.create', { tomaId: t.id, personId: p.id });
    const r = await h.call('arco.create', { personId: p.id, right: 'acceso', description: 'Copia de mis datos', channel: 'ventanilla', receivedAt: '2026-11-06T16:00:00Z' });
    expect(r).toMatchObject({ folio: 'ARCO-000001', status: 'recibida', dueDate: '2026-12-07', receivedAt: '2026-11-06T16:00:00.000Z' });
    expect(r.export.person).toMatchObject({ id: p.id, email: 'lucia@example.mx' });
    expect(r.export.contracts).toEqual([expect.objectContaining({ tomaId: t.id })]);
    expect(r.export.tomas).toEqual([expect.objectContaining({ id: t.id })]);
    expect(await h.call('arco.get', { id: r.id })).toEqual(r);
    const [row] = await h.rt.db.system.query(`SELECT event FROM customer.outbox WHERE type = 'customer.arco-request.received.v1' AND subject = $1`, [r.id]);
    expect(row.event.data).toMatchObject({ folio: 'ARCO-000001', right: 'acceso', dueDate: '2026-12-07' });
  });

  it('moves requests through their states, refuses invalid moves, lists overdue ones', async () => {
    const p = await h.call('persons.create', { personType: 'fisica', name: 'Mario Oposición' });
    const old = await h.call('arco.create', { personId: p.id, right: 'oposicion', description: 'No deseo publicidad', receivedAt: '2026-01-05T12:00:00Z' });
    expect(old.overdue).toBe(true);
    expect(old.export).toBeNull();
    const fresh = await h.call('arco.create', { personId: p.id, right: 'rectificacion', description: 'Mi nombre está mal' });
    expect(fresh.dueDate).toBe(addBusinessDays(localDate(new Date()), 20));
    expect(fresh.overdue).toBe(false);
    const overdue = await h.call('arco.list', { overdue: 'true', personId: p.id });
    expect(overdue.data.map((x: { id: string }) => x.id)).toEqual([old.id]);

    expect(await h.fail('arco.update', { id: fresh.id, status: 'atendida' })).toMatchObject({ status: 409, code: 'CUSTOMER.ARCO_TRANSITION_INVALID' });
    expect(await h.call('arco.update', { id: fresh.id, status: 'procedente', resolution: 'Se corrige el nombre' })).toMatchObject({ status: 'procedente', resolvedAt: null });
    expect(await h.call('arco.update', { id: fresh.id, status: 'atendida' })).toMatchObject({ status: 'atendida', resolvedAt: expect.any(String) });
    expect(await h.fail('arco.create', { personId: p.id, right: 'borrar', description: 'x' })).toMatchObject({ status: 422 });
    expect(await h.fail('arco.get', { id: '01939e3c-0000-7000-8000-000000000000' })).toMatchObject({ status: 404, code: 'CUSTOMER.ARCO_REQUEST_NOT_FOUND' });
  });

  it('seeds demo data with valid identifiers, through the outbox, idempotently', async () => {
    const tenant = { id: h.tenantB.tenantId, slug: 'demo2' };
    const first = await seedCustomerDemo(h.rt.db, tenant, { persons: 60, tomas: 80, contracts: 70 });
    expect(first.inserted).toEqual({ persons: 60, tomas: 80, contracts: 70 });
    const again = await seedCustomerDemo(h.rt.db, tenant, { persons: 60, tomas: 80, contracts: 70 });
    expect(again.inserted).toEqual({ persons: 0, tomas: 0, contracts: 0 });

    const persons = (await h.rt.db.system.query(`SELECT person_type, rfc, curp FROM customer.persons WHERE tenant_id = $1`, [tenant.id])) as Array<{ person_type: 'fisica' | 'moral'; rfc: string; curp: string | null }>;
    expect(persons).toHaveLength(60);
    for (const p of persons) {
      expect(validateRfc(p.rfc)).toMatchObject({ valid: true, kind: p.person_type });
      if (p.curp) expect(validateCurp(p.curp).valid).toBe(true);
    }
    const [events] = await h.rt.db.system.query(
      `SELECT count(*) FILTER (WHERE type = 'customer.person.created.v1')::int AS persons, count(*) FILTER (WHERE type = 'customer.toma.created.v1')::int AS tomas,
              count(*) FILTER (WHERE type = 'customer.contract.created.v1')::int AS contracts FROM customer.outbox WHERE tenant_id = $1`,
      [tenant.id],
    );
    expect(events).toEqual({ persons: 60, tomas: 80, contracts: 70 });

    // The counters continue after the seeded numbers.
    const toma = await h.call('tomas.create', { tomaType: 'comercial', billingType: 'medido', address: address() }, h.tenantB);
    expect(toma.tomaNumber).toBe('T-000081');
    const free = await h.call('tomas.list', { status: 'pendiente_alta', size: '1' }, h.tenantB);
    const person = (await h.call('persons.list', { size: '1' }, h.tenantB)).data[0];
    expect((await h.call('contracts.create', { tomaId: free.data[0].id, personId: person.id }, h.tenantB)).contractNumber).toBe('C-000071');
  }, 60_000);
});

describe('customer migrations', () => {
  it('go down and up again', async () => {
    const database = await createTestDatabase('customer_mig');
    const db = new ServiceDatabase({ url: database.url, schema: 'customer', entities: customerEntities, migrations: customerService.migrations });
    try {
      expect(await db.migrate()).toEqual(['Messaging1763900000000', 'CustomerCore1763900100000']);
      await db.revert(2);
      await db.connect();
      const tables = async () =>
        ((await db.system.query(`SELECT table_name FROM information_schema.tables WHERE table_schema = 'customer' ORDER BY 1`)) as Array<{ table_name: string }>).map((r) => r.table_name);
      expect(await tables()).toEqual(['migrations']);
      expect(await db.migrate()).toEqual(['Messaging1763900000000', 'CustomerCore1763900100000']);
      expect(await tables()).toEqual(expect.arrayContaining(['persons', 'tomas', 'contracts', 'counters', 'arco_requests', 'outbox', 'inbox']));
    } finally {
      await db.close();
      await database.drop();
    }
  }, 60_000);
});

import { findTenancyViolations } from '@supra/platform/database';
import { generateFisica, generateMoral, prng } from '../src/seed/mexican-identities';
import { startCustomer, type CustomerHarness } from './support';

const breakCheckDigit = (id: string): string => id.slice(0, -1) + (id.endsWith('1') ? '2' : '1');

describe('customer persons (RPC, real PostgreSQL and NATS)', () => {
  let h: CustomerHarness;
  const rnd = prng(2026);

  beforeAll(async () => {
    h = await startCustomer();
  }, 60_000);
  afterAll(async () => h?.close());

  const outbox = async (type: string, subject: string) =>
    (await h.rt.db.system.query(`SELECT event FROM customer.outbox WHERE type = $1 AND subject = $2`, [type, subject])) as Array<{ event: { data: any; tenantid: string } }>;

  it('creates a física with RFC, CURP, fiscal data, consented channels and a vulnerability, and emits person.created', async () => {
    const f = generateFisica(rnd);
    const p = await h.call('persons.create', {
      personType: 'fisica',
      name: f.name,
      firstName: f.firstName,
      lastNamePaterno: f.lastNamePaterno,
      lastNameMaterno: f.lastNameMaterno,
      rfc: f.rfc.toLowerCase(),
      curp: f.curp,
      regimenFiscal: '605',
      usoCfdi: 'S01',
      postalCode: '76000',
      email: 'Maria@Example.mx',
      contactChannels: [{ kind: 'whatsapp', value: '442 765 4321', consent: true }],
      privacyNotice: { version: '2025-01', acceptedAt: '2026-11-01T10:00:00Z' },
      vulnerabilities: [{ kind: 'adulto_mayor', evidence: 'INAPAM 123456', validFrom: '2025-01-01' }],
    });
    expect(p).toMatchObject({ personType: 'fisica', rfc: f.rfc, curp: f.curp, email: 'maria@example.mx', phone: '+524427654321', privacyNoticeVersion: '2025-01', vulnerable: true });
    expect(p.contactChannels).toEqual(
      expect.arrayContaining([expect.objectContaining({ kind: 'whatsapp', value: '+524427654321', consent: true, consentAt: expect.any(String) })]),
    );
    const [row] = await outbox('customer.person.created.v1', p.id);
    expect(row.event.tenantid).toBe(h.tenantA.tenantId);
    expect(row.event.data).toMatchObject({ personId: p.id, rfc: f.rfc, regimenFiscal: '605', vulnerabilities: ['adulto_mayor'] });
    expect(row.event.data).not.toHaveProperty('email');
    expect(await h.call('persons.get', { id: p.id })).toEqual(p);
  });

  it('accepts the minimal body and a moral with its regime', async () => {
    const p = await h.call('persons.create', { personType: 'fisica', name: 'Público en General', rfc: 'XAXX010101000' });
    expect(p).toMatchObject({ rfc: 'XAXX010101000', curp: null, vulnerable: false });
    const m = generateMoral(rnd);
    const mp = await h.call('persons.create', { personType: 'moral', name: m.name, rfc: m.rfc, regimenFiscal: '601', usoCfdi: 'G03', phone: '+52 (442) 111 2233' });
    expect(mp).toMatchObject({ personType: 'moral', rfc: m.rfc, phone: '+524421112233' });
  });

  it('answers 422 with field codes for identifiers, catalogs and structure', async () => {
    const f = generateFisica(rnd);
    let e = await h.fail('persons.create', { personType: 'fisica', name: 'X', rfc: breakCheckDigit(f.rfc), curp: breakCheckDigit(f.curp) });
    expect(e).toMatchObject({ status: 422, code: 'VALIDATION_FAILED' });
    expect(e.errors?.map((x) => `${x.field}:${x.code}`)).toEqual(['rfc:RFC_CHECK_DIGIT', 'curp:CURP_CHECK_DIGIT']);

    e = await h.fail('persons.create', { personType: 'moral', name: 'X', regimenFiscal: '605', usoCfdi: 'D01', postalCode: '00123' });
    expect(e.errors?.map((x) => x.code)).toEqual(['REGIMEN_FISCAL_PERSON_TYPE', 'USO_CFDI_PERSON_TYPE', 'POSTAL_CODE_RANGE']);

    e = await h.fail('persons.create', { personType: 'empresa', email: 'not-an-email', extra: 1 });
    expect(e.status).toBe(422);
    const fields = e.errors?.map((x) => x.field) ?? [];
    expect(fields).toEqual(expect.arrayContaining(['personType', 'name', 'email', 'extra']));

    e = await h.fail('persons.create', { personType: 'fisica', name: 'X', contactChannels: [{ kind: 'email', value: 'a@b.mx', consent: true }] });
    expect(e.errors).toEqual([expect.objectContaining({ field: 'contactChannels[0].consent', code: 'PRIVACY_NOTICE_REQUIRED' })]);
  });

  it('refuses a second person with the same RFC (409) and answers 404 for an unknown id', async () => {
    const f = generateFisica(rnd);
    await h.call('persons.create', { personType: 'fisica', name: f.name, rfc: f.rfc });
    const e = await h.fail('persons.create', { personType: 'fisica', name: 'Otro', rfc: f.rfc });
    expect(e).toMatchObject({ status: 409, code: 'CUSTOMER.PERSON_RFC_EXISTS' });
    expect(await h.fail('persons.get', { id: '01939e3c-0000-7000-8000-000000000000' })).toMatchObject({ status: 404, code: 'CUSTOMER.PERSON_NOT_FOUND' });
    expect(await h.fail('persons.get', { id: 'nope' })).toMatchObject({ status: 422, errors: [expect.objectContaining({ field: 'id' })] });
  });

  it('updates a person, validates the change and emits person.updated with the changed fields', async () => {
    const f = generateFisica(rnd);
    const p = await h.call('persons.create', { personType: 'fisica', name: f.name, rfc: f.rfc });
    const u = await h.call('persons.update', { id: p.id, regimenFiscal: '612', usoCfdi: 'G03', phone: '4420001122', privacyNotice: { version: '2025-02' } });
    expect(u).toMatchObject({ regimenFiscal: '612', usoCfdi: 'G03', phone: '+524420001122', privacyNoticeVersion: '2025-02' });
    const [row] = await outbox('customer.person.updated.v1', p.id);
    expect(row.event.data.changed).toEqual(expect.arrayContaining(['regimenFiscal', 'usoCfdi', 'contactChannels', 'privacyNotice']));

    const e = await h.fail('persons.update', { id: p.id, usoCfdi: 'D01', regimenFiscal: '601' });
    expect(e.errors?.map((x) => x.code)).toEqual(['REGIMEN_FISCAL_PERSON_TYPE']);
    expect(await h.fail('persons.update', { id: p.id, personType: 'moral' })).toMatchObject({ status: 422 });

    const v = await h.call('persons.vulnerabilities.add', { id: p.id, kind: 'discapacidad', evidence: 'Credencial DIF 998', validFrom: '2026-01-01', validUntil: '2030-12-31' });
    expect(v.vulnerabilities).toEqual([expect.objectContaining({ kind: 'discapacidad', current: true })]);
    const bad = await h.fail('persons.vulnerabilities.add', { id: p.id, kind: 'salud', evidence: 'Receta', validFrom: '2026-01-01', validUntil: '2025-01-01' });
    expect(bad.errors).toEqual([expect.objectContaining({ field: 'validUntil', code: 'VULNERABILITY_DATES' })]);
    const list = await h.call('persons.list', { vulnerable: 'true', size: '100' });
    expect(list.data.map((x: { id: string }) => x.id)).toContain(p.id);
    expect(list.data.every((x: { vulnerable: boolean }) => x.vulnerable)).toBe(true);
  });

  it('searches by name ignoring accents, by RFC prefix, by CURP and by phone', async () => {
    const f = generateFisica(rnd);
    const p = await h.call('persons.create', { personType: 'fisica', name: 'Ramón Núñez Ibáñez', rfc: f.rfc, curp: f.curp, phone: '4429876543' });
    const byName = await h.call('persons.search', { q: 'ramon nunez' });
    expect(byName[0]).toMatchObject({ id: p.id, name: 'Ramón Núñez Ibáñez' });
    expect(byName[0].score).toBeGreaterThan(0.5);
    const typo = await h.call('persons.search', { q: 'NUÑES IBANEZ' });
    expect(typo.map((x: { id: string }) => x.id)).toContain(p.id);
    expect((await h.call('persons.search', { q: f.rfc.slice(0, 8).toLowerCase() }))[0].id).toBe(p.id);
    expect((await h.call('persons.search', { q: f.curp }))[0]).toMatchObject({ id: p.id, score: 1 });
    expect((await h.call('persons.search', { q: '442 987 6543' }))[0].id).toBe(p.id);
    expect(await h.call('persons.search', { q: 'zzzzqqq' })).toEqual([]);
    expect(await h.fail('persons.search', { q: 'a' })).toMatchObject({ status: 422 });
  });

  it('isolates tenants: B sees none of A, RLS filters even unfiltered queries, no tenant sees nothing', async () => {
    const a = await h.call('persons.create', { personType: 'fisica', name: 'Solo de A' });
    await h.call('persons.create', { personType: 'fisica', name: 'Solo de B' }, h.tenantB);
    expect(await h.fail('persons.get', { id: a.id }, h.tenantB)).toMatchObject({ code: 'CUSTOMER.PERSON_NOT_FOUND' });
    expect(await h.call('persons.search', { q: 'solo de' }, h.tenantB)).toEqual([expect.objectContaining({ name: 'Solo de B' })]);

    const count = (tenant: string | null) =>
      h.rt.db.app.transaction(async (em) => {
        if (tenant) await em.query(`SELECT set_config('app.tenant_id', $1, true)`, [tenant]);
        const [r] = await em.query(`SELECT count(*)::int AS n, count(DISTINCT tenant_id)::int AS tenants FROM customer.persons`);
        return r as { n: number; tenants: number };
      });
    const [all] = await h.rt.db.system.query(`SELECT count(*)::int AS n FROM customer.persons WHERE tenant_id = $1`, [h.tenantB.tenantId]);
    expect(await count(h.tenantB.tenantId)).toEqual({ n: all.n, tenants: 1 });
    expect(await count(null)).toEqual({ n: 0, tenants: 0 });
    // Writing a row for another tenant is refused by the policy's WITH CHECK.
    await expect(
      h.rt.db.app.transaction(async (em) => {
        await em.query(`SELECT set_config('app.tenant_id', $1, true)`, [h.tenantB.tenantId]);
        await em.query(`INSERT INTO customer.persons (id, tenant_id, person_type, name) VALUES (gen_random_uuid(), $1, 'fisica', 'intruso')`, [h.tenantA.tenantId]);
      }),
    ).rejects.toThrow(/row-level security/);
  });

  it('refuses calls without the permission or without a tenant', async () => {
    expect(await h.fail('persons.create', { personType: 'fisica', name: 'X' }, { permissions: ['customer.persons.read'] })).toMatchObject({
      status: 403,
      code: 'AUTH.FORBIDDEN',
    });
    expect(await h.call('persons.list', {}, { permissions: ['customer.persons.read'] })).toHaveProperty('page');
    const e = await h.rpc.request('customer', 'persons.list', {}).catch((x) => x);
    expect(e).toMatchObject({ code: 'TENANCY.TENANT_REQUIRED' });
  });

  it('leaves no table of the customer schema without tenant_id, RLS or a policy', async () => {
    expect(await findTenancyViolations(h.rt.db.system, ['customer'])).toEqual([]);
  });
});

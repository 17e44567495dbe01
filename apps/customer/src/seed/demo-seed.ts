import { v5 as uuidv5 } from 'uuid';
import type { EntityManager } from 'typeorm';
import {
  CustomerEvents,
  type BillingType,
  type ContractCreatedData,
  type PersonCreatedData,
  type TomaCreatedData,
  type TomaType,
} from '@supra/contracts';
import type { ServiceDatabase } from '@supra/platform/database';
import { Outbox, type OutboxEvent } from '@supra/platform/messaging';
import { bumpCounter, formatNumber } from '../shared/counters';
import { generateFisica, generateMoral, hashSeed, prng } from './mexican-identities';

export interface CustomerSeedCounts {
  persons?: number;
  tomas?: number;
  contracts?: number;
}

export interface CustomerSeedResult {
  persons: number;
  tomas: number;
  contracts: number;
  /** Rows actually inserted by this run (0 on a re-run). */
  inserted: { persons: number; tomas: number; contracts: number };
}

/** Fixed namespace so ids are the same on every run: the seed is idempotent by primary key. */
const SEED_NAMESPACE = '5b0f3a52-6f0e-4c39-9d7e-2b8f1c9a4e10';
const seedId = (tenantId: string, kind: string, i: number): string => uuidv5(`${tenantId}:${kind}:${i}`, SEED_NAMESPACE);

/** The toma types the demo seeds and their share (tools/dev/demo-tariffs.spec checks the demo tariff prices each). */
export const TOMA_MIX: Array<[TomaType, number]> = [
  ['domestica_popular', 0.35],
  ['domestica_media', 0.3],
  ['domestica_residencial', 0.12],
  ['comercial', 0.13],
  ['industrial', 0.03],
  ['publico', 0.03],
  ['mixta', 0.04],
];
const STREETS = ['Av. Constituyentes', 'Calle Hidalgo', 'Av. Zaragoza', 'Calle Madero', 'Av. Universidad', 'Calle Allende', 'Av. 5 de Febrero', 'Calle Guerrero', 'Calle Morelos', 'Av. Tecnológico', 'Calle Pino Suárez', 'Prol. Corregidora'];
const COLONIAS: Array<[string, string]> = [
  ['Centro', '76000'],
  ['Jardines de la Hacienda', '76180'],
  ['Álamos 2a Sección', '76160'],
  ['Carretas', '76050'],
  ['Niños Héroes', '76010'],
  ['El Pueblito', '76900'],
  ['Lomas de Casa Blanca', '76080'],
  ['San Pablo', '76125'],
  ['Menchaca', '76147'],
  ['Juriquilla', '76230'],
];

const pickWeighted = <T>(rnd: () => number, mix: Array<[T, number]>): T => {
  let x = rnd();
  for (const [v, w] of mix) {
    if ((x -= w) <= 0) return v;
  }
  return mix[mix.length - 1][0];
};

/** Multi-row INSERT ... ON CONFLICT DO NOTHING RETURNING id, in chunks; returns the inserted ids. */
async function insertRows(em: EntityManager, table: string, columns: string[], rows: unknown[][]): Promise<Set<string>> {
  const inserted = new Set<string>();
  const chunk = Math.max(1, Math.floor(30_000 / columns.length));
  for (let i = 0; i < rows.length; i += chunk) {
    const part = rows.slice(i, i + chunk);
    const values: unknown[] = [];
    const tuples = part.map((r) => {
      const base = values.length;
      values.push(...r);
      return `(${r.map((_, j) => `$${base + j + 1}`).join(', ')})`;
    });
    const res = (await em.query(`INSERT INTO customer.${table} (${columns.join(', ')}) VALUES ${tuples.join(', ')} ON CONFLICT DO NOTHING RETURNING id`, values)) as Array<{ id: string }>;
    for (const r of res) inserted.add(r.id);
  }
  return inserted;
}

/**
 * Demo data for one tenant: persons with valid RFC/CURP (check digits computed), addresses in
 * Querétaro, tomas T-000001.. (at least 1,000 for `demo`, which the metering seed equips with
 * smart meters SIM-000001..SIM-001000) and contracts C-000001... Rows are written in bulk with
 * their creation events in the outbox, in one transaction; ids derive from (tenant, kind, index),
 * so a re-run inserts nothing and emits nothing.
 */
export async function seedCustomerDemo(db: ServiceDatabase, tenant: { id: string; slug: string }, counts: CustomerSeedCounts = {}): Promise<CustomerSeedResult> {
  const nTomas = counts.tomas ?? (tenant.slug === 'demo' ? 1000 : 300);
  const nPersons = counts.persons ?? 300;
  const nContracts = Math.min(counts.contracts ?? Math.floor(nTomas * 0.9), nTomas);
  const rnd = prng(hashSeed(`supra-demo:${tenant.slug}`));
  const outbox = new Outbox('customer', 'customer');
  const now = new Date();

  return db.withTenant({ tenantId: tenant.id, tenantSlug: tenant.slug }, async (em) => {
    const events: OutboxEvent[] = [];

    // ---- persons
    const rfcs = new Set<string>();
    const curps = new Set<string>();
    const personRows: unknown[][] = [];
    const personEvents = new Map<string, PersonCreatedData>();
    for (let i = 1; i <= nPersons; i++) {
      const id = seedId(tenant.id, 'person', i);
      const moral = rnd() < 0.12;
      const phone = `442${String(Math.floor(rnd() * 1e7)).padStart(7, '0')}`;
      const withEmail = rnd() < 0.5;
      const privacy = rnd() < 0.7;
      const cp = COLONIAS[Math.floor(rnd() * COLONIAS.length)][1];
      let rfc: string;
      let curp: string | null = null;
      let name: string;
      let first: string | null = null;
      let paterno: string | null = null;
      let materno: string | null = null;
      if (moral) {
        let m = generateMoral(rnd);
        while (rfcs.has(m.rfc)) m = generateMoral(rnd);
        ({ rfc, name } = m);
      } else {
        let f = generateFisica(rnd);
        while (rfcs.has(f.rfc) || curps.has(f.curp)) f = generateFisica(rnd);
        ({ rfc, name } = f);
        curp = f.curp;
        first = f.firstName;
        paterno = f.lastNamePaterno;
        materno = f.lastNameMaterno;
        curps.add(curp);
      }
      rfcs.add(rfc);
      const regimen = moral ? '601' : pickWeighted(rnd, [['605', 0.6], ['612', 0.25], ['616', 0.15]] as Array<[string, number]>);
      const uso = moral || regimen === '612' ? 'G03' : 'S01';
      const email = withEmail ? `${(first ?? name).split(' ')[0].normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase()}.${i}@correo.mx` : null;
      const channels = [
        { kind: 'telefono', value: `+52${phone}`, primary: true, consent: privacy, consentAt: privacy ? now.toISOString() : null },
        ...(email ? [{ kind: 'email', value: email, primary: true, consent: privacy, consentAt: privacy ? now.toISOString() : null }] : []),
      ];
      personRows.push([id, tenant.id, moral ? 'moral' : 'fisica', name, first, paterno, materno, rfc, curp, email, `+52${phone}`, phone, regimen, uso, cp, JSON.stringify(channels), privacy ? '2025-01' : null, privacy ? now : null, now, now]);
      personEvents.set(id, { personId: id, personType: moral ? 'moral' : 'fisica', name, rfc, curp, regimenFiscal: regimen, usoCfdi: uso, postalCode: cp, vulnerabilities: [] });
    }
    const newPersons = await insertRows(
      em,
      'persons',
      ['id', 'tenant_id', 'person_type', 'name', 'first_name', 'last_name_paterno', 'last_name_materno', 'rfc', 'curp', 'email', 'phone', 'phone_digits', 'regimen_fiscal', 'uso_cfdi', 'postal_code', 'contact_channels', 'privacy_notice_version', 'privacy_notice_accepted_at', 'created_at', 'updated_at'],
      personRows,
    );

    // A few vulnerability records (older adults, with INAPAM evidence), inserted with their person.
    const vulnRows: unknown[][] = [];
    personRows.forEach((r, idx) => {
      const id = r[0] as string;
      if (!newPersons.has(id) || r[2] !== 'fisica' || idx % 13 !== 0) return;
      vulnRows.push([seedId(tenant.id, 'vulnerability', idx), tenant.id, id, 'adulto_mayor', `INAPAM ${String(100000 + idx)}`, '2024-01-01', null, 'seed', now]);
      personEvents.get(id)!.vulnerabilities = ['adulto_mayor'];
    });
    await insertRows(em, 'person_vulnerabilities', ['id', 'tenant_id', 'person_id', 'kind', 'evidence', 'valid_from', 'valid_until', 'recorded_by', 'created_at'], vulnRows);
    for (const id of newPersons) events.push({ type: CustomerEvents.personCreated.type, subject: id, data: personEvents.get(id) });

    // ---- addresses and tomas
    const addressRows: unknown[][] = [];
    const tomaRows: unknown[][] = [];
    const tomaEvents = new Map<string, TomaCreatedData>();
    const tomaInfo: Array<{ id: string; number: string; type: TomaType }> = [];
    for (let i = 1; i <= nTomas; i++) {
      const addressId = seedId(tenant.id, 'address', i);
      const id = seedId(tenant.id, 'toma', i);
      const [colonia, cp] = COLONIAS[Math.floor(rnd() * COLONIAS.length)];
      addressRows.push([addressId, tenant.id, STREETS[Math.floor(rnd() * STREETS.length)], String(1 + Math.floor(rnd() * 900)), rnd() < 0.15 ? String.fromCharCode(65 + Math.floor(rnd() * 6)) : null, colonia, 'Querétaro', 'Querétaro', cp, null, now, now]);
      const type = pickWeighted(rnd, TOMA_MIX);
      const billing: BillingType = rnd() < 0.85 ? 'medido' : rnd() < 0.7 ? 'cuota_fija' : 'estimado';
      const contracted = i <= nContracts;
      const sector = `S-${String(1 + ((i - 1) % 12)).padStart(2, '0')}`;
      const route = `R-${String(1 + Math.floor((i - 1) / 50)).padStart(3, '0')}`;
      const lat = Math.round((20.5888 + (rnd() - 0.5) * 0.1) * 1e6) / 1e6;
      const lng = Math.round((-100.3899 + (rnd() - 0.5) * 0.1) * 1e6) / 1e6;
      const units = type === 'mixta' || rnd() < 0.03 ? 2 + Math.floor(rnd() * 10) : 1;
      const number = formatNumber('T', i);
      const status = contracted ? 'activa' : 'pendiente_alta';
      tomaRows.push([id, tenant.id, number, addressId, type, status, billing, units, sector, route, lat, lng, now, now]);
      tomaEvents.set(id, { tomaId: id, tomaNumber: number, tomaType: type, status, billingType: billing, unitsServed: units, sector, route, latitude: lat, longitude: lng, postalCode: cp });
      tomaInfo.push({ id, number, type });
    }
    await insertRows(em, 'addresses', ['id', 'tenant_id', 'street', 'exterior_number', 'interior_number', 'colonia', 'municipality', 'state', 'postal_code', '"references"', 'created_at', 'updated_at'], addressRows);
    const newTomas = await insertRows(em, 'tomas', ['id', 'tenant_id', 'toma_number', 'address_id', 'toma_type', 'status', 'billing_type', 'units_served', 'sector', 'route', 'latitude', 'longitude', 'created_at', 'updated_at'], tomaRows);
    for (const id of newTomas) events.push({ type: CustomerEvents.tomaCreated.type, subject: id, data: tomaEvents.get(id) });
    await bumpCounter(em, 'toma', nTomas);

    // ---- contracts: toma i is held by person ((i - 1) mod persons) + 1
    const contractRows: unknown[][] = [];
    const contractEvents = new Map<string, ContractCreatedData>();
    for (let i = 1; i <= nContracts; i++) {
      const id = seedId(tenant.id, 'contract', i);
      const toma = tomaInfo[i - 1];
      const personId = seedId(tenant.id, 'person', ((i - 1) % nPersons) + 1);
      const start = `20${String(18 + (i % 7)).padStart(2, '0')}-${String(1 + (i % 12)).padStart(2, '0')}-01`;
      const period = toma.type.startsWith('domestica') ? 'bimestral' : 'mensual';
      const number = formatNumber('C', i);
      contractRows.push([id, tenant.id, number, toma.id, personId, 'activo', toma.type, period, 'ventanilla', start, now, now]);
      contractEvents.set(id, { contractId: id, contractNumber: number, tomaId: toma.id, tomaNumber: toma.number, personId, status: 'activo', tariffCategory: toma.type, billingPeriod: period, startDate: start, previousContractId: null });
    }
    const newContracts = await insertRows(em, 'contracts', ['id', 'tenant_id', 'contract_number', 'toma_id', 'person_id', 'status', 'tariff_category', 'billing_period', 'payment_method', 'start_date', 'created_at', 'updated_at'], contractRows);
    for (const id of newContracts) events.push({ type: CustomerEvents.contractCreated.type, subject: id, data: contractEvents.get(id) });
    await bumpCounter(em, 'contract', nContracts);

    for (let i = 0; i < events.length; i += 500) await outbox.addMany(events.slice(i, i + 500), em);
    return {
      persons: nPersons,
      tomas: nTomas,
      contracts: nContracts,
      inserted: { persons: newPersons.size, tomas: newTomas.size, contracts: newContracts.size },
    };
  });
}

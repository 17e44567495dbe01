import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { CustomerEvents, ConsumptionBillableV1, type BillableConsumptionData } from '@supra/contracts';
import { buildCloudEvent, encodeBinary, RpcClient, Subjects, toMsgHdrs } from '@supra/platform/messaging';
import { bootstrapService, type ServiceRuntime } from '@supra/platform/runtime';
import type { RequestContext } from '@supra/platform/tenancy';
import { createTestDatabase, testInfra, testNamespace, until, type TestDatabase } from '@supra/platform/testing';
import { billingService, type BillingEnv } from '../src/service.definition';
import demoSchedule from '../src/tariffs/rating/fixtures/demo-schedule.json';

export const CSD_DIR = path.join(__dirname, '..', 'csd-test');

export function demoCsdUpload(): { cer: string; key: string; password: string } {
  return {
    cer: readFileSync(path.join(CSD_DIR, 'EKU9003173C9.cer')).toString('base64'),
    key: readFileSync(path.join(CSD_DIR, 'EKU9003173C9.key')).toString('base64'),
    password: readFileSync(path.join(CSD_DIR, 'EKU9003173C9.password.bin'), 'utf8').replace(/\r?\n$/, ''),
  };
}

export { demoSchedule };

export interface Harness {
  rt: ServiceRuntime<BillingEnv>;
  tdb: TestDatabase;
  ns: string;
  rpc: RpcClient;
  ctx: RequestContext;
  call<T>(operation: string, payload?: unknown): Promise<T>;
  publish(type: string, data: object, opts?: { id?: string; source?: string }): Promise<string>;
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
  get<T>(token: new (...args: never[]) => T): T;
  close(): Promise<void>;
}

/** Boots billing on its own database and namespace, with an RPC client and an event producer for one tenant. */
export async function startBilling(extraEnv: Record<string, string> = {}): Promise<Harness> {
  const tdb = await createTestDatabase();
  const ns = testNamespace();
  const rt = await bootstrapService(billingService, {
    envOverrides: {
      DATABASE_URL: tdb.url,
      SUPRA_NAMESPACE: ns,
      NATS_URL: (await testInfra()).natsUrl,
      HTTP_PORT: '0',
      LOG_LEVEL: 'warn',
      BILLING_SEAL_WORKERS: '0',
      BILLING_PAST_DUE_INTERVAL_MS: '0',
      BILLING_STAMP_INTERVAL_MS: '100',
      ...extraEnv,
    },
  });
  const rpc = new RpcClient(rt.nats, ns, 30_000);
  const ctx: RequestContext = { tenantId: randomUUID(), tenantSlug: 'demo', userId: randomUUID(), permissions: ['billing.*'] };
  const h: Harness = {
    rt,
    tdb,
    ns,
    rpc,
    ctx,
    call: (operation, payload) => rpc.request('billing', operation, payload ?? {}, ctx),
    async publish(type, data, opts = {}) {
      const ce = buildCloudEvent(type.split('.')[0], { type, subject: randomUUID(), data, tenantId: ctx.tenantId, tenantSlug: ctx.tenantSlug });
      const event = { ...ce, id: opts.id ?? ce.id, ...(opts.source ? { source: opts.source } : {}) };
      const { headers, payload } = encodeBinary(event);
      // A new Nats-Msg-Id per publish: a "redelivery" here must get past JetStream's duplicate window to reach the inbox.
      await rt.nats.js.publish(Subjects.event(ns, ctx.tenantSlug!, type), payload, { headers: toMsgHdrs(headers), msgID: randomUUID() });
      return event.id;
    },
    query: (sql, params) => rt.db.asSystem((em) => em.query(sql, params)),
    get: (token) => rt.app.get(token, { strict: false }),
    async close() {
      await rt.close();
      await tdb.drop();
    },
  };
  return h;
}

export { until };

/** Sets up the tenant: fiscal data with the demo CSD and the demo tariff schedule. */
export async function setUpTenant(h: Harness, extra: Record<string, unknown> = {}): Promise<void> {
  await h.call('settings.update', {
    rfc: 'EKU9003173C9',
    nombre: 'ESCUELA KEMPER URGATE',
    regimenFiscal: '601',
    lugarExpedicion: '76000',
    dueDays: 15,
    csd: demoCsdUpload(),
    ...extra,
  });
  await h.call('tariffs.import', { document: demoSchedule });
}

export interface CustomerFixture {
  personId: string;
  tomaId: string;
  contractId: string;
}

/** Feeds the customer events of one person, toma and contract, the way customer would publish them. */
export async function seedContract(
  h: Harness,
  opts: { billingType?: 'medido' | 'cuota_fija'; sector?: string; category?: string; units?: number; nominative?: boolean; n?: number } = {},
): Promise<CustomerFixture> {
  const f = { personId: randomUUID(), tomaId: randomUUID(), contractId: randomUUID() };
  const n = opts.n ?? Math.floor(Math.random() * 1e6);
  await h.publish(CustomerEvents.personCreated.type, {
    personId: f.personId,
    personType: 'fisica',
    name: 'Ingrid Xodar Jimenez',
    ...(opts.nominative === false ? {} : { rfc: 'XOJI740919U48', regimenFiscal: '612', usoCfdi: 'G03', postalCode: '76028' }),
    vulnerabilities: [],
  });
  await h.publish(CustomerEvents.tomaCreated.type, {
    tomaId: f.tomaId,
    tomaNumber: `T-${n}`,
    tomaType: opts.category ?? 'domestica_popular',
    status: 'activa',
    billingType: opts.billingType ?? 'medido',
    unitsServed: opts.units ?? 1,
    sector: opts.sector ?? 'S1',
    route: 'R1',
    postalCode: '76028',
  });
  await h.publish(CustomerEvents.contractCreated.type, {
    contractId: f.contractId,
    contractNumber: `C-${n}`,
    tomaId: f.tomaId,
    tomaNumber: `T-${n}`,
    personId: f.personId,
    status: 'activo',
    tariffCategory: opts.category ?? 'domestica_popular',
    billingPeriod: 'mensual',
    startDate: '2025-01-01',
  });
  await until(async () => (await h.query(`SELECT 1 FROM billing.contracts WHERE id = $1`, [f.contractId])).length > 0 && (await h.query(`SELECT 1 FROM billing.persons WHERE id = $1`, [f.personId])).length > 0 && (await h.query(`SELECT 1 FROM billing.tomas WHERE id = $1`, [f.tomaId])).length > 0, 'customer read model');
  return f;
}

export function billable(f: CustomerFixture, period: string, m3: string, patch: Partial<BillableConsumptionData> = {}): BillableConsumptionData {
  const [y, m] = period.split('-').map(Number);
  const start = new Date(Date.UTC(y, m - 1, 1, 6));
  const end = new Date(Date.UTC(m === 12 ? y + 1 : y, m % 12, 1, 6));
  return {
    billableId: randomUUID(),
    contractId: f.contractId,
    tomaId: f.tomaId,
    period,
    periodStart: start.toISOString(),
    periodEnd: end.toISOString(),
    consumptionM3: m3,
    estimated: false,
    adjustmentM3: '0.000',
    provenance: { readingIds: [randomUUID()], rules: ['spike:pass'], method: 'difference', inputs: { previous: '100.000' } },
    ...patch,
  };
}

export const BILLABLE = ConsumptionBillableV1.type;

import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import type { RequestContext } from '@supra/platform/tenancy';
import { fromMsgHdrs, NatsClient, RpcClient, Streams, Subjects } from '@supra/platform/messaging';
import { bootstrapService, type ServiceRuntime } from '@supra/platform/runtime';
import { createTestDatabase, testInfra, testNamespace, type TestDatabase } from '@supra/platform/testing';
import type { RegisterMetersReply } from '@supra/contracts';
import { ingestionService, type IngestionEnv } from '../src/service.definition';

const te = new TextEncoder();
const td = new TextDecoder();

export interface Harness {
  ns: string;
  tdb: TestDatabase;
  rt: ServiceRuntime<IngestionEnv>;
  nats: NatsClient;
  admin: Client;
  rpc: RpcClient;
  close(): Promise<void>;
}

export async function startHarness(env: Record<string, string> = {}): Promise<Harness> {
  const infra = await testInfra();
  const tdb = await createTestDatabase('ingestion_test');
  const ns = testNamespace();
  const rt = await bootstrapService(ingestionService, {
    envOverrides: { DATABASE_URL: tdb.url, SUPRA_NAMESPACE: ns, NATS_URL: infra.natsUrl, HTTP_PORT: '0', LOG_LEVEL: 'warn', TELEMETRY_STREAM_MAX_BYTES: String(64 * 1024 ** 2), ...env },
  });
  const nats = new NatsClient({ url: infra.natsUrl, name: 'ingestion-test' });
  await nats.connect();
  const admin = new Client({ connectionString: tdb.url });
  await admin.connect();
  const rpc = new RpcClient(nats, ns);
  const h: Harness = {
    ns,
    tdb,
    rt,
    nats,
    admin,
    rpc,
    async close() {
      // The current runtime: a test may have restarted the service (h.rt replaced).
      await h.rt.close();
      // Streams of this namespace go with the test (the shared server's storage is limited).
      for (const s of [Streams.telemetry(ns), Streams.dlq(ns), Streams.forContext(ns, 'ingestion')]) await nats.jsm.streams.delete(s).catch(() => undefined);
      await nats.close();
      await admin.end();
      await tdb.drop();
    },
  };
  return h;
}

export const tenantCtx = (slug: string, tenantId = randomUUID()): RequestContext => ({ tenantId, tenantSlug: slug });

export function registerMeters(h: Harness, ctx: RequestContext, meterIds: string[], extra: Record<string, unknown> = {}): Promise<RegisterMetersReply> {
  return h.rpc.request<RegisterMetersReply>('ingestion', 'meters.register', { meters: meterIds.map((meterId) => ({ meterId })), ...extra }, ctx);
}

export async function publish(h: Harness, tenant: string, meter: string, body: unknown, msgID?: string): Promise<void> {
  const data = typeof body === 'string' ? te.encode(body) : te.encode(JSON.stringify(body));
  await h.nats.js.publish(Subjects.telemetry(h.ns, tenant, meter), data, msgID ? { msgID } : undefined);
}

export async function until<T>(what: string, fn: () => Promise<T>, ok: (v: T) => boolean, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T;
  do {
    last = await fn();
    if (ok(last)) return last;
    await new Promise((r) => setTimeout(r, 100));
  } while (Date.now() < deadline);
  throw new Error(`timed out waiting for ${what}; last value: ${JSON.stringify(last)}`);
}

export async function q<T = Record<string, unknown>>(h: Harness, sql: string, params: unknown[] = []): Promise<T[]> {
  return (await h.admin.query(sql, params)).rows as T[];
}

export async function countReadings(h: Harness, where = 'true', params: unknown[] = []): Promise<number> {
  const r = await q<{ n: number }>(h, `SELECT count(*)::int AS n FROM telemetry.readings WHERE ${where}`, params);
  return r[0].n;
}

export async function dlqMessages(h: Harness): Promise<Array<{ subject: string; headers: Record<string, string>; data: string }>> {
  const stream = Streams.dlq(h.ns);
  const info = await h.nats.jsm.streams.info(stream);
  const out: Array<{ subject: string; headers: Record<string, string>; data: string }> = [];
  for (let seq = info.state.first_seq; info.state.messages > 0 && seq <= info.state.last_seq; seq++) {
    const m = await h.nats.jsm.streams.getMessage(stream, { seq }).catch(() => null);
    if (m) out.push({ subject: m.subject, headers: fromMsgHdrs(m.header), data: td.decode(m.data) });
  }
  return out;
}

import { randomUUID } from 'node:crypto';
import { Controller, Get, Module, Query } from '@nestjs/common';
import { Ctx, MessagePattern, Payload } from '@nestjs/microservices';
import { trace } from '@opentelemetry/api';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace';
import type { MigrationInterface, QueryRunner } from 'typeorm';
import { BaseServiceEnv } from '@supra/platform/config';
import { runAll } from '@supra/platform/database';
import { EventContext, messagingTablesSql, OnEvent, Outbox, RpcClient, ensureDlqStream } from '@supra/platform/messaging';
import { startTelemetry } from '@supra/platform/telemetry';
import { TenantContext } from '@supra/platform/tenancy';
import { createTestDatabase, testInfra, testNamespace, type TestDatabase } from '@supra/platform/testing';
import { ServiceDatabase } from '@supra/platform/database';
import { bootstrapService, type ServiceRuntime } from '../src';

const exporter = new InMemorySpanExporter();
startTelemetry('trace-test', exporter);

class Init1700000000000 implements MigrationInterface {
  name = 'Init1700000000000';
  async up(q: QueryRunner): Promise<void> {
    await runAll(q, messagingTablesSql('tracedemo'));
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP SCHEMA tracedemo CASCADE');
  }
}

const consumed: Array<{ traceId: string; tenant: string }> = [];

@Controller()
class DemoController {
  constructor(
    private readonly rpc: RpcClient,
    private readonly outbox: Outbox,
    private readonly db: ServiceDatabase,
  ) {}

  /** Stands in for the gateway: HTTP in, NATS request out. */
  @Get('hello')
  hello(@Query('tenant') tenant: string) {
    return this.rpc.request('tracedemo', 'greet', { name: 'Querétaro' }, { tenantId: tenant, tenantSlug: 'demo' });
  }

  @MessagePattern('greet')
  greet(@Payload() body: { name: string }) {
    return this.db.tx(async () => {
      await this.outbox.add({ type: 'customer.person.created.v1', subject: 'p1', data: { name: body.name } });
      return { greeted: body.name, tenant: TenantContext.tenantId() };
    });
  }

  @OnEvent('customer.person.created.v1')
  onCreated(@Payload() _data: unknown, @Ctx() ctx: EventContext) {
    const span = trace.getActiveSpan();
    consumed.push({ traceId: span?.spanContext().traceId ?? '', tenant: String(ctx.event['tenantid']) });
  }
}

@Module({ controllers: [DemoController] })
class DemoModule {}

describe('one trace across HTTP, RPC, outbox, JetStream and the consumer', () => {
  let tdb: TestDatabase;
  let rt: ServiceRuntime;

  beforeAll(async () => {
    tdb = await createTestDatabase();
    const ns = testNamespace();
    rt = await bootstrapService(
      { service: 'tracedemo', schema: 'tracedemo', env: BaseServiceEnv, imports: [DemoModule], migrations: [Init1700000000000] },
      { envOverrides: { DATABASE_URL: tdb.url, NATS_URL: (await testInfra()).natsUrl, SUPRA_NAMESPACE: ns, HTTP_PORT: '0', LOG_LEVEL: 'warn' } },
    );
    await ensureDlqStream(rt.nats.jsm, ns);
  }, 30_000);

  afterAll(async () => {
    await rt?.close();
    await tdb?.drop();
  });

  it('keeps the incoming traceparent from the HTTP request to the event consumer', async () => {
    const traceId = randomUUID().replace(/-/g, '');
    const tenant = randomUUID();
    const res = await fetch(`${rt.url}/hello?tenant=${tenant}`, { headers: { traceparent: `00-${traceId}-${'1'.repeat(16)}-01` } });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ greeted: 'Querétaro', tenant });
    const deadline = Date.now() + 10_000;
    while (!consumed.length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25));
    expect(consumed).toEqual([{ traceId, tenant }]);
    const names = exporter.getFinishedSpans().filter((s) => s.spanContext().traceId === traceId).map((s) => s.name);
    expect(names).toEqual(expect.arrayContaining(['GET /hello', 'rpc tracedemo.greet', 'consume customer.person.created.v1']));
  });

  it('serves liveness, readiness and Prometheus metrics', async () => {
    expect((await fetch(`${rt.url}/health/live`)).status).toBe(200);
    const ready = await fetch(`${rt.url}/health/ready`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ status: 'ok', checks: { database: { ok: true }, nats: { ok: true } } });
    const metrics = await (await fetch(`${rt.url}/metrics`)).text();
    expect(metrics).toContain('supra_events_applied');
    expect(metrics).toContain('process_cpu_user_seconds_total');
  });
});

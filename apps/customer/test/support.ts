import { randomUUID } from 'node:crypto';
import { RpcClient } from '@supra/platform/messaging';
import { bootstrapService, type ServiceRuntime } from '@supra/platform/runtime';
import type { RequestContext } from '@supra/platform/tenancy';
import { createTestDatabase, testInfra, testNamespace, type TestDatabase } from '@supra/platform/testing';
import type { DomainError } from '@supra/platform/errors';
import { customerService, type CustomerEnv } from '../src/service.definition';

export interface CustomerHarness {
  rt: ServiceRuntime<CustomerEnv>;
  database: TestDatabase;
  ns: string;
  rpc: RpcClient;
  /** Calls `rpc.customer.<operation>` as the gateway does, with a tenant context. */
  call<T = any>(operation: string, payload: unknown, ctx?: Partial<RequestContext>): Promise<T>;
  /** Resolves to the DomainError a call fails with (fails the test if it succeeds). */
  fail(operation: string, payload: unknown, ctx?: Partial<RequestContext>): Promise<DomainError>;
  tenantA: RequestContext;
  tenantB: RequestContext;
  close(): Promise<void>;
}

export async function startCustomer(): Promise<CustomerHarness> {
  const database = await createTestDatabase('customer_it');
  const ns = testNamespace();
  const rt = await bootstrapService(customerService, {
    envOverrides: { DATABASE_URL: database.url, SUPRA_NAMESPACE: ns, NATS_URL: (await testInfra()).natsUrl, HTTP_PORT: '0', LOG_LEVEL: 'warn' },
  });
  const rpc = rt.app.get(RpcClient);
  const tenantA: RequestContext = { tenantId: randomUUID(), tenantSlug: 'tenant-a', userId: 'user-a', permissions: ['customer.*'] };
  const tenantB: RequestContext = { tenantId: randomUUID(), tenantSlug: 'tenant-b', userId: 'user-b', permissions: ['customer.*'] };
  const call = <T>(operation: string, payload: unknown, ctx: Partial<RequestContext> = tenantA) =>
    rpc.request<T>('customer', operation, payload, { ...tenantA, ...ctx } as RequestContext, 20_000);
  const fail = async (operation: string, payload: unknown, ctx?: Partial<RequestContext>) => {
    try {
      await call(operation, payload, ctx);
    } catch (e) {
      return e as DomainError;
    }
    throw new Error(`${operation} was expected to fail`);
  };
  return {
    rt,
    database,
    ns,
    rpc,
    call,
    fail,
    tenantA,
    tenantB,
    async close() {
      await rt.close();
      await database.drop();
    },
  };
}

export const address = (over: Record<string, unknown> = {}) => ({
  street: 'Av. Constituyentes',
  exteriorNumber: '120',
  colonia: 'Centro',
  municipality: 'Querétaro',
  state: 'Querétaro',
  postalCode: '76000',
  ...over,
});

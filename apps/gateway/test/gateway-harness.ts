import { bootstrapService, type ServiceRuntime } from '@supra/platform/runtime';
import { createTestDatabase, testInfra, testNamespace, type TestDatabase } from '@supra/platform/testing';
import { gatewayService, type GatewayEnv } from '../src/service.definition';
import { onboardTenant, type OnboardTenantInput } from '../src/onboarding/onboard-tenant';

export interface Gateway {
  rt: ServiceRuntime<GatewayEnv>;
  url: string;
  ns: string;
  tdb: TestDatabase;
  onboard(input: Partial<OnboardTenantInput> & { slug: string }): Promise<{ tenantId: string; adminUserId: string; email: string; password: string }>;
  call(method: string, path: string, opts?: { token?: string; body?: unknown; headers?: Record<string, string> }): Promise<{ status: number; body: any; headers: Headers }>;
  login(tenant: string, email: string, password: string, extra?: Record<string, unknown>): Promise<{ status: number; body: any; headers: Headers }>;
  close(): Promise<void>;
}

/** Boots the gateway in-process on a fresh database and namespace (real PostgreSQL, NATS, Redis). */
export async function startGateway(env: Record<string, string> = {}): Promise<Gateway> {
  const tdb = await createTestDatabase('gw_test');
  const ns = testNamespace();
  const rt = await bootstrapService(gatewayService, {
    envOverrides: {
      DATABASE_URL: tdb.url,
      NATS_URL: (await testInfra()).natsUrl,
      SUPRA_NAMESPACE: ns,
      HTTP_PORT: '0',
      LOG_LEVEL: 'silent',
      SUPRA_SECRET_KEY: '5a'.repeat(32),
      ...env,
    },
  });
  const url = rt.url;
  const call: Gateway['call'] = async (method, path, opts = {}) => {
    const headers: Record<string, string> = { ...(opts.headers ?? {}) };
    if (opts.token) headers.authorization = `Bearer ${opts.token}`;
    if (opts.body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(url + path, { method, headers, body: opts.body === undefined ? undefined : JSON.stringify(opts.body) });
    const text = await res.text();
    let body: unknown = text;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      /* not JSON (HTML of /docs) */
    }
    return { status: res.status, body, headers: res.headers };
  };
  return {
    rt,
    url,
    ns,
    tdb,
    async onboard(input) {
      const email = input.adminEmail ?? `admin@${input.slug}.supra.local`;
      const password = input.adminPassword ?? 'correct horse battery';
      const r = await onboardTenant(rt.db, { name: input.slug.toUpperCase(), requireTotpForAdmins: false, ...input, adminEmail: email, adminPassword: password });
      return { tenantId: r.tenantId, adminUserId: r.adminUserId, email, password };
    },
    call,
    login: (tenant, email, password, extra = {}) => call('POST', '/auth/login', { body: { tenant, email, password, ...extra } }),
    async close() {
      await rt.close();
      await tdb.drop();
    },
  };
}

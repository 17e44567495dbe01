import { Subjects } from '@supra/platform/messaging';
import { findUnguardedRoutes, listRoutes } from '../src/http/route-inventory';
import { FORWARDED_OPERATIONS } from '../src/service.definition';
import { startGateway, type Gateway } from './gateway-harness';

const td = new TextDecoder();
const te = new TextEncoder();

describe('gateway HTTP edge: request ids, problem details, OpenAPI, forwarding', () => {
  jest.setTimeout(60_000);
  let gw: Gateway;
  let token: string;
  let tenantId: string;

  beforeAll(async () => {
    gw = await startGateway();
    const a = await gw.onboard({ slug: 'edge' });
    tenantId = a.tenantId;
    token = (await gw.login('edge', a.email, a.password)).body.accessToken;
  });
  afterAll(async () => gw?.close());

  describe('X-Request-Id', () => {
    it('echoes a valid incoming id and generates a UUIDv7 otherwise', async () => {
      const kept = await gw.call('GET', '/health/live', { headers: { 'x-request-id': 'client-req-0001' } });
      expect(kept.headers.get('x-request-id')).toBe('client-req-0001');
      const made = await gw.call('GET', '/health/live');
      expect(made.headers.get('x-request-id')).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-/);
      const unsafe = await gw.call('GET', '/health/live', { headers: { 'x-request-id': 'bad id' } });
      expect(unsafe.headers.get('x-request-id')).not.toBe('bad id');
    });
  });

  describe('problem details', () => {
    it('answers an unknown route with 404 application/problem+json', async () => {
      const r = await gw.call('GET', '/edge/v1/no-such-thing', { token, headers: { 'x-request-id': 'req-404-000001' } });
      expect(r.status).toBe(404);
      expect(r.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(r.body).toEqual({
        type: 'https://supra.dev/problems/gateway-route-not-found',
        title: 'Not Found',
        status: 404,
        detail: 'No such route',
        code: 'GATEWAY.ROUTE_NOT_FOUND',
        instance: '/edge/v1/no-such-thing',
        requestId: 'req-404-000001',
      });
    });

    it('answers unparsable JSON with 400 REQUEST.MALFORMED', async () => {
      const res = await fetch(`${gw.url}/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"tenant":' });
      expect(res.status).toBe(400);
      expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(((await res.json()) as { code: string }).code).toBe('REQUEST.MALFORMED');
    });

    it('validates a forwarded body at the gateway (422 with fields) before any service is asked', async () => {
      const r = await gw.call('POST', '/edge/v1/persons', { token, body: { personType: 'alien', name: '' } });
      expect(r.status).toBe(422);
      expect(r.body.code).toBe('VALIDATION_FAILED');
      expect(r.body.errors.map((e: { field: string }) => e.field)).toContain('personType');
    });
  });

  describe('routes', () => {
    it('every route declares a permission, @Authenticated or @Public (enumerated through DiscoveryService)', () => {
      const routes = listRoutes(gw.rt.app);
      expect(routes.length).toBeGreaterThan(30);
      expect(routes).toEqual(expect.arrayContaining([expect.objectContaining({ method: 'POST', path: '/:tenant/v1/persons', rule: { kind: 'permission', permission: 'customer.persons.create', allowTotpSetup: false } })]));
      expect(findUnguardedRoutes(gw.rt.app)).toEqual([]);
      for (const op of FORWARDED_OPERATIONS) {
        expect(routes).toContainEqual(expect.objectContaining({ method: op.method, path: `/:tenant/v1${op.path}` }));
      }
    });

    it('serves OpenAPI 3 at /docs-json listing the routes with the bearer scheme, and Swagger UI at /docs', async () => {
      const doc = await gw.call('GET', '/docs-json');
      expect(doc.status).toBe(200);
      expect(doc.body.openapi).toMatch(/^3\./);
      expect(doc.body.components.securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
      expect(Object.keys(doc.body.paths)).toEqual(expect.arrayContaining(['/auth/login', '/auth/refresh', '/.well-known/jwks.json', '/{tenant}/v1/admin/users', '/{tenant}/v1/persons', '/{tenant}/v1/persons/{id}', '/{tenant}/v1/contracts/{id}/terminate']));
      const create = doc.body.paths['/{tenant}/v1/persons'].post;
      expect(create.operationId).toBe('customer.persons.create');
      expect(create.security).toEqual([{ bearer: [] }]);
      expect(create.requestBody.content['application/json'].schema.$ref).toMatch(/CreatePersonRequest$/);
      expect(doc.body.paths['/{tenant}/v1/tomas'].get.parameters.map((p: { name: string }) => p.name)).toEqual(expect.arrayContaining(['tenant', 'page', 'size']));
      const ui = await fetch(`${gw.url}/docs`);
      expect(ui.status).toBe(200);
      expect(await ui.text()).toContain('swagger-ui');
    });

    it('registers what the routes require in the permission catalogue', async () => {
      const r = await gw.call('GET', '/edge/v1/admin/permissions', { token });
      expect(r.body.map((p: { code: string }) => p.code)).toEqual(expect.arrayContaining(['customer.persons.create', 'admin.users.manage', 'platform.tenants.manage']));
    });
  });

  describe('forwarding to services over NATS', () => {
    it('answers 503 at once when the customer service is not running (no responders)', async () => {
      const started = Date.now();
      const r = await gw.call('GET', '/edge/v1/persons?page=1&size=10', { token });
      expect(r.status).toBe(503);
      expect(r.body).toMatchObject({ code: 'GATEWAY.SERVICE_UNAVAILABLE', details: { service: 'customer' } });
      expect(Date.now() - started).toBeLessThan(2_000);
    });

    it('forwards with tenant, user, permissions and request id in headers; relays the reply and domain errors', async () => {
      const nc = gw.rt.nats.connection;
      const seen: Array<{ subject: string; headers: Record<string, string>; payload: any }> = [];
      const sub = nc.subscribe(Subjects.rpc(gw.ns, 'customer', '>'), {
        callback: (_err, msg) => {
          const headers: Record<string, string> = {};
          for (const k of msg.headers?.keys() ?? []) headers[k.toLowerCase()] = msg.headers!.get(k);
          const payload = JSON.parse(td.decode(msg.data));
          seen.push({ subject: msg.subject, headers, payload });
          const reply = msg.subject.endsWith('persons.create')
            ? { ok: true, data: { id: '0190f7a4-0000-7000-8000-0000000000f1', ...payload } }
            : { ok: false, error: { code: 'CUSTOMER.PERSON_NOT_FOUND', message: `Person ${payload.id} was not found`, status: 404, details: { id: payload.id } } };
          msg.respond(te.encode(JSON.stringify(reply)));
        },
      });
      await nc.flush();
      try {
        const created = await gw.call('POST', '/edge/v1/persons', { token, headers: { 'x-request-id': 'fwd-request-0001' }, body: { personType: 'fisica', name: 'Juana Pérez', email: 'juana@example.mx' } });
        expect(created.status).toBe(201);
        expect(created.body).toMatchObject({ id: '0190f7a4-0000-7000-8000-0000000000f1', name: 'Juana Pérez' });
        expect(seen[0].subject).toBe(Subjects.rpc(gw.ns, 'customer', 'persons.create'));
        expect(seen[0].payload).toEqual({ personType: 'fisica', name: 'Juana Pérez', email: 'juana@example.mx' });
        expect(seen[0].headers).toMatchObject({
          'supra-tenant-id': tenantId,
          'supra-tenant-slug': 'edge',
          'supra-permissions': '*',
          'x-request-id': 'fwd-request-0001',
        });
        expect(seen[0].headers['supra-user-id']).toMatch(/^[0-9a-f-]{36}$/);

        const id = '0190f7a4-0000-7000-8000-0000000000f2';
        const missing = await gw.call('GET', `/edge/v1/persons/${id}`, { token });
        expect(missing.status).toBe(404);
        expect(missing.body).toMatchObject({ code: 'CUSTOMER.PERSON_NOT_FOUND', details: { id }, instance: `/edge/v1/persons/${id}` });
        expect(seen[1].payload).toEqual({ id });
      } finally {
        sub.unsubscribe();
      }
    });

    it('serves a binary reply (the invoice PDF travels base64 in RPC) as the file itself', async () => {
      const nc = gw.rt.nats.connection;
      const pdf = Buffer.from('%PDF-1.7\nfake but binary \u00e9\n%%EOF');
      const sub = nc.subscribe(Subjects.rpc(gw.ns, 'billing', 'invoices.pdf'), {
        callback: (_err, msg) => {
          const data = { id: JSON.parse(td.decode(msg.data)).id, contentType: 'application/pdf', filename: 'A-1.pdf', base64: pdf.toString('base64') };
          msg.respond(te.encode(JSON.stringify({ ok: true, data })));
        },
      });
      await nc.flush();
      try {
        const res = await fetch(`${gw.url}/edge/v1/invoices/0190f7a4-0000-7000-8000-0000000000f3/pdf`, { headers: { authorization: `Bearer ${token}` } });
        expect(res.status).toBe(200);
        expect(res.headers.get('content-type')).toBe('application/pdf');
        expect(res.headers.get('content-disposition')).toBe('inline; filename="A-1.pdf"');
        expect(Buffer.from(await res.arrayBuffer()).equals(pdf)).toBe(true);
      } finally {
        sub.unsubscribe();
      }
    });
  });
});

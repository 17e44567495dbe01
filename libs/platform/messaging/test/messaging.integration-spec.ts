import { randomUUID } from 'node:crypto';
import { DeliverPolicy, AckPolicy } from '@nats-io/jetstream';
import { headers as natsHeaders } from '@nats-io/nats-core';
import { createTestDatabase, testInfra, testNamespace, until, type TestDatabase } from '@supra/platform/testing';
import { DomainError } from '@supra/platform/errors';
import { TenantContext } from '@supra/platform/tenancy';
import type { ServiceDatabase } from '@supra/platform/database';
import { fromMsgHdrs, JetStreamServer, NatsClient, Outbox, OutboxRelay, Streams, Subjects, ensureDlqStream } from '../src';
import { makeDb } from './fixtures';

const TENANT = randomUUID();
const ctx = { tenantId: TENANT, tenantSlug: 'demo' };
const TYPE = 'customer.person.created.v1';

describe('outbox → JetStream → inbox', () => {
  let tdb: TestDatabase;
  let producerDb: ServiceDatabase;
  let consumerDb: ServiceDatabase;
  let nats: NatsClient;
  let relay: OutboxRelay;
  let server: JetStreamServer;
  const ns = testNamespace();
  const calls = new Map<string, number>();

  const count = async (key: string) =>
    consumerDb.withTenant(TENANT, async (em) => {
      const r = (await em.query(`SELECT value FROM consumer.counters WHERE key = $1`, [key])) as Array<{ value: string }>;
      return r.length ? Number(r[0].value) : 0;
    });

  const dlqMessages = async () => {
    const stream = Streams.dlq(ns);
    const info = await nats.jsm.streams.info(stream);
    const out: Array<{ subject: string; headers: Record<string, string>; data: string }> = [];
    for (let seq = info.state.first_seq; seq <= info.state.last_seq && info.state.messages > 0; seq++) {
      const m = await nats.jsm.streams.getMessage(stream, { seq }).catch(() => null);
      if (m) out.push({ subject: m.subject, headers: fromMsgHdrs(m.header), data: new TextDecoder().decode(m.data) });
    }
    return out;
  };

  beforeAll(async () => {
    const infra = await testInfra();
    tdb = await createTestDatabase();
    producerDb = await makeDb(tdb.url, 'producer');
    consumerDb = await makeDb(tdb.url, 'consumer');
    nats = new NatsClient({ url: infra.natsUrl, name: 'messaging-test' });
    await nats.connect();
    await ensureDlqStream(nats.jsm, ns);
    relay = new OutboxRelay(producerDb, nats, { service: 'producer', ns, pollMs: 50 });
    server = new JetStreamServer({
      service: 'consumer',
      ns,
      nats,
      db: consumerDb,
      backoffMs: [50],
      maxDeliver: 4,
      validateEvent: (_type, data) =>
        typeof (data as { key?: unknown }).key === 'string' ? null : [{ field: 'key', code: 'isString', message: 'key must be a string' }],
    });
    // The handler fails the first two deliveries of keys starting with "flaky", always for "poison".
    server.addHandler(
      TYPE,
      async (data: { key: string }) => {
        const n = (calls.get(data.key) ?? 0) + 1;
        calls.set(data.key, n);
        if (data.key.startsWith('flaky') && n <= 2) throw new Error(`transient failure ${n}`);
        if (data.key === 'reject') throw new DomainError('CONSUMER.REJECTED', 'business rule says no');
        if (data.key === 'always-fails') throw new Error('never works');
        await consumerDb.manager().query(
          `INSERT INTO consumer.counters (tenant_id, key, value) VALUES ($1, $2, 1)
           ON CONFLICT (tenant_id, key) DO UPDATE SET value = counters.value + 1`,
          [TenantContext.tenantId(), data.key],
        );
      },
      true,
    );
    await new Promise<void>((resolve, reject) => server.listen((e?: unknown) => (e ? reject(e) : resolve())));
    await relay.start();
  }, 30_000);

  afterAll(async () => {
    await server?.close();
    await relay?.stop();
    const jsm = nats.jsm;
    for (const s of [Streams.forContext(ns, 'customer'), Streams.dlq(ns)]) await jsm.streams.delete(s).catch(() => undefined);
    await nats.close();
    await producerDb?.close();
    await consumerDb?.close();
    await tdb?.drop();
  });

  const emit = (key: string) =>
    TenantContext.run(ctx, () => producerDb.tx(() => new Outbox('producer', 'producer').add({ type: TYPE, subject: key, data: { key } })));

  it('publishes only after commit: a rolled-back transaction emits nothing', async () => {
    await expect(
      TenantContext.run(ctx, () =>
        producerDb.tx(async () => {
          await new Outbox('producer', 'producer').add({ type: TYPE, subject: 'ghost', data: { key: 'ghost' } });
          throw new Error('rollback');
        }),
      ),
    ).rejects.toThrow('rollback');
    await emit('after-ghost');
    await until(async () => (await count('after-ghost')) === 1, 'after-ghost applied', 10_000);
    expect(await count('ghost')).toBe(0);
    expect(calls.get('ghost')).toBeUndefined();
  });

  it('applies an event exactly once when the handler fails twice and then succeeds', async () => {
    await emit('flaky-1');
    await until(async () => (await count('flaky-1')) === 1, 'flaky-1 applied', 15_000);
    expect(calls.get('flaky-1')).toBe(3);
    const inbox = await consumerDb.withTenant(TENANT, (em) => em.query(`SELECT count(*)::int AS n FROM consumer.inbox WHERE type = $1`, [TYPE]));
    expect(inbox[0].n).toBeGreaterThanOrEqual(1);
  });

  it('sends a malformed message to the dead letter at once with its reason', async () => {
    const h = natsHeaders();
    h.set('ce-id', 'broken-1');
    h.set('ce-type', TYPE); // no ce-specversion, no ce-source
    await nats.js.publish(Subjects.event(ns, 'demo', TYPE), new TextEncoder().encode('{"key":"x"}'), { headers: h });
    await until(async () => (await dlqMessages()).some((m) => m.headers['ce-id'] === 'broken-1'), 'dead letter', 10_000);
    const dl = (await dlqMessages()).find((m) => m.headers['ce-id'] === 'broken-1')!;
    expect(dl.subject).toBe(Subjects.dlq(ns, 'consumer', 'consumer__customer_person_created_v1'));
    expect(dl.headers['supra-dlq-code']).toMatch(/^MESSAGING\./);
    expect(dl.headers['supra-dlq-reason']).toMatch(/specversion|source/i);
    expect(dl.headers['supra-dlq-deliveries']).toBe('1');
    expect(dl.data).toBe('{"key":"x"}');
  });

  it('dead-letters data that fails validation, and a non-retryable domain error, without retrying', async () => {
    await TenantContext.run(ctx, () => producerDb.tx(() => new Outbox('producer', 'producer').add({ type: TYPE, subject: 'bad', data: { key: 42 } })));
    await emit('reject');
    await until(async () => (await dlqMessages()).filter((m) => ['MESSAGING.DATA_INVALID', 'CONSUMER.REJECTED'].includes(m.headers['supra-dlq-code'])).length === 2, 'two dead letters', 10_000);
    const dls = await dlqMessages();
    expect(dls.find((m) => m.headers['supra-dlq-code'] === 'MESSAGING.DATA_INVALID')!.headers['supra-dlq-reason']).toContain('key');
    expect(dls.find((m) => m.headers['supra-dlq-code'] === 'CONSUMER.REJECTED')!.headers['supra-dlq-reason']).toBe('business rule says no');
    expect(calls.get('reject')).toBe(1);
  });

  it('dead-letters after max_deliver attempts with the failure reason and original headers', async () => {
    const ce = await emit('always-fails');
    await until(async () => (await dlqMessages()).some((m) => m.headers['ce-id'] === ce.id), 'poison dead letter', 15_000);
    const dl = (await dlqMessages()).find((m) => m.headers['ce-id'] === ce.id)!;
    expect(dl.headers['supra-dlq-code']).toBe('MESSAGING.HANDLER_FAILED');
    expect(dl.headers['supra-dlq-reason']).toContain('gave up after 4 deliveries: never works');
    expect(dl.headers['ce-type']).toBe(TYPE);
    expect(dl.headers['ce-tenantid']).toBe(TENANT);
    expect(calls.get('always-fails')).toBe(4);
  });

  it('a relay that published but never marked sent republishes without any duplicate downstream', async () => {
    for (let i = 0; i < 20; i++) await emit(`replay-${i}`);
    await until(async () => (await count('replay-19')) === 1, 'replay applied', 10_000);
    // As if the relay died after JetStream acked but before its UPDATE committed.
    await producerDb.asSystem((em) => em.query(`UPDATE producer.outbox SET sent_at = NULL WHERE subject LIKE 'replay-%'`));
    const before = relay.metrics.duplicates;
    await until(async () => relay.metrics.duplicates - before >= 20, 'republished as duplicates', 10_000);
    await new Promise((r) => setTimeout(r, 300));
    for (let i = 0; i < 20; i++) expect(await count(`replay-${i}`)).toBe(1);
  });

  it('a redelivered event already in the inbox is a no-op even past the JetStream duplicate window', async () => {
    const ce = await emit('redeliver');
    await until(async () => (await count('redeliver')) === 1, 'redeliver applied', 10_000);
    // Publish the very same CloudEvent again without a Nats-Msg-Id (JetStream cannot dedup it).
    const row = await producerDb.asSystem((em) => em.query(`SELECT event FROM producer.outbox WHERE id = $1`, [ce.id]));
    const { encodeBinary } = await import('../src');
    const { headers, payload } = encodeBinary(row[0].event);
    delete headers['Nats-Msg-Id'];
    const h = natsHeaders();
    for (const [k, v] of Object.entries(headers)) h.set(k, v);
    await nats.js.publish(Subjects.event(ns, 'demo', TYPE), payload, { headers: h });
    await emit('redeliver-marker');
    await until(async () => (await count('redeliver-marker')) === 1, 'marker applied', 10_000);
    expect(await count('redeliver')).toBe(1);
    expect(server.stats.duplicates).toBeGreaterThanOrEqual(1);
  });

  it('applies once an event that arrives three times in a row (copies may share a batch)', async () => {
    const { encodeBinary, buildCloudEvent } = await import('../src');
    const ce = buildCloudEvent('producer', { type: TYPE, subject: 'twice', data: { key: 'twice' }, tenantId: TENANT, tenantSlug: 'demo' });
    const { headers, payload } = encodeBinary(ce);
    delete headers['Nats-Msg-Id'];
    const h = natsHeaders();
    for (const [k, v] of Object.entries(headers)) h.set(k, v);
    await Promise.all([0, 1, 2].map(() => nats.js.publish(Subjects.event(ns, 'demo', TYPE), payload, { headers: h })));
    await emit('twice-marker');
    await until(async () => (await count('twice-marker')) === 1, 'marker applied', 10_000);
    expect(await count('twice')).toBe(1);
    expect(calls.get('twice')).toBe(1);
  });

  it('keeps consumer config explicit-ack and durable', async () => {
    const info = await nats.jsm.consumers.info(Streams.forContext(ns, 'customer'), 'consumer__customer_person_created_v1');
    expect(info.config.ack_policy).toBe(AckPolicy.Explicit);
    expect(info.config.deliver_policy).toBe(DeliverPolicy.All);
    expect(info.config.filter_subject).toBe(Subjects.eventFilter(ns, TYPE));
    expect(info.config.max_deliver).toBe(4);
  });
});

import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { Client } from 'pg';
import { createTestDatabase, startPrivateNatsServer, testNamespace, until, type PrivateNatsServer, type TestDatabase } from '@supra/platform/testing';
import { TenantContext } from '@supra/platform/tenancy';
import type { ServiceDatabase } from '@supra/platform/database';
import { JetStreamServer, NatsClient, Outbox, OutboxRelay, Streams, ensureDlqStream } from '../src';
import { makeDb } from './fixtures';

const TENANT = randomUUID();
const TYPE = 'customer.toma.created.v1';
const root = join(__dirname, '..', '..', '..', '..');

/**
 * Fault tests on a private nats-server (never the machine's shared one): a NATS restart in the
 * middle of publishing, and a relay process killed between publishing and marking sent.
 */
describe('messaging under faults', () => {
  jest.setTimeout(120_000);
  let tdb: TestDatabase;
  let natsServer: PrivateNatsServer;

  beforeAll(async () => {
    tdb = await createTestDatabase();
    natsServer = await startPrivateNatsServer();
  });
  afterAll(async () => {
    await natsServer?.dispose();
    await tdb?.drop();
  });

  async function consumerFor(db: ServiceDatabase, nats: NatsClient, ns: string): Promise<JetStreamServer> {
    const server = new JetStreamServer({ service: db.schema, ns, nats, db, backoffMs: [100] });
    server.addHandler(
      TYPE,
      async (data: { key: string }) => {
        await db.manager().query(
          `INSERT INTO ${db.schema}.counters (tenant_id, key, value) VALUES ($1, $2, 1)
           ON CONFLICT (tenant_id, key) DO UPDATE SET value = counters.value + 1`,
          [TenantContext.tenantId(), data.key],
        );
      },
      true,
    );
    await ensureDlqStream(nats.jsm, ns);
    await new Promise<void>((resolve, reject) => server.listen((e?: unknown) => (e ? reject(e) : resolve())));
    return server;
  }

  const emitMany = (db: ServiceDatabase, from: number, n: number) =>
    TenantContext.run({ tenantId: TENANT, tenantSlug: 'demo' }, () =>
      db.tx(() =>
        new Outbox(db.schema, db.schema).addMany(
          Array.from({ length: n }, (_, i) => ({ type: TYPE, subject: `k${from + i}`, data: { key: `k${from + i}` } })),
        ),
      ),
    );

  const tally = (db: ServiceDatabase) =>
    db.withTenant(TENANT, async (em) => {
      const [r] = await em.query(
        `SELECT count(*)::int AS keys, coalesce(sum(value), 0)::int AS total, count(*) FILTER (WHERE value > 1)::int AS dup FROM ${db.schema}.counters`,
      );
      return r as { keys: number; total: number; dup: number };
    });

  it('a NATS restart in the middle of publishing loses and duplicates nothing', async () => {
    const ns = testNamespace();
    const producer = await makeDb(tdb.url, 'prod_restart');
    const consumer = await makeDb(tdb.url, 'cons_restart');
    const nats = new NatsClient({ url: natsServer.url, name: 'restart-test' });
    await nats.connect();
    const relay = new OutboxRelay(producer, nats, { service: 'prod_restart', ns, pollMs: 20, batchSize: 200 });
    const server = await consumerFor(consumer, nats, ns);
    await relay.start();

    const N = 3000;
    let written = 0;
    const writer = (async () => {
      while (written < N) {
        await emitMany(producer, written, 50);
        written += 50;
        await new Promise((r) => setTimeout(r, 5));
      }
    })();
    await until(() => written >= 600, 'first events written', 30_000);
    await natsServer.stop();
    await new Promise((r) => setTimeout(r, 1500));
    await natsServer.start();
    await writer;
    await until(async () => (await tally(consumer)).total >= N, 'all events applied after the restart', 60_000);
    await new Promise((r) => setTimeout(r, 500));
    const t = await tally(consumer);
    expect(t).toEqual({ keys: N, total: N, dup: 0 });
    const info = await nats.jsm.streams.info(Streams.forContext(ns, 'customer'));
    expect(info.state.messages).toBe(N);

    await server.close();
    await relay.stop();
    await nats.close();
    await producer.close();
    await consumer.close();
  });

  it('a relay killed between publish and mark-sent duplicates nothing downstream', async () => {
    const ns = testNamespace();
    const producer = await makeDb(tdb.url, 'prod_kill');
    const consumer = await makeDb(tdb.url, 'cons_kill');
    const nats = new NatsClient({ url: natsServer.url, name: 'kill-test' });
    await nats.connect();
    const server = await consumerFor(consumer, nats, ns);
    const N = 500;
    await emitMany(producer, 0, N);

    // Hold the outbox rows locked: the relay can publish them but its UPDATE ... sent_at blocks.
    const locker = new Client({ connectionString: tdb.url });
    await locker.connect();
    await locker.query('BEGIN');
    await locker.query(`SELECT seq FROM prod_kill.outbox FOR UPDATE`);

    const spawnRelay = (): ChildProcess =>
      spawn(process.execPath, ['-r', '@swc-node/register', join(__dirname, 'relay-process.ts')], {
        cwd: root,
        env: { ...process.env, DATABASE_URL: tdb.url, SCHEMA: 'prod_kill', NATS_URL: natsServer.url, NS: ns, BATCH: '1000' },
        stdio: ['ignore', 'pipe', 'inherit'],
      });
    const first = spawnRelay();
    const stream = Streams.forContext(ns, 'customer');
    await until(async () => (await nats.jsm.streams.info(stream).catch(() => null))?.state.messages === N, 'relay published the batch', 60_000);
    await until(async () => (await tally(consumer)).total === N, 'consumer applied the batch', 30_000);
    first.kill('SIGKILL');
    await new Promise((r) => first.once('exit', r));
    await locker.query('ROLLBACK');
    await locker.end();
    const unsent = await producer.asSystem((em) => em.query(`SELECT count(*)::int AS n FROM prod_kill.outbox WHERE sent_at IS NULL`));
    expect(unsent[0].n).toBe(N); // killed before mark-sent

    const second = spawnRelay();
    await until(async () => {
      const r = await producer.asSystem((em) => em.query(`SELECT count(*)::int AS n FROM prod_kill.outbox WHERE sent_at IS NULL`));
      return r[0].n === 0;
    }, 'second relay marked everything sent', 60_000);
    second.kill('SIGTERM');
    await new Promise((r) => second.once('exit', r));
    await new Promise((r) => setTimeout(r, 300));
    expect((await nats.jsm.streams.info(stream)).state.messages).toBe(N); // JetStream dropped the republished ones
    expect(await tally(consumer)).toEqual({ keys: N, total: N, dup: 0 });

    await server.close();
    await nats.close();
    await producer.close();
    await consumer.close();
  });
});

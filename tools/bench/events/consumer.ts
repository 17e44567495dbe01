// The consuming service of the benchmark, in a process of its own: a durable JetStream consumer
// that applies each event exactly once (inbox + effect in one transaction).
import { ServiceDatabase } from '@supra/platform/database';
import { JetStreamServer, NatsClient } from '@supra/platform/messaging';
import { TenantContext } from '@supra/platform/tenancy';
import { benchMigration, nowMs } from './schema';

async function main(): Promise<void> {
  const db = new ServiceDatabase({ url: process.env.DATABASE_URL!, schema: 'bench_consumer', migrations: [benchMigration('bench_consumer', true)], poolSize: 4 });
  await db.migrate();
  await db.connect();
  const nats = new NatsClient({ url: process.env.NATS_URL!, name: 'bench-consumer' });
  await nats.connect();
  // The services' defaults unless BATCH / LANES say otherwise.
  const server = new JetStreamServer({
    service: 'bench_consumer',
    ns: process.env.NS!,
    nats,
    db,
    batchSize: process.env.BATCH ? Number(process.env.BATCH) : undefined,
    lanes: process.env.LANES ? Number(process.env.LANES) : undefined,
  });
  server.addHandler(
    'customer.toma.created.v1',
    async (data: { seq: number }) => {
      await db.manager().query(`INSERT INTO bench_consumer.applied (tenant_id, seq, applied_ms) VALUES ($1, $2, $3)`, [TenantContext.tenantId(), data.seq, nowMs()]);
    },
    true,
  );
  await new Promise<void>((resolve, reject) => server.listen((e?: unknown) => (e ? reject(e) : resolve())));
  process.stdout.write('ready\n');
  process.once('SIGTERM', () => {
    void server.close().then(() => nats.close()).then(() => db.close()).then(() => process.exit(0));
  });
}

void main();

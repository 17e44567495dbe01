// A relay in a process of its own, so a test can SIGKILL it at the worst moment.
import { ServiceDatabase } from '@supra/platform/database';
import { NatsClient, OutboxRelay } from '../src';

async function main(): Promise<void> {
  const db = new ServiceDatabase({ url: process.env.DATABASE_URL!, schema: process.env.SCHEMA!, poolSize: 2 });
  await db.connect();
  const nats = new NatsClient({ url: process.env.NATS_URL!, name: 'relay-process' });
  await nats.connect();
  const relay = new OutboxRelay(db, nats, { service: process.env.SCHEMA!, ns: process.env.NS!, pollMs: 50, batchSize: Number(process.env.BATCH ?? 1000) });
  await relay.start();
  process.stdout.write('ready\n');
}

void main();

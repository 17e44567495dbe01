import { AckPolicy } from '@nats-io/jetstream';
import { NatsClient, ensureStream } from '@supra/platform/messaging';
import { testInfra, testNamespace } from '@supra/platform/testing';
import { ackSequences } from '../src/pipeline/ack-subject';

jest.setTimeout(30_000);

it('reads the sequences of real JetStream deliveries (the reply subject the consumer reads) as the client does', async () => {
  const infra = await testInfra();
  const ns = testNamespace();
  const nats = new NatsClient({ url: infra.natsUrl, name: 'ack-subject-test' });
  await nats.connect();
  const stream = `ACKSUBJ_${ns.replace(/[^A-Za-z0-9]/g, '_')}`;
  try {
    await ensureStream(nats.jsm, { name: stream, subjects: [`${ns}.acksubj.>`], maxAgeMs: 3600_000, maxBytes: 1024 ** 2 });
    for (let i = 0; i < 5; i++) await nats.js.publish(`${ns}.acksubj.x`, new TextEncoder().encode(String(i)));
    await nats.jsm.consumers.add(stream, { durable_name: 'c', ack_policy: AckPolicy.Explicit });
    const consumer = await nats.js.consumers.get(stream, 'c');
    const seen: Array<[unknown, unknown]> = [];
    const msgs = await consumer.fetch({ max_messages: 5, expires: 5_000 });
    for await (const m of msgs) {
      seen.push([ackSequences((m as { reply?: string }).reply ?? ''), { streamSeq: m.info.streamSequence, deliverySeq: m.info.deliverySequence }]);
      m.ack();
    }
    expect(seen).toHaveLength(5);
    for (const [ours, client] of seen) expect(ours).toEqual(client);
  } finally {
    await nats.jsm.streams.delete(stream).catch(() => undefined);
    await nats.close();
  }
});

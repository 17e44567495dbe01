import { headers as natsHeaders } from '@nats-io/nats-core';
import { testInfra, testNamespace } from '@supra/platform/testing';
import { ensureStream, JetStreamPublisher, NatsClient } from '../src';

describe('JetStreamPublisher', () => {
  const ns = testNamespace();
  const stream = `${ns}_PUBTEST`;
  const subject = `${ns}.pubtest.x`;
  let nats: NatsClient;
  let publisher: JetStreamPublisher;
  const te = new TextEncoder();
  const withId = (id: string) => {
    const h = natsHeaders();
    h.set('Nats-Msg-Id', id);
    return h;
  };

  beforeAll(async () => {
    nats = new NatsClient({ url: (await testInfra()).natsUrl, name: 'publisher-test' });
    await nats.connect();
    await ensureStream(nats.jsm, { name: stream, subjects: [subject], maxAgeMs: 600_000 });
    publisher = new JetStreamPublisher(() => nats.connection, 1_000);
  });

  afterAll(async () => {
    publisher?.close();
    await nats.jsm.streams.delete(stream).catch(() => undefined);
    await nats.close();
  });

  it('stores many messages in order and resolves each with its stream sequence', async () => {
    const acks = await Promise.all(Array.from({ length: 500 }, (_, i) => publisher.publish(subject, te.encode(String(i)), withId(`m-${i}`))));
    expect(acks.every((a) => a.stream === stream && !a.duplicate)).toBe(true);
    const seqs = acks.map((a) => a.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    const m = await nats.jsm.streams.getMessage(stream, { seq: seqs[499] });
    expect(new TextDecoder().decode(m!.data)).toBe('499');
    expect(publisher.inFlight).toBe(0);
  });

  it('reports a republished Nats-Msg-Id as a duplicate the stream dropped', async () => {
    const first = await publisher.publish(subject, te.encode('once'), withId('dup-1'));
    const again = await publisher.publish(subject, te.encode('once'), withId('dup-1'));
    expect(first.duplicate).toBe(false);
    expect(again).toEqual({ stream, seq: first.seq, duplicate: true });
  });

  it('rejects a message no stream listens for', async () => {
    await expect(publisher.publish(`${ns}.nostream.x`, te.encode('lost'), withId('n-1'))).rejects.toThrow(/no JetStream stream/);
  });

  it('rejects what is still waiting when closed', async () => {
    const own = new JetStreamPublisher(() => nats.connection, 10_000);
    // Closed before the ack can arrive: the caller must treat it as not known to be stored.
    const p = own.publish(subject, te.encode('late'), withId('c-1'));
    own.close();
    await expect(p).rejects.toThrow(/publisher closed/);
  });
});

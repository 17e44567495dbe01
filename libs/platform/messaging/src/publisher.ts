import { createInbox, type Msg, type MsgHdrs, type NatsConnection, type Subscription } from '@nats-io/nats-core';

export interface PubAck {
  stream: string;
  seq: number;
  duplicate: boolean;
}

interface Waiting {
  resolve(ack: PubAck): void;
  reject(e: Error): void;
  deadline: number;
}

const td = new TextDecoder();

/**
 * Asynchronous JetStream publishing of many messages at once (what the Go client calls
 * PublishAsync): every message goes out on core NATS with a reply subject under one inbox of this
 * publisher, and JetStream's acknowledgement is matched back by token. `js.publish()` does the same
 * through one request per message — a timer, a mux token and a "cancelled" error with a stack trace
 * for each — which at thousands of messages a second was a large share of the relay's CPU.
 *
 * The contract is js.publish()'s: the promise resolves with the stream's ack (`duplicate` when the
 * stream dropped it by `Nats-Msg-Id`), and rejects when JetStream refused the message, no stream
 * listens on the subject, or no ack came within the timeout (the message may or may not be stored:
 * the caller republishes with the same `Nats-Msg-Id`).
 */
export class JetStreamPublisher {
  private readonly prefix = createInbox();
  private readonly waiting = new Map<number, Waiting>();
  private next = 0;
  private sub?: Subscription;
  private sweeper?: NodeJS.Timeout;

  constructor(
    private readonly nc: () => NatsConnection,
    private readonly timeoutMs = 5_000,
  ) {}

  get inFlight(): number {
    return this.waiting.size;
  }

  publish(subject: string, payload: Uint8Array, headers: MsgHdrs): Promise<PubAck> {
    const nc = this.nc();
    if (!this.sub || this.sub.isClosed()) {
      this.sub = nc.subscribe(`${this.prefix}.*`, { callback: (err, msg) => this.onReply(err, msg) });
    }
    this.sweeper ??= setInterval(() => this.expire(Date.now()), Math.min(250, this.timeoutMs)).unref();
    const token = ++this.next;
    return new Promise<PubAck>((resolve, reject) => {
      this.waiting.set(token, { resolve, reject, deadline: Date.now() + this.timeoutMs });
      try {
        nc.publish(subject, payload, { reply: `${this.prefix}.${token}`, headers });
      } catch (e) {
        this.waiting.delete(token);
        reject(e as Error);
      }
    });
  }

  /** Rejects whatever still waits, and stops listening. */
  close(): void {
    if (this.sweeper) clearInterval(this.sweeper);
    this.sweeper = undefined;
    this.sub?.unsubscribe();
    this.sub = undefined;
    this.expire(Number.POSITIVE_INFINITY, 'publisher closed');
  }

  private onReply(err: Error | null, msg: Msg): void {
    if (err) {
      this.expire(Number.POSITIVE_INFINITY, `ack subscription failed: ${err.message}`);
      this.sub = undefined;
      return;
    }
    const token = Number(msg.subject.slice(this.prefix.length + 1));
    const w = this.waiting.get(token);
    if (!w) return; // already timed out
    this.waiting.delete(token);
    if (msg.headers?.code === 503) {
      w.reject(new Error('no JetStream stream listens on the subject (503 no responders)'));
      return;
    }
    try {
      const r = JSON.parse(td.decode(msg.data)) as { stream?: string; seq?: number; duplicate?: boolean; error?: { code: number; err_code?: number; description: string } };
      if (r.error) w.reject(new Error(`JetStream refused the message: ${r.error.description} (${r.error.code}/${r.error.err_code ?? '-'})`));
      else if (!r.stream) w.reject(new Error('invalid JetStream ack'));
      else w.resolve({ stream: r.stream, seq: r.seq ?? 0, duplicate: Boolean(r.duplicate) });
    } catch (e) {
      w.reject(new Error(`invalid JetStream ack: ${(e as Error).message}`));
    }
  }

  /** Rejects the waits whose deadline passed (insertion order is deadline order). */
  private expire(now: number, reason = 'JetStream publish timed out'): void {
    for (const [token, w] of this.waiting) {
      if (w.deadline > now) break;
      this.waiting.delete(token);
      w.reject(new Error(reason));
    }
  }
}

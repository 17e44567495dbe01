import { connect } from '@nats-io/transport-node';
import { headers as natsHeaders, type MsgHdrs, type NatsConnection } from '@nats-io/nats-core';
import { jetstream, jetstreamManager, type JetStreamClient, type JetStreamManager } from '@nats-io/jetstream';

export interface NatsOptions {
  url: string;
  name: string;
}

/** One NATS connection per process, reconnecting forever: a NATS restart must not kill a service. */
export class NatsClient {
  private nc?: NatsConnection;
  private jsClient?: JetStreamClient;
  private jsmClient?: JetStreamManager;

  constructor(readonly options: NatsOptions) {}

  async connect(): Promise<NatsConnection> {
    if (this.nc) return this.nc;
    const nc = await connect({
      servers: this.options.url,
      name: this.options.name,
      maxReconnectAttempts: -1,
      reconnectTimeWait: 250,
      waitOnFirstConnect: true,
      timeout: 5_000,
      // Otherwise every publish/request builds an Error with a stack up front (~10% of a relay's CPU).
      noAsyncTraces: true,
    });
    this.nc = nc;
    this.jsClient = jetstream(nc, { timeout: 10_000 });
    this.jsmClient = await jetstreamManager(nc);
    return nc;
  }

  get connection(): NatsConnection {
    if (!this.nc) throw new Error('NATS is not connected');
    return this.nc;
  }

  get js(): JetStreamClient {
    if (!this.jsClient) throw new Error('NATS is not connected');
    return this.jsClient;
  }

  get jsm(): JetStreamManager {
    if (!this.jsmClient) throw new Error('NATS is not connected');
    return this.jsmClient;
  }

  isConnected(): boolean {
    return Boolean(this.nc && !this.nc.isClosed() && this.nc.info);
  }

  async ping(): Promise<boolean> {
    if (!this.nc || this.nc.isClosed()) return false;
    try {
      await this.nc.flush();
      return true;
    } catch {
      return false;
    }
  }

  /** Drains (lets in-flight messages finish) then closes. */
  async close(): Promise<void> {
    if (!this.nc || this.nc.isClosed()) return;
    try {
      await this.nc.drain();
    } catch {
      await this.nc.close();
    }
  }
}

// MsgHdrs.get/set look every key up by a linear scan; these run once per message, so they
// append (a record has each key once) and iterate instead.
export function toMsgHdrs(record: Record<string, string>): MsgHdrs {
  const h = natsHeaders();
  for (const k of Object.keys(record)) h.append(k, record[k]);
  return h;
}

export function fromMsgHdrs(h: MsgHdrs | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (!h) return out;
  for (const [k, values] of h) out[k.toLowerCase()] = values[0] ?? '';
  return out;
}

import { AckPolicy, DeliverPolicy, DiscardPolicy, RetentionPolicy, StorageType, type JetStreamManager } from '@nats-io/jetstream';
import { nanos } from '@nats-io/nats-core';
import { Streams, Subjects } from './naming';

const DAY_MS = 24 * 3600 * 1000;

/** Retention per producing context; CFDI-related events are kept five years (SAT). */
export const CONTEXT_RETENTION_DAYS: Record<string, number> = {
  billing: 5 * 365,
  payments: 5 * 365,
  customer: 365,
  metering: 365,
  ingestion: 30,
  'work-orders': 365,
  collections: 365,
  agents: 180,
};

export interface StreamSpec {
  name: string;
  subjects: string[];
  maxAgeMs: number;
  maxBytes?: number;
  duplicateWindowMs?: number;
  /** When full: drop the oldest messages (default) or refuse new ones (publishers see the error and retry). */
  discard?: 'old' | 'new';
}

/** Creates the stream or updates its limits; idempotent, safe for several replicas at boot. */
export async function ensureStream(jsm: JetStreamManager, spec: StreamSpec): Promise<void> {
  const config = {
    name: spec.name,
    subjects: spec.subjects,
    storage: StorageType.File,
    retention: RetentionPolicy.Limits,
    discard: spec.discard === 'new' ? DiscardPolicy.New : DiscardPolicy.Old,
    max_age: nanos(spec.maxAgeMs),
    max_bytes: spec.maxBytes ?? -1,
    duplicate_window: nanos(spec.duplicateWindowMs ?? 10 * 60_000),
    num_replicas: 1,
  };
  try {
    await jsm.streams.info(spec.name);
    const { name, ...update } = config;
    await jsm.streams.update(name, update);
  } catch (e) {
    if (!isNotFound(e)) throw e;
    try {
      await jsm.streams.add(config);
    } catch (e2) {
      // Lost a race with another replica creating the same stream.
      if (!String((e2 as Error).message).includes('already in use')) throw e2;
    }
  }
}

export async function ensureContextStream(jsm: JetStreamManager, ns: string, context: string): Promise<string> {
  const name = Streams.forContext(ns, context);
  await ensureStream(jsm, {
    name,
    subjects: [Subjects.contextEvents(ns, context)],
    maxAgeMs: (CONTEXT_RETENTION_DAYS[context] ?? 365) * DAY_MS,
  });
  return name;
}

export async function ensureDlqStream(jsm: JetStreamManager, ns: string): Promise<string> {
  const name = Streams.dlq(ns);
  await ensureStream(jsm, { name, subjects: [Subjects.dlqAll(ns)], maxAgeMs: 90 * DAY_MS });
  return name;
}

export interface ConsumerSpec {
  stream: string;
  durable: string;
  filterSubject: string;
  maxDeliver: number;
  /** Redelivery delays; the last repeats. */
  backoffMs: number[];
  ackWaitMs: number;
  maxAckPending?: number;
}

export async function ensureConsumer(jsm: JetStreamManager, spec: ConsumerSpec): Promise<void> {
  const config = {
    durable_name: spec.durable,
    ack_policy: AckPolicy.Explicit,
    deliver_policy: DeliverPolicy.All,
    filter_subject: spec.filterSubject,
    max_deliver: spec.maxDeliver,
    ack_wait: nanos(spec.ackWaitMs),
    max_ack_pending: spec.maxAckPending ?? 10_000,
  };
  try {
    await jsm.consumers.info(spec.stream, spec.durable);
    await jsm.consumers.update(spec.stream, spec.durable, {
      max_deliver: config.max_deliver,
      ack_wait: config.ack_wait,
      max_ack_pending: config.max_ack_pending,
    });
  } catch (e) {
    if (!isNotFound(e)) throw e;
    await jsm.consumers.add(spec.stream, config);
  }
}

function isNotFound(e: unknown): boolean {
  const msg = String((e as Error)?.message ?? e);
  return msg.includes('not found') || (e as { code?: number })?.code === 404 || (e as { api_error?: { code?: number } })?.api_error?.code === 404;
}

import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { AckPolicy, DeliverPolicy, type ConsumerMessages, type JsMsg } from '@nats-io/jetstream';
import { nanos } from '@nats-io/nats-core';
import { ServiceDatabase } from '@supra/platform/database';
import { ensureContextStream, ensureDlqStream, ensureStream, fromMsgHdrs, NatsClient, Streams, Subjects, toMsgHdrs } from '@supra/platform/messaging';
import { SERVICE_ENV } from '@supra/platform/runtime';
import { Metrics } from '@supra/platform/telemetry';
import type { IngestionEnv } from '../ingestion.env';
import { TenantDirectory } from '../meters/tenant-directory';
import { Clock } from './clock';
import { parseTelemetryMessage, type ParsedReading } from './parse-telemetry';
import { writeReadings, type TenantReadings } from './reading-writer';
import { TelemetryErrorCodes } from './telemetry.errors';
import { TenantQuotas } from './token-bucket';

export const TELEMETRY_DURABLE = 'ingestion__telemetry';
export const TELEMETRY_DLQ_CONSUMER = 'telemetry';

interface DeadLetter {
  msg: JsMsg;
  code: string;
  reason: string;
  /** A derived payload (the bad readings of a batch); the original message is then acked, not terminated. */
  data?: Uint8Array;
}

const te = new TextEncoder();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A meter's write lane (FNV-1a of its id). */
export function laneOf(meter: string, lanes: number): number {
  if (lanes === 1) return 0;
  let h = 0x811c9dc5;
  for (let i = 0; i < meter.length; i++) h = Math.imul(h ^ meter.charCodeAt(i), 0x01000193);
  return (h >>> 0) % lanes;
}

/**
 * The telemetry write path (see README.md). Not the platform's event strategy, which applies one
 * event per savepoint: here a batch of messages becomes one COPY and one INSERT … SELECT in one
 * transaction, and only after its commit are the messages acknowledged. A failed write is retried
 * in place, never skipped, so a message is acked only once its rows are durable.
 */
@Injectable()
export class TelemetryConsumer implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly log = new Logger('TelemetryConsumer');
  private readonly queue: JsMsg[] = [];
  private messages?: ConsumerMessages;
  private busy?: Promise<void>;
  private pumpLoop?: Promise<void>;
  private stopped = false;
  private readonly quotas: TenantQuotas;
  /** The tail of each write lane (one database connection each). */
  private lanes: Array<Promise<void>>;
  private wake?: () => void;
  private queuedBytes = 0;
  readonly stats = { messages: 0, readings: 0, inserted: 0, duplicates: 0, quarantined: 0, deadLettered: 0, quotaDelayed: 0, batches: 0, retries: 0 };

  constructor(
    @Inject(SERVICE_ENV) private readonly env: IngestionEnv,
    private readonly db: ServiceDatabase,
    private readonly nats: NatsClient,
    private readonly tenants: TenantDirectory,
    private readonly clock: Clock,
    metrics: Metrics,
  ) {
    this.lanes = Array.from({ length: env.INGEST_WRITE_LANES }, () => Promise.resolve());
    this.quotas = new TenantQuotas(env.INGEST_QUOTA_RPS, env.INGEST_QUOTA_BURST || env.INGEST_QUOTA_RPS * 2);
    for (const [k, help] of Object.entries({
      messages: 'Telemetry messages processed',
      readings: 'Telemetry readings received',
      inserted: 'Readings stored',
      duplicates: 'Readings already stored (redeliveries, duplicates)',
      quarantined: 'Readings of unknown meters quarantined',
      deadLettered: 'Telemetry dead letters',
      quotaDelayed: 'Messages delayed by a tenant quota',
    })) {
      metrics.gauge(`supra_ingestion_${k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)}`, help, () => this.stats[k as keyof typeof this.stats]);
    }
  }

  get ns(): string {
    return this.env.SUPRA_NAMESPACE;
  }

  async onApplicationBootstrap(): Promise<void> {
    const jsm = this.nats.jsm;
    const stream = Streams.telemetry(this.ns);
    await ensureStream(jsm, {
      name: stream,
      subjects: [Subjects.telemetryAll(this.ns)],
      maxAgeMs: this.env.TELEMETRY_STREAM_MAX_AGE_H * 3600_000,
      maxBytes: this.env.TELEMETRY_STREAM_MAX_BYTES,
      duplicateWindowMs: this.env.TELEMETRY_DUPLICATE_WINDOW_S * 1000,
    });
    await ensureDlqStream(jsm, this.ns);
    // The relay publishes our events but does not create the producing context's stream.
    await ensureContextStream(jsm, this.ns, 'ingestion');
    const maxAckPending = Math.max(20_000, this.env.INGEST_BATCH_SIZE * 4);
    try {
      await jsm.consumers.info(stream, TELEMETRY_DURABLE);
      await jsm.consumers.update(stream, TELEMETRY_DURABLE, { ack_wait: nanos(60_000), max_ack_pending: maxAckPending });
    } catch (e) {
      if (!/not found/i.test(String((e as Error).message))) throw e;
      await jsm.consumers.add(stream, {
        durable_name: TELEMETRY_DURABLE,
        ack_policy: AckPolicy.Explicit,
        deliver_policy: DeliverPolicy.All,
        filter_subject: Subjects.telemetryAll(this.ns),
        // Never give up on a message: malformed ones are dead-lettered by us, failed writes are infrastructure.
        max_deliver: -1,
        ack_wait: nanos(60_000),
        max_ack_pending: maxAckPending,
      });
    }
    const consumer = await this.nats.js.consumers.get(stream, TELEMETRY_DURABLE);
    this.messages = await consumer.consume({ max_messages: Math.min(this.env.INGEST_BATCH_SIZE * 2, maxAckPending) });
    this.pumpLoop = this.pump(this.messages);
    this.log.log(`telemetry consumer on ${stream} (${Subjects.telemetryAll(this.ns)}), batch ${this.env.INGEST_BATCH_SIZE}`);
  }

  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    await this.messages?.close().catch(() => undefined);
    await this.pumpLoop;
    await this.busy;
    await Promise.all(this.lanes);
  }

  private async pump(messages: ConsumerMessages): Promise<void> {
    for await (const m of messages) {
      if (this.stopped) break;
      this.queue.push(m);
      this.queuedBytes += m.data.length;
      if (!this.busy) this.busy = this.drain();
      else if (this.batchFull()) this.wake?.();
    }
  }

  /**
   * Whatever arrived while earlier batches were being written forms the next batch. While one batch
   * is being written, the next one is cut as soon as it is full (up to one batch per lane in flight),
   * so parsing and routing overlap the writes; at low rates there is one batch at a time.
   */
  private async drain(): Promise<void> {
    const inFlight = new Set<Promise<void>>();
    try {
      while (!this.stopped) {
        if (this.queue.length && (inFlight.size === 0 || (this.batchFull() && inFlight.size < this.lanes.length))) {
          const done: Promise<void> = this.processBatch(this.cutBatch()).then(
            () => void inFlight.delete(done),
            // Only when stopping: the batch stays unacknowledged and is redelivered to the next consumer.
            (e: Error) => void (inFlight.delete(done), this.log.warn(`batch abandoned while stopping: ${e.message}`)),
          );
          inFlight.add(done);
          continue;
        }
        if (!inFlight.size) break;
        await Promise.race([...inFlight, new Promise<void>((r) => (this.wake = r))]);
        this.wake = undefined;
      }
      await Promise.all(inFlight);
    } finally {
      this.busy = undefined;
    }
  }

  private batchFull(): boolean {
    return this.queue.length >= this.env.INGEST_BATCH_SIZE || this.queuedBytes >= this.env.INGEST_BATCH_BYTES;
  }

  /** The next batch: up to INGEST_BATCH_SIZE messages and about INGEST_BATCH_BYTES of payload. */
  private cutBatch(): JsMsg[] {
    let n = 0;
    let bytes = 0;
    while (n < this.queue.length && n < this.env.INGEST_BATCH_SIZE && bytes < this.env.INGEST_BATCH_BYTES) bytes += this.queue[n++].data.length;
    this.queuedBytes -= bytes;
    return this.queue.splice(0, n);
  }

  /** Takes this batch's turn on every lane now, so lanes write batches in the order they were cut. */
  private processBatch(batch: JsMsg[]): Promise<void> {
    const turns = [...this.lanes];
    const release: Array<() => void> = [];
    this.lanes = turns.map(() => new Promise<void>((r) => release.push(r)));
    return this.writeBatch(batch, turns, release).finally(() => release.forEach((r) => r()));
  }

  private async writeBatch(batch: JsMsg[], turns: Array<Promise<void>>, release: Array<() => void>): Promise<void> {
    const now = this.clock.now();
    const opts = { ns: this.ns, nowMs: now, futureToleranceMs: this.env.INGEST_FUTURE_TOLERANCE_S * 1000 };
    const parsed = batch.map((msg) => ({ msg, r: parseTelemetryMessage(msg.subject, msg.data, opts) }));
    const slugs = parsed.flatMap((p) => (p.r.ok ? [p.r.tenant] : []));
    const tenantIds = await this.retry('resolve tenants', () => this.tenants.resolve(slugs, now));

    const dead: DeadLetter[] = [];
    const delayed: Array<{ msg: JsMsg; ms: number }> = [];
    const toAck: JsMsg[] = [];
    // Readings are spread over lanes by meter: one meter's readings are always written by the same
    // lane, in order, so the register checks and the meter's last state never race.
    const lanes = turns.map(() => new Map<string, ParsedReading[]>());
    for (const { msg, r } of parsed) {
      if (!r.ok) {
        dead.push({ msg, code: r.code, reason: r.reason });
        continue;
      }
      const tenantId = tenantIds.get(r.tenant);
      if (!tenantId) {
        dead.push({ msg, code: TelemetryErrorCodes.tenantUnknown, reason: `tenant ${r.tenant} is not registered with ingestion` });
        continue;
      }
      const quota = this.quotas.take(r.tenant, r.readings.length + r.invalid.length, now);
      if (!quota.ok) {
        delayed.push({ msg, ms: quota.retryInMs });
        continue;
      }
      if (r.invalid.length) {
        dead.push({
          msg,
          code: TelemetryErrorCodes.readingInvalid,
          reason: r.invalid.map((i) => `readings[${i.index}]: ${i.reason}`).join('; '),
          data: te.encode(JSON.stringify({ readings: r.invalid.map((i) => i.reading) })),
        });
      }
      for (const x of r.readings) {
        const byTenant = lanes[laneOf(x.meter, lanes.length)];
        let list = byTenant.get(tenantId);
        if (!list) byTenant.set(tenantId, (list = []));
        list.push(x);
      }
      toAck.push(msg);
    }

    // Over quota: back-pressure. The message stays in the stream and comes back after the delay.
    for (const d of delayed) d.msg.nak(d.ms);
    this.stats.quotaDelayed += delayed.length;

    // Dead letters are persisted (DLQ stream) before their originals are acknowledged or terminated.
    await Promise.all(dead.map((d) => this.retry('dead-letter', () => this.deadLetter(d))));

    // Bulk write for many tenants at once: one system transaction (BYPASSRLS) per lane is the only
    // way to COPY a mixed batch; tenant ids come from the registry, never from the payload. A
    // message is acked once every lane holding its readings has committed.
    const results = await Promise.all(
      lanes.map(async (byTenant, i) => {
        const batches: TenantReadings[] = [...byTenant].map(([tenantId, readings]) => ({ tenantId, readings }));
        await turns[i];
        try {
          if (!batches.length) return { rows: 0, inserted: 0, quarantined: 0 };
          return await this.retry('write readings', () => this.db.asSystem((em) => writeReadings(em, batches)), batch);
        } finally {
          release[i]();
        }
      }),
    );
    for (const m of toAck) m.ack();
    for (const d of dead) if (!d.data) d.msg.term(d.code);

    this.stats.batches++;
    this.stats.messages += batch.length;
    for (const result of results) {
      this.stats.readings += result.rows;
      this.stats.inserted += result.inserted;
      this.stats.quarantined += result.quarantined;
      this.stats.duplicates += result.rows - result.inserted - result.quarantined;
    }
  }

  private async deadLetter(d: DeadLetter): Promise<void> {
    const headers = fromMsgHdrs(d.msg.headers);
    delete headers['nats-msg-id'];
    Object.assign(headers, {
      'supra-dlq-code': d.code,
      'supra-dlq-reason': d.reason.slice(0, 4000),
      'supra-dlq-subject': d.msg.subject,
      'supra-dlq-stream-seq': String(d.msg.seq),
      'supra-dlq-deliveries': String(d.msg.info.deliveryCount),
      'supra-dlq-consumer': TELEMETRY_DURABLE,
      'supra-dlq-at': new Date(this.clock.now()).toISOString(),
    });
    await this.nats.js.publish(Subjects.dlq(this.ns, 'ingestion', TELEMETRY_DLQ_CONSUMER), d.data ?? d.msg.data, {
      headers: toMsgHdrs(headers),
      timeout: 5_000,
    });
    this.stats.deadLettered++;
  }

  /** Retries an infrastructure step until it works (keeping the batch's messages alive) or the service stops. */
  private async retry<T>(what: string, fn: () => Promise<T>, keepAlive: JsMsg[] = []): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await fn();
      } catch (e) {
        if (this.stopped) throw e;
        this.stats.retries++;
        this.log.warn(`${what} failed (attempt ${attempt}), retrying: ${(e as Error).message}`);
        for (const m of keepAlive) m.working();
        await sleep(Math.min(5_000, 100 * 2 ** Math.min(attempt, 6)));
      }
    }
  }
}

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
  readonly stats = { messages: 0, readings: 0, inserted: 0, duplicates: 0, quarantined: 0, deadLettered: 0, quotaDelayed: 0, batches: 0, retries: 0 };

  constructor(
    @Inject(SERVICE_ENV) private readonly env: IngestionEnv,
    private readonly db: ServiceDatabase,
    private readonly nats: NatsClient,
    private readonly tenants: TenantDirectory,
    private readonly clock: Clock,
    metrics: Metrics,
  ) {
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
  }

  private async pump(messages: ConsumerMessages): Promise<void> {
    for await (const m of messages) {
      if (this.stopped) break;
      this.queue.push(m);
      this.busy ??= this.drain();
    }
  }

  /** Whatever arrived while the previous batch was being written forms the next batch. */
  private async drain(): Promise<void> {
    try {
      while (this.queue.length && !this.stopped) {
        await this.processBatch(this.queue.splice(0, this.env.INGEST_BATCH_SIZE));
      }
    } catch (e) {
      // Only when stopping: the batch stays unacknowledged and is redelivered to the next consumer.
      this.log.warn(`batch abandoned while stopping: ${(e as Error).message}`);
    } finally {
      this.busy = undefined;
    }
  }

  private async processBatch(batch: JsMsg[]): Promise<void> {
    const now = this.clock.now();
    const opts = { ns: this.ns, nowMs: now, futureToleranceMs: this.env.INGEST_FUTURE_TOLERANCE_S * 1000 };
    const parsed = batch.map((msg) => ({ msg, r: parseTelemetryMessage(msg.subject, msg.data, opts) }));
    const slugs = parsed.flatMap((p) => (p.r.ok ? [p.r.tenant] : []));
    const tenantIds = await this.retry('resolve tenants', () => this.tenants.resolve(slugs, now));

    const dead: DeadLetter[] = [];
    const delayed: Array<{ msg: JsMsg; ms: number }> = [];
    const toAck: JsMsg[] = [];
    const byTenant = new Map<string, ParsedReading[]>();
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
      let list = byTenant.get(tenantId);
      if (!list) byTenant.set(tenantId, (list = []));
      for (const x of r.readings) list.push(x);
      toAck.push(msg);
    }
    const batches: TenantReadings[] = [...byTenant].map(([tenantId, readings]) => ({ tenantId, readings }));

    // Over quota: back-pressure. The message stays in the stream and comes back after the delay.
    for (const d of delayed) d.msg.nak(d.ms);
    this.stats.quotaDelayed += delayed.length;

    // Dead letters are persisted (DLQ stream) before their originals are acknowledged or terminated.
    await Promise.all(dead.map((d) => this.retry('dead-letter', () => this.deadLetter(d))));

    // Bulk write for many tenants at once: one system transaction (BYPASSRLS) is the only way to
    // COPY a mixed batch; tenant ids come from the registry, never from the payload.
    const result = await this.retry('write readings', () => this.db.asSystem((em) => writeReadings(em, batches)), batch);
    for (const m of toAck) m.ack();
    for (const d of dead) if (!d.data) d.msg.term(d.code);

    this.stats.batches++;
    this.stats.messages += batch.length;
    this.stats.readings += result.rows;
    this.stats.inserted += result.inserted;
    this.stats.quarantined += result.quarantined;
    this.stats.duplicates += result.rows - result.inserted - result.quarantined;
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

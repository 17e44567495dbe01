import { Server, type CustomTransportStrategy, type MessageHandler } from '@nestjs/microservices';
import { BaseRpcContext } from '@nestjs/microservices';
import type { JsMsg, ConsumerMessages } from '@nats-io/jetstream';
import type { Msg, Subscription } from '@nats-io/nats-core';
import { isObservable, lastValueFrom } from 'rxjs';
import type { EntityManager } from 'typeorm';
import { runInTransaction, type ServiceDatabase } from '@supra/platform/database';
import { CommonErrors, isDomainError, type FieldError, type SerializedError, DomainError } from '@supra/platform/errors';
import { TenantContext, contextFromHeaders, type RequestContext } from '@supra/platform/tenancy';
import { CloudEventFormatError, decode, type CloudEvent } from './binding';
import { durableName, Streams, Subjects, contextOfType } from './naming';
import { fromMsgHdrs, toMsgHdrs, type NatsClient } from './nats-connection';
import { ensureConsumer, ensureContextStream, ensureDlqStream } from './streams';
import { SpanKind, withSpanFromHeaders } from './trace';

export type EventDataValidator = (type: string, data: unknown) => FieldError[] | null;

export interface JetStreamServerOptions {
  service: string;
  ns: string;
  nats: NatsClient;
  db: ServiceDatabase;
  validateEvent?: EventDataValidator;
  maxDeliver?: number;
  backoffMs?: number[];
  ackWaitMs?: number;
  /** Messages applied in one database transaction. */
  batchSize?: number;
  /** Batches applied at once, each by its own transaction (events of one aggregate share a lane). */
  lanes?: number;
  logger?: { info(o: unknown, m?: string): void; warn(o: unknown, m?: string): void; error(o: unknown, m?: string): void };
}

/** What a handler receives with `@Ctx()` for an event. */
export class EventContext extends BaseRpcContext<[CloudEvent, JsMsg | undefined]> {
  get event(): CloudEvent {
    return this.getArgByIndex(0);
  }
  get deliveryCount(): number {
    return this.getArgByIndex(1)?.info.deliveryCount ?? 1;
  }
}

/** What a handler receives with `@Ctx()` for an RPC request. */
export class RpcRequestContext extends BaseRpcContext<[string, RequestContext | undefined]> {
  get subject(): string {
    return this.getArgByIndex(0);
  }
  get request(): RequestContext | undefined {
    return this.getArgByIndex(1);
  }
}

export interface RpcReply<T = unknown> {
  ok: boolean;
  data?: T;
  error?: SerializedError;
}

interface Pending {
  msg: JsMsg;
  event: CloudEvent;
  /** The message's headers, read once (the span continues the trace they carry). */
  headers: Record<string, string>;
}

/** Inbox key of an event: a redelivery, or a second copy in the same batch, has the same one. */
const inboxKey = (e: CloudEvent): string => `${e.source}\n${e.id}`;

/** FNV-1a hash of the aggregate id, modulo the number of lanes. */
function laneOf(key: string, lanes: number): number {
  if (lanes === 1) return 0;
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193);
  return (h >>> 0) % lanes;
}

/** A handler failed on the fast path: which event, and why. */
class HandlerFailure extends Error {
  constructor(
    readonly index: number,
    cause: unknown,
  ) {
    super('event handler failed', { cause });
  }
}

const te = new TextEncoder();
const td = new TextDecoder();

/**
 * Nest transport strategy for SUPRA's two kinds of messages:
 *
 * - `@MessagePattern('<operation>')`: request/reply on core NATS subject `rpc.<service>.<operation>`
 *   with a queue group, the request context (tenant, user, permissions) from headers. The reply is
 *   `{ ok, data }` or `{ ok: false, error }` with the domain error code.
 * - `@EventPattern('<event type>')`: a durable pull consumer on the producing context's stream.
 *   Events are applied in batches: one database transaction, each event in a savepoint with its
 *   tenant set and its `(source, id)` recorded in the inbox (a redelivery is a no-op). Acks happen
 *   only after commit. A failing event is rolled back alone and nak'ed with backoff; after
 *   `maxDeliver` attempts, or at once when it is malformed, fails validation or raises a
 *   non-retryable domain error, it goes to `dlq.<service>.<consumer>` with the reason and its
 *   original headers, and is terminated.
 */
export class JetStreamServer extends Server implements CustomTransportStrategy {
  private readonly subscriptions: Subscription[] = [];
  private readonly consumers: ConsumerMessages[] = [];
  private readonly loops: Promise<void>[] = [];
  private closing = false;
  readonly stats = { applied: 0, duplicates: 0, naks: 0, deadLettered: 0, rpc: 0, batches: 0 };

  constructor(private readonly opts: JetStreamServerOptions) {
    super();
  }

  on(): void {
    // No transport-level events to expose.
  }

  unwrap<T>(): T {
    return this.opts.nats as T;
  }

  listen(callback: (err?: unknown) => void): void {
    this.start().then(
      () => callback(),
      (e) => callback(e),
    );
  }

  async close(): Promise<void> {
    this.closing = true;
    for (const s of this.subscriptions) await s.drain().catch(() => undefined);
    for (const c of this.consumers) await c.close().catch(() => undefined);
    await Promise.allSettled(this.loops);
  }

  private async start(): Promise<void> {
    const nc = await this.opts.nats.connect();
    await ensureDlqStream(this.opts.nats.jsm, this.opts.ns);
    for (const [pattern, handler] of this.messageHandlers) {
      if (handler.isEventHandler) await this.startConsumer(pattern, handler);
      else {
        const subject = Subjects.rpc(this.opts.ns, this.opts.service, pattern);
        const sub = nc.subscribe(subject, { queue: this.opts.service });
        this.subscriptions.push(sub);
        this.loops.push(this.serveRpc(sub, pattern, handler));
      }
    }
  }

  // ---------------------------------------------------------------- RPC

  private async serveRpc(sub: Subscription, pattern: string, handler: MessageHandler): Promise<void> {
    for await (const msg of sub) {
      void this.handleRpc(msg, pattern, handler);
    }
  }

  private async handleRpc(msg: Msg, pattern: string, handler: MessageHandler): Promise<void> {
    const headers = fromMsgHdrs(msg.headers);
    const ctx = contextFromHeaders((n) => headers[n]);
    let reply: RpcReply;
    try {
      const payload = msg.data.length ? JSON.parse(td.decode(msg.data)) : {};
      const data = await withSpanFromHeaders(`rpc ${this.opts.service}.${pattern}`, headers, SpanKind.SERVER, { 'messaging.system': 'nats', 'rpc.method': pattern }, () => {
        const run = () => this.invoke(handler, payload, new RpcRequestContext([msg.subject, ctx]));
        return ctx ? TenantContext.run(ctx, run) : run();
      });
      reply = { ok: true, data };
      this.stats.rpc++;
    } catch (e) {
      if (!isDomainError(e)) this.opts.logger?.error({ err: e, pattern }, 'rpc handler failed');
      reply = { ok: false, error: (isDomainError(e) ? e : CommonErrors.internal(e)).toJSON() };
    }
    if (msg.reply) msg.respond(te.encode(JSON.stringify(reply)));
  }

  private async invoke(handler: MessageHandler, payload: unknown, ctx: BaseRpcContext): Promise<unknown> {
    const result = await handler(payload, ctx);
    return isObservable(result) ? lastValueFrom(result, { defaultValue: undefined }) : result;
  }

  // ---------------------------------------------------------------- events

  private async startConsumer(type: string, handler: MessageHandler): Promise<void> {
    const { nats, ns, service } = this.opts;
    const stream = await ensureContextStream(nats.jsm, ns, contextOfType(type));
    const durable = durableName(service, type);
    await ensureConsumer(nats.jsm, {
      stream,
      durable,
      filterSubject: Subjects.eventFilter(ns, type),
      maxDeliver: this.opts.maxDeliver ?? 5,
      backoffMs: this.backoff,
      ackWaitMs: this.opts.ackWaitMs ?? 30_000,
    });
    const consumer = await nats.js.consumers.get(stream, durable);
    const messages = await consumer.consume({ max_messages: (this.opts.batchSize ?? 200) * 2 });
    this.consumers.push(messages);
    this.loops.push(this.pump(messages, durable, handler));
  }

  private get backoff(): number[] {
    return this.opts.backoffMs ?? [200, 1_000, 5_000, 30_000];
  }

  /**
   * Gathers what arrived while the previous batch was being applied into the next batch. Messages
   * are spread over `lanes` by aggregate (`ce-subject`): each lane applies its batches one after
   * the other, so events of one aggregate keep their order while lanes overlap their database
   * round trips.
   */
  private async pump(messages: ConsumerMessages, consumer: string, handler: MessageHandler): Promise<void> {
    const batchSize = this.opts.batchSize ?? 200;
    const lanes = Array.from({ length: Math.max(1, this.opts.lanes ?? 2) }, () => ({ queue: [] as JsMsg[], busy: undefined as Promise<void> | undefined }));
    const drain = async (lane: (typeof lanes)[number]): Promise<void> => {
      while (lane.queue.length) {
        const batch = lane.queue.splice(0, batchSize);
        await this.applyBatch(batch, consumer, handler).catch((e) => {
          this.opts.logger?.error({ err: e, consumer }, 'batch failed; naking');
          for (const m of batch) m.nak(this.backoff[0]);
        });
      }
      lane.busy = undefined;
    };
    for await (const m of messages) {
      const lane = lanes[laneOf(m.headers?.get('ce-subject') ?? '', lanes.length)];
      lane.queue.push(m);
      lane.busy ??= Promise.resolve().then(() => drain(lane));
    }
    await Promise.all(lanes.map((l) => l.busy));
  }

  /**
   * Fast path: the whole batch in one transaction, the inbox claimed with one INSERT per run of
   * same-tenant events. If a handler throws, the transaction is rolled back and the batch is
   * applied again on the careful path (one savepoint per event) so that only the failing events
   * are retried; the event that failed is not invoked a second time for the same delivery.
   */
  private async applyBatch(batch: JsMsg[], consumer: string, handler: MessageHandler): Promise<void> {
    const valid: Pending[] = [];
    for (const msg of batch) {
      const p = this.decodeAndValidate(msg, consumer);
      if (p) valid.push(p);
    }
    if (!valid.length) return;
    this.stats.batches++;
    let failedFirst: { index: number; error: unknown } | undefined;
    try {
      await this.opts.db.app.transaction((em) => this.applyFast(em, valid, consumer, handler));
    } catch (e) {
      if (!(e instanceof HandlerFailure)) throw e;
      failedFirst = { index: e.index, error: e.cause };
    }
    if (!failedFirst) {
      for (const p of valid) p.msg.ack();
      this.stats.applied += valid.length;
      return;
    }
    const done: JsMsg[] = [];
    const failed: Array<{ msg: JsMsg; error: unknown }> = [];
    await this.opts.db.app.transaction(async (em) => {
      for (let i = 0; i < valid.length; i++) {
        const p = valid[i];
        if (i === failedFirst.index) {
          failed.push({ msg: p.msg, error: failedFirst.error });
          continue;
        }
        await em.query('SAVEPOINT ev');
        try {
          await this.setTenant(em, p.event);
          const claimed = await this.claim(em, consumer, [p.event]);
          if (claimed.has(inboxKey(p.event))) await this.invokeEvent(em, p, consumer, handler);
          await em.query('RELEASE SAVEPOINT ev');
          done.push(p.msg);
        } catch (error) {
          await em.query('ROLLBACK TO SAVEPOINT ev');
          failed.push({ msg: p.msg, error });
        }
      }
    });
    // Committed: now, and only now, acknowledge.
    for (const m of done) m.ack();
    this.stats.applied += done.length;
    for (const f of failed) await this.onFailure(f.msg, consumer, f.error);
  }

  private async applyFast(em: EntityManager, valid: Pending[], consumer: string, handler: MessageHandler): Promise<void> {
    let i = 0;
    while (i < valid.length) {
      const tenant = String(valid[i].event['tenantid']);
      let j = i;
      while (j < valid.length && String(valid[j].event['tenantid']) === tenant) j++;
      await this.setTenant(em, valid[i].event);
      const claimed = await this.claim(em, consumer, valid.slice(i, j).map((p) => p.event));
      for (let k = i; k < j; k++) {
        // delete: a second copy of the same event in this batch is a duplicate too.
        if (!claimed.delete(inboxKey(valid[k].event))) continue;
        try {
          await this.invokeEvent(em, valid[k], consumer, handler);
        } catch (e) {
          throw new HandlerFailure(k, e);
        }
      }
      i = j;
    }
  }

  private setTenant(em: EntityManager, event: CloudEvent): Promise<unknown> {
    return em.query(`SELECT set_config('app.tenant_id', $1, true)`, [String(event['tenantid'])]);
  }

  /**
   * Records the events in the inbox; returns the inbox keys that were new (the others are
   * duplicates). One statement of fixed text whatever the batch size (array parameters, so the
   * statement cache prepares it once), returning only the events already there (usually none).
   */
  private async claim(em: EntityManager, consumer: string, events: CloudEvent[]): Promise<Set<string>> {
    const existing = (await em.query(
      `WITH v AS (SELECT * FROM unnest($2::text[], $3::text[], $4::uuid[], $5::text[]) AS v(source, id, tenant_id, type)),
            ins AS (INSERT INTO ${this.opts.db.schema}.inbox (consumer, source, id, tenant_id, type)
                    SELECT $1, source, id, tenant_id, type FROM v ON CONFLICT DO NOTHING RETURNING source, id)
       SELECT v.source, v.id FROM v LEFT JOIN ins USING (source, id) WHERE ins.id IS NULL`,
      [consumer, events.map((e) => e.source), events.map((e) => e.id), events.map((e) => String(e['tenantid'])), events.map((e) => e.type)],
    )) as Array<{ source: string; id: string }>;
    const keys = new Set(events.map(inboxKey));
    for (const r of existing) keys.delete(`${r.source}\n${r.id}`);
    this.stats.duplicates += events.length - keys.size;
    return keys;
  }

  private invokeEvent(em: EntityManager, p: Pending, consumer: string, handler: MessageHandler): Promise<unknown> {
    const tenantId = String(p.event['tenantid']);
    const ctx: RequestContext = {
      tenantId,
      tenantSlug: p.event['tenantslug'] as string | undefined,
      correlationId: (p.event['correlationid'] as string | undefined) ?? p.event.id,
      causationId: p.event.id,
    };
    return withSpanFromHeaders(
      `consume ${p.event.type}`,
      p.headers,
      SpanKind.CONSUMER,
      { 'messaging.system': 'nats', 'messaging.consumer': consumer, 'cloudevents.event_id': p.event.id },
      () => TenantContext.run(ctx, () => runInTransaction(em, tenantId, () => this.invoke(handler, p.event.data, new EventContext([p.event, p.msg])))),
    );
  }

  private decodeAndValidate(msg: JsMsg, consumer: string): Pending | undefined {
    let event: CloudEvent;
    let headers: Record<string, string>;
    try {
      headers = fromMsgHdrs(msg.headers);
      event = decode(headers, msg.data);
    } catch (e) {
      const code = e instanceof CloudEventFormatError ? `${e.code}.${e.reason}` : 'MESSAGING.MALFORMED';
      void this.deadLetter(msg, consumer, code, (e as Error).message);
      return undefined;
    }
    if (!event['tenantid']) {
      void this.deadLetter(msg, consumer, 'MESSAGING.TENANT_MISSING', 'ce-tenantid is required');
      return undefined;
    }
    const errors = this.opts.validateEvent?.(event.type, event.data);
    if (errors && errors.length) {
      void this.deadLetter(msg, consumer, 'MESSAGING.DATA_INVALID', JSON.stringify(errors));
      return undefined;
    }
    return { msg, event, headers };
  }

  private async onFailure(msg: JsMsg, consumer: string, error: unknown): Promise<void> {
    const retryable = !isDomainError(error) || error.retryable;
    const deliveries = msg.info.deliveryCount;
    const max = this.opts.maxDeliver ?? 5;
    if (!retryable || deliveries >= max) {
      const code = isDomainError(error) ? error.code : 'MESSAGING.HANDLER_FAILED';
      const message = (error as Error)?.message ?? String(error);
      const reason = retryable ? `gave up after ${deliveries} deliveries: ${message}` : message;
      await this.deadLetter(msg, consumer, code, reason);
      return;
    }
    this.stats.naks++;
    this.opts.logger?.warn({ err: error, consumer, deliveries }, 'event handler failed; will retry');
    msg.nak(this.backoff[Math.min(deliveries - 1, this.backoff.length - 1)]);
  }

  /** Publishes to the dead-letter subject (persisted by the DLQ stream), then terminates. */
  private async deadLetter(msg: JsMsg, consumer: string, code: string, reason: string): Promise<void> {
    const headers = fromMsgHdrs(msg.headers);
    Object.assign(headers, {
      'supra-dlq-code': code,
      'supra-dlq-reason': reason.slice(0, 4000),
      'supra-dlq-subject': msg.subject,
      'supra-dlq-stream-seq': String(msg.seq),
      'supra-dlq-deliveries': String(msg.info.deliveryCount),
      'supra-dlq-consumer': consumer,
      'supra-dlq-at': new Date().toISOString(),
    });
    delete headers['nats-msg-id'];
    try {
      await this.opts.nats.js.publish(Subjects.dlq(this.opts.ns, this.opts.service, consumer), msg.data, {
        headers: toMsgHdrs(headers),
        timeout: 5_000,
      });
      this.stats.deadLettered++;
      msg.term(code);
    } catch (e) {
      // Could not persist the dead letter: keep the message, it will come back.
      this.opts.logger?.error({ err: e }, 'dead-letter publish failed');
      msg.nak(this.backoff[this.backoff.length - 1]);
    }
  }
}

export { Streams, DomainError };

import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { AckPolicy, DeliverPolicy, type JsMsg } from '@nats-io/jetstream';
import { nanos } from '@nats-io/nats-core';
import { ServiceDatabase } from '@supra/platform/database';
import { ensureContextStream, ensureDlqStream, ensureStream, fromMsgHdrs, NatsClient, Streams, Subjects, toMsgHdrs } from '@supra/platform/messaging';
import { SERVICE_ENV } from '@supra/platform/runtime';
import { Metrics } from '@supra/platform/telemetry';
import type { IngestionEnv } from '../ingestion.env';
import { TenantDirectory } from '../meters/tenant-directory';
import { Clock } from './clock';
import { ackSequences } from './ack-subject';
import { parseTelemetryMessage, type ParsedReading, type ParseResult } from './parse-telemetry';
import { MARK_REFRESH_S, type TenantReadings, type WriteResult } from './reading-writer';
import { isUniqueViolation, LaneWriter, METERS_EXCLUSIVE_SQL, type LaneWrite } from './lane-writer';
import { TelemetryErrorCodes } from './telemetry.errors';
import { TenantQuotas } from './token-bucket';
import { ConsumerLease, LeaseLostError } from './consumer-lease';

export const TELEMETRY_DURABLE = 'ingestion__telemetry';
export const TELEMETRY_DLQ_CONSUMER = 'telemetry';

/** One consumption under the lease, from a consumer reset to its end. */
interface Session {
  /** The consumer's next delivery sequence: every delivery must be ours. */
  nextDelivery: number;
  /** Once set, nothing more is acked (ended, or a batch was abandoned). */
  broken: boolean;
  ackedSeq: number;
  ackTail: Promise<void>;
}

/** A delivered message with its stream sequence, parsed on arrival unless the queue is long (then when cut). */
interface Queued {
  msg: JsMsg;
  r?: ParseResult;
  seq: number;
}

interface DeadLetter {
  msg: JsMsg;
  code: string;
  reason: string;
  /** A derived payload (the bad readings of a batch); the original message is then acked, not terminated. */
  data?: Uint8Array;
}

const te = new TextEncoder();
/** How much of the queue is parsed on arrival, in INGEST_BATCH_BYTES (see `receive`). */
const PARSE_AHEAD_BATCHES = 4;
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
  private readonly queue: Queued[] = [];
  /** Over-quota messages not yet committed (with their timer until they are queued again). */
  private readonly held = new Map<Queued, ReturnType<typeof setTimeout> | undefined>();
  private readonly lease: ConsumerLease;
  private session: Session = { nextDelivery: 1, broken: true, ackedSeq: 0, ackTail: Promise.resolve() };
  private endSession?: (why: string) => void;
  private busy?: Promise<void>;
  private runLoop?: Promise<void>;
  private stopped = false;
  private readonly quotas: TenantQuotas;
  /** The tail of each write lane (one database connection each). */
  private lanes: Array<Promise<void>>;
  private wake?: () => void;
  private queuedBytes = 0;
  /** The session's meter state and write path (see README.md, "Meter state"). */
  private writer?: LaneWriter;
  private streamCreated = '';
  private lastFlushAt = 0;
  private purgedBelow = 0;
  /** Newest stream sequence cut into a batch this session, and the newest position written with the state. */
  private cutUpTo = 0;
  private flushedUpTo = 0;
  /** An idle consumer still writes its state (and purges) once per INGEST_STATE_FLUSH_S: see `drain`. */
  private flushDue = false;
  /** The stream's last sequence at the reset: messages up to it are written in order (see `writeBatch`). */
  private catchUpTo = 0;
  readonly stats = {
    messages: 0,
    readings: 0,
    inserted: 0,
    duplicates: 0,
    quarantined: 0,
    deadLettered: 0,
    quotaDelayed: 0,
    batches: 0,
    retries: 0,
    freshRows: 0,
    slowRows: 0,
    slowFallbacks: 0,
    refreshedByKey: 0,
    parsedWhenCut: 0,
  };

  constructor(
    @Inject(SERVICE_ENV) private readonly env: IngestionEnv,
    private readonly db: ServiceDatabase,
    private readonly nats: NatsClient,
    private readonly tenants: TenantDirectory,
    private readonly clock: Clock,
    metrics: Metrics,
  ) {
    this.lanes = Array.from({ length: env.INGEST_WRITE_LANES }, () => Promise.resolve());
    this.lease = new ConsumerLease(env.DATABASE_URL, `supra.ingestion.telemetry.${env.SUPRA_NAMESPACE}`);
    this.quotas = new TenantQuotas(env.INGEST_QUOTA_RPS, env.INGEST_QUOTA_BURST || env.INGEST_QUOTA_RPS * 2);
    for (const [k, help] of Object.entries({
      messages: 'Telemetry messages processed',
      readings: 'Telemetry readings received',
      inserted: 'Readings stored',
      duplicates: 'Readings already stored (redeliveries, duplicates)',
      quarantined: 'Readings of unknown meters quarantined',
      deadLettered: 'Telemetry dead letters',
      quotaDelayed: 'Messages delayed by a tenant quota',
      freshRows: 'Readings COPYed straight in (after their meter\'s latest stored key)',
      slowRows: 'Readings written through staging (duplicates, out of order, unknown meters)',
      slowFallbacks: 'Lane writes redone the slow way (a duplicate among fresh rows: the state was behind)',
      refreshedByKey: 'Meter-change refreshes that read the cached meters by key (more meters changed than the lane caches)',
      parsedWhenCut: 'Messages parsed when their batch was cut, not on arrival (the queue was longer than the parse-ahead)',
    })) {
      metrics.gauge(`supra_ingestion_${k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)}`, help, () => this.stats[k as keyof typeof this.stats]);
    }
  }

  get ns(): string {
    return this.env.SUPRA_NAMESPACE;
  }

  async onApplicationBootstrap(): Promise<void> {
    const jsm = this.nats.jsm;
    await ensureStream(jsm, {
      name: this.stream,
      subjects: [Subjects.telemetryAll(this.ns)],
      maxAgeMs: this.env.TELEMETRY_STREAM_MAX_AGE_H * 3600_000,
      maxBytes: this.env.TELEMETRY_STREAM_MAX_BYTES,
      duplicateWindowMs: this.env.TELEMETRY_DUPLICATE_WINDOW_S * 1000,
      // A full stream refuses new telemetry (the gateways retry) instead of dropping unconsumed
      // readings; what is written is purged by us (see README.md, "Stream").
      discard: 'new',
    });
    await ensureDlqStream(jsm, this.ns);
    // The relay publishes our events but does not create the producing context's stream.
    await ensureContextStream(jsm, this.ns, 'ingestion');
    // A standby replica boots and serves everything else while it waits for the lease.
    this.runLoop = this.run();
  }

  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    this.endSession?.('stopping');
    await this.runLoop;
    await this.lease.release();
  }

  private get stream(): string {
    return Streams.telemetry(this.ns);
  }

  /** Lease, reset, consume; again after a lost lease or a delivery gap (see README.md, "Acks"). */
  private async run(): Promise<void> {
    while (!this.stopped) {
      try {
        const held = await this.lease.acquire(
          () => this.stopped,
          (why) => this.endSession?.(why),
        );
        // Stopping while the lease was being taken: onModuleDestroy's end signal found no session.
        if (!held || this.stopped) break;
        const why = await this.consumeSession();
        if (!this.stopped) this.log.warn(`telemetry consumption restarts: ${why}`);
      } catch (e) {
        this.log.error(`telemetry consumer: ${(e as Error).message}`);
      }
      await this.lease.release();
      if (!this.stopped) await sleep(500);
    }
  }

  /**
   * Recreates the durable where the written meter state stands (`telemetry.consumer_state`; the ack
   * floor before any state was written), so everything after it (not committed by a SIGKILLed
   * predecessor, or committed but not yet in the state) is delivered again, to us only.
   */
  private async resetConsumer(): Promise<void> {
    const jsm = this.nats.jsm;
    const streamInfo = await jsm.streams.info(this.stream);
    this.streamCreated = String(streamInfo.created);
    // Everything up to here may have been written by a predecessor: written in stream order, not held for quota.
    this.catchUpTo = streamInfo.state.last_seq;
    const info = await jsm.consumers.info(this.stream, TELEMETRY_DURABLE).catch((e: Error) => {
      if (/not found/i.test(e.message)) return undefined;
      throw e;
    });
    const floor = await this.db.asSystem(async (em) => {
      // Exclusive: a predecessor's write that passed its fencing check before it lost the lease
      // commits before we read where the written state stands (later ones fail the check).
      await em.query(METERS_EXCLUSIVE_SQL);
      const positions = (await em.query(`SELECT stream_created, stream_seq::text AS seq FROM telemetry.consumer_state`)) as Array<{
        stream_created: string;
        seq: string;
      }>;
      // Rows of an earlier stream of the same name (deleted and created again) do not apply.
      const ours = positions.length > 0 && positions.every((p) => p.stream_created === this.streamCreated);
      const at = ours ? Math.min(...positions.map((p) => Number(p.seq))) : (info?.ack_floor.stream_seq ?? 0);
      // One row per current lane, all at the resume point: each then moves only when its lane writes its state.
      await em.query(`DELETE FROM telemetry.consumer_state`);
      await em.query(
        `INSERT INTO telemetry.consumer_state (lane, stream_created, stream_seq) SELECT l, $1, $2 FROM generate_series(0, $3 - 1) AS l`,
        [this.streamCreated, at, this.lanes.length],
      );
      return at;
    });
    this.cutUpTo = this.flushedUpTo = floor;
    this.purgedBelow = 0;
    if (info) await jsm.consumers.delete(this.stream, TELEMETRY_DURABLE);
    await jsm.consumers.add(this.stream, {
      durable_name: TELEMETRY_DURABLE,
      ack_policy: AckPolicy.All,
      ...(floor > 0 ? { deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: floor + 1 } : { deliver_policy: DeliverPolicy.All }),
      filter_subject: Subjects.telemetryAll(this.ns),
      // Never give up on a message: malformed ones are dead-lettered by us, failed writes are infrastructure.
      max_deliver: -1,
      // Only this process gets redeliveries (a successor resets the durable), so a long wait costs nothing.
      ack_wait: nanos(300_000),
      max_ack_pending: this.maxAckPending,
    });
  }

  private get maxAckPending(): number {
    return Math.max(20_000, this.env.INGEST_BATCH_SIZE * 4);
  }

  private async consumeSession(): Promise<string> {
    await this.resetConsumer();
    const lanes = this.lanes.length;
    const markSkipMs = Math.min(MARK_REFRESH_S, this.env.SUMMARY_SETTLE_S / 3) * 1000;
    const writer = new LaneWriter(lanes, (m) => laneOf(m, lanes), markSkipMs, () => this.lease.pid, this.stats, (i) => this.db.systemClient(`lane-${i}`));
    await this.db.asSystem((em) => writer.start(em));
    this.writer = writer;
    this.lastFlushAt = Date.now();
    const flushEvery = this.env.INGEST_STATE_FLUSH_S * 1000;
    // Batches write the state when they come at least INGEST_STATE_FLUSH_S after the last write; once
    // the stream is drained none come, so the idle consumer writes it (and purges the stream) itself.
    const idleFlush = setInterval(() => {
      if (this.cutUpTo <= this.flushedUpTo || Date.now() - this.lastFlushAt < flushEvery || this.session.broken) return;
      this.flushDue = true;
      if (!this.busy) this.busy = this.drain();
    }, Math.min(1000, flushEvery));

    try {
      const consumer = await this.nats.js.consumers.get(this.stream, TELEMETRY_DURABLE);
      this.session = { nextDelivery: 1, broken: false, ackedSeq: 0, ackTail: Promise.resolve() };
      const session = this.session;
      const ended = new Promise<string>((r) => (this.endSession = r));
      // A stop that came while the session was being set up had no session to end: end it now.
      if (this.stopped) this.endSession?.('stopping');
      // A callback, not the async iterator: no promise and microtask per message (single-reading
      // messages are ~40k/s). What is delivered but unacked is bounded by max_ack_pending (a few
      // batches; acks are per batch), well inside ack_wait. Not max_bytes: a pull whose remaining
      // bytes cannot fit the next message ends only when it expires (a 30 s stall seen in the bench).
      const messages = await consumer.consume({
        max_messages: Math.min(this.env.INGEST_BATCH_SIZE, this.maxAckPending),
        callback: (m) => this.receive(m, session),
      });
      this.log.log(`telemetry consumer on ${this.stream} (${Subjects.telemetryAll(this.ns)}), batch ${this.env.INGEST_BATCH_SIZE}, ${this.lanes.length} lanes`);
      const pumping = messages.closed().then(
        (e) => (e ? `messages failed: ${e.message}` : 'messages closed'),
        (e: Error) => `messages failed: ${e.message}`,
      );
      const why = await Promise.race([ended, pumping]);
      // Nothing more is acknowledged in this session: whatever is not acked yet comes again after the reset.
      this.session.broken = true;
      this.endSession = undefined;
      await messages.close().catch(() => undefined);
      await pumping;
      await this.busy;
      await Promise.all(this.lanes);
      this.flushDue = false;
      for (const t of this.held.values()) if (t) clearTimeout(t);
      this.held.clear();
      this.writer = undefined;
      this.queue.length = 0;
      this.queuedBytes = 0;
      return why;
    } finally {
      // Also when the session fails: no idle write or lane connection outlives it.
      this.session.broken = true;
      clearInterval(idleFlush);
      if (this.writer === writer) this.writer = undefined;
      await writer.close();
    }
  }

  private receive(m: JsMsg, session: Session): void {
    if (this.stopped || session.broken || session !== this.session) return;
    // Every delivery of this consumer must come to us: a gap means another client pulls from it,
    // and an ack-all could then cover messages we never saw.
    // The implementation's reply subject (not in the JsMsg type); without it, the client's parse.
    const seqs = ackSequences((m as { reply?: string }).reply ?? '') ?? { streamSeq: m.info.streamSequence, deliverySeq: m.info.deliverySequence };
    if (seqs.deliverySeq !== session.nextDelivery) {
      session.broken = true;
      this.endSession?.(`delivery gap: expected ${session.nextDelivery}, got ${seqs.deliverySeq}`);
      return;
    }
    session.nextDelivery++;
    // Parsed here, one message per callback, not a whole batch at once when it is cut: a batch's
    // parse (milliseconds) would hold up the lanes' database round trips behind it. Only the next
    // few batches, though: parsed readings take ~30 times their bytes, and a backlog delivers up to
    // max_ack_pending messages (a 400,000-meter replay grew the process by ~500 MB).
    const r = this.queuedBytes < PARSE_AHEAD_BATCHES * this.env.INGEST_BATCH_BYTES ? this.parse(m) : undefined;
    this.enqueue({ msg: m, r, seq: seqs.streamSeq });
  }

  private parse(m: JsMsg): ParseResult {
    return parseTelemetryMessage(m.subject, m.data, { ns: this.ns, nowMs: this.clock.now(), futureToleranceMs: this.env.INGEST_FUTURE_TOLERANCE_S * 1000 });
  }

  private enqueue(q: Queued, front = false): void {
    if (front) this.queue.unshift(q);
    else this.queue.push(q);
    this.queuedBytes += q.msg.data.length;
    if (!this.busy) this.busy = this.drain();
    else if (this.batchFull()) this.wake?.();
  }

  /** Over quota: kept here (not nak'ed: an ack-all would cover a nak'ed message) and queued again after the delay. */
  private hold(q: Queued, ms: number): void {
    const timer = setTimeout(() => {
      if (!this.held.has(q)) return;
      this.held.set(q, undefined);
      this.enqueue(q, true);
    }, ms);
    this.held.set(q, timer);
  }

  /**
   * Whatever arrived while earlier batches were being written forms the next batch. While one batch
   * is being written, the next one is cut as soon as it is full (up to one batch per lane in flight),
   * so parsing and routing overlap the writes; at low rates there is one batch at a time.
   */
  private async drain(): Promise<void> {
    const inFlight = new Set<Promise<void>>();
    try {
      while (!this.stopped && !this.session.broken) {
        if (this.queue.length && (inFlight.size === 0 || (this.batchFull() && inFlight.size < this.lanes.length))) {
          const done: Promise<void> = this.processBatch(this.cutBatch()).then(
            () => void inFlight.delete(done),
            // The session ends or the service stops: the batch stays unacknowledged and comes again.
            (e: Error) => void (inFlight.delete(done), this.log.warn(`batch abandoned: ${e.message}`), this.endSession?.(`batch abandoned: ${e.message}`)),
          );
          inFlight.add(done);
          continue;
        }
        if (this.flushDue && !this.queue.length && !inFlight.size) {
          // Nothing in flight: an empty batch writes every lane's state at the newest position cut.
          this.flushDue = false;
          const done: Promise<void> = this.processBatch([]).then(
            () => void inFlight.delete(done),
            (e: Error) => void (inFlight.delete(done), this.endSession?.(`state write abandoned: ${e.message}`)),
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
  private cutBatch(): Queued[] {
    let n = 0;
    let bytes = 0;
    while (n < this.queue.length && n < this.env.INGEST_BATCH_SIZE && bytes < this.env.INGEST_BATCH_BYTES) bytes += this.queue[n++].msg.data.length;
    this.queuedBytes -= bytes;
    const batch = this.queue.splice(0, n);
    for (const q of batch) this.cutUpTo = Math.max(this.cutUpTo, q.seq);
    return batch;
  }

  /** Takes this batch's turn on every lane now, so lanes write batches in the order they were cut. */
  private processBatch(batch: Queued[]): Promise<void> {
    const turns = [...this.lanes];
    const release: Array<() => void> = [];
    this.lanes = turns.map(() => new Promise<void>((r) => release.push(r)));
    // Acks go in the order batches were cut: an ack-all must never overtake an earlier batch.
    const session = this.session;
    const previousAck = session.ackTail;
    let acked!: () => void;
    session.ackTail = new Promise<void>((r) => (acked = r));
    // The idle write (empty batch, nothing in flight) stands at everything cut so far: taken now.
    const idleAt = this.cutUpTo;
    return this.writeBatch(batch, turns, release, previousAck, idleAt)
      .catch((e: Error) => {
        session.broken = true;
        throw e;
      })
      .finally(() => {
        release.forEach((r) => r());
        acked();
      });
  }

  /**
   * The newest message of a committed batch that can be acked for everything before it: below
   * every held message, above the last ack. Called in batch order, after the earlier batches.
   */
  private ackAll(done: Queued[]): void {
    const session = this.session;
    if (session.broken || !done.length) return;
    let floor = Infinity;
    for (const q of this.held.keys()) floor = Math.min(floor, q.seq);
    let target: Queued | undefined;
    for (const q of done) if (q.seq < floor && q.seq > session.ackedSeq && (!target || q.seq > target.seq)) target = q;
    if (!target) return;
    target.msg.ack();
    session.ackedSeq = target.seq;
  }

  private async writeBatch(parsed: Queued[], turns: Array<Promise<void>>, release: Array<() => void>, previousAck: Promise<void>, idleAt: number): Promise<void> {
    const now = this.clock.now();
    const batch = parsed.map((q) => q.msg);
    const slugs = new Set<string>();
    const parses = parsed.map((q) => q.r ?? (this.stats.parsedWhenCut++, (q.r = this.parse(q.msg))));
    for (const r of parses) if (r.ok) slugs.add(r.tenant);
    const tenantIds = await this.retry('resolve tenants', () => this.tenants.resolve(slugs, now));

    const dead: DeadLetter[] = [];
    const delayed: Array<{ q: Queued; ms: number }> = [];
    // Readings are spread over lanes by meter: one meter's readings are always written by the same
    // lane, in order, so the register checks and the meter's last state never race.
    const lanes = turns.map(() => new Map<string, ParsedReading[]>());
    for (const [i, q] of parsed.entries()) {
      const msg = q.msg;
      const r = parses[i];
      if (!r.ok) {
        dead.push({ msg, code: r.code, reason: r.reason });
        continue;
      }
      const tenantId = tenantIds.get(r.tenant);
      if (!tenantId) {
        dead.push({ msg, code: TelemetryErrorCodes.tenantUnknown, reason: `tenant ${r.tenant} is not registered with ingestion` });
        continue;
      }
      // Catching up after a reset: a predecessor may have written some of these messages, and the
      // meter state is only exact again once they are all replayed in order; none is held for quota.
      const quota = q.seq <= this.catchUpTo ? { ok: true as const, retryInMs: 0 } : this.quotas.take(r.tenant, r.readings.length + r.invalid.length, now);
      if (!quota.ok) {
        delayed.push({ q, ms: quota.retryInMs });
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
    }

    // Over quota: back-pressure. The message stays unacknowledged and comes back after the delay.
    for (const d of delayed) this.hold(d.q, d.ms);
    this.stats.quotaDelayed += delayed.length;

    // Dead letters are persisted (DLQ stream) before their originals are acknowledged or terminated.
    await Promise.all(dead.map((d) => this.retry('dead-letter', () => this.deadLetter(d))));

    // Where the stream stands once this batch is written: below every message still held. Every
    // INGEST_STATE_FLUSH_S, each lane writes its meters' state with that position (and may then purge).
    // An empty batch is the idle write (run with nothing in flight): everything cut so far is written.
    let position = batch.length ? 0 : idleAt;
    for (const q of parsed) position = Math.max(position, q.seq);
    for (const q of this.held.keys()) position = Math.min(position, q.seq - 1);
    const flush = !batch.length || Date.now() - this.lastFlushAt >= this.env.INGEST_STATE_FLUSH_S * 1000;
    if (flush) this.lastFlushAt = Date.now();

    // Bulk write for many tenants at once: one system transaction (BYPASSRLS) per lane is the only
    // way to COPY a mixed batch; tenant ids come from the registry, never from the payload. A
    // message is acked once every lane holding its readings has committed.
    const results = await Promise.all(
      lanes.map(async (byTenant, i) => {
        const groups: TenantReadings[] = [...byTenant].map(([tenantId, readings]) => ({ tenantId, readings }));
        await turns[i];
        try {
          if (!groups.length && !flush) return { rows: 0, inserted: 0, quarantined: 0 };
          return await this.writeLane({ lane: i, groups, ...(flush ? { flush: { streamCreated: this.streamCreated, streamSeq: position } } : {}) }, batch);
        } finally {
          release[i]();
        }
      }),
    );
    if (flush) {
      this.flushedUpTo = Math.max(this.flushedUpTo, position);
      void this.purge(position);
    }
    // Committed (or dead-lettered): no longer held; acked once the batches before this one are.
    const isDelayed = new Set(delayed.map((d) => d.q));
    const done = parsed.filter((q) => !isDelayed.has(q));
    for (const q of done) this.held.delete(q);
    await previousAck;
    this.ackAll(done);

    this.stats.batches++;
    this.stats.messages += batch.length;
    for (const result of results) {
      this.stats.readings += result.rows;
      this.stats.inserted += result.inserted;
      this.stats.quarantined += result.quarantined;
      this.stats.duplicates += result.rows - result.inserted - result.quarantined;
    }
  }

  /** One lane's share, retried until it commits; a duplicate among "fresh" rows sends it the slow way. */
  private async writeLane(w: LaneWrite, keepAlive: JsMsg[]): Promise<WriteResult> {
    const writer = this.writer;
    if (!writer) throw new LeaseLostError();
    return this.retry(
      'write readings',
      async () => {
        for (let write = w; ; write = { ...write, allSlow: true }) {
          const attempt = writer.attempt(write);
          try {
            const result = await attempt.run();
            attempt.committed();
            return result;
          } catch (e) {
            attempt.failed();
            if (!isUniqueViolation(e) || write.allSlow) throw e;
          }
        }
      },
      keepAlive,
    );
  }

  /** Written readings leave the stream: it holds the backlog, not the history (see README.md, "Stream"). */
  private async purge(position: number): Promise<void> {
    if (position + 1 <= this.purgedBelow) return;
    try {
      // Positions number this stream: one deleted and created again under the same name starts anew.
      if (String((await this.nats.jsm.streams.info(this.stream)).created) !== this.streamCreated) {
        this.endSession?.('stream recreated');
        return;
      }
      await this.nats.jsm.streams.purge(this.stream, { seq: position + 1 });
      this.purgedBelow = position + 1;
    } catch (e) {
      this.log.warn(`purge of ${this.stream} below ${position + 1} failed: ${(e as Error).message}`);
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
        if (this.stopped || this.session.broken || e instanceof LeaseLostError) throw e;
        this.stats.retries++;
        this.log.warn(`${what} failed (attempt ${attempt}), retrying: ${(e as Error).message}`);
        for (const m of keepAlive) m.working();
        await sleep(Math.min(5_000, 100 * 2 ** Math.min(attempt, 6)));
      }
    }
  }
}

import { Client } from 'pg';
import type { ServiceDatabase } from '@supra/platform/database';
import { systemRole } from '@supra/platform/database';
import { encodeBinary, type CloudEvent } from './binding';
import { contextOfType, Subjects } from './naming';
import { ensureContextStream } from './streams';
import { toMsgHdrs, type NatsClient } from './nats-connection';
import { JetStreamPublisher, type PubAck } from './publisher';

export interface RelayOptions {
  service: string;
  ns: string;
  batchSize?: number;
  /** Poll interval when no NOTIFY arrives (a missed notification costs at most this). */
  pollMs?: number;
  /** Sent rows older than this are deleted. */
  keepSentMs?: number;
  logger?: { warn(obj: unknown, msg?: string): void; error(obj: unknown, msg?: string): void };
}

export interface RelayMetrics {
  published: number;
  duplicates: number;
  batches: number;
  errors: number;
}

/**
 * Publishes committed outbox rows to JetStream, then marks them sent. One relay per schema is
 * active at a time (transaction-level advisory lock), so events of an aggregate keep their order.
 *
 * Crash safety: rows are marked sent only after JetStream acknowledged them. A relay killed
 * between publish and mark-sent publishes the same rows again with the same `Nats-Msg-Id`
 * (= ce-id): JetStream drops them inside its duplicate window, and consumers' inboxes drop them
 * after it. Nothing is lost and nothing is applied twice.
 */
export class OutboxRelay {
  readonly metrics: RelayMetrics = { published: 0, duplicates: 0, batches: 0, errors: 0 };
  private running = false;
  private wake?: () => void;
  private listener?: Client;
  private loop?: Promise<void>;
  private lastCleanup = 0;
  private publisher?: JetStreamPublisher;
  /** Producing contexts whose stream this relay has made sure exists. */
  private readonly streamsReady = new Set<string>();

  constructor(
    private readonly db: ServiceDatabase,
    private readonly nats: NatsClient,
    private readonly options: RelayOptions,
  ) {}

  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    this.listener = new Client({
      connectionString: this.db.options.url,
      application_name: `${this.options.service}-relay`,
      options: `-c role=${systemRole(this.db.schema)}`,
    });
    this.listener.on('notification', () => this.wake?.());
    this.listener.on('error', (e) => this.options.logger?.warn({ err: e }, 'outbox listener error'));
    try {
      await this.listener.connect();
      await this.listener.query(`LISTEN supra_outbox_${this.db.schema}`);
    } catch (e) {
      this.options.logger?.warn({ err: e }, 'outbox LISTEN unavailable, polling only');
    }
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.wake?.();
    await this.loop;
    this.publisher?.close();
    await this.listener?.end().catch(() => undefined);
  }

  /** Publishes everything pending now; returns how many rows it handled. */
  async drainOnce(): Promise<number> {
    const schema = this.db.schema;
    return this.db.asSystem(async (em) => {
      // Losing this transaction's commit in a crash only means republishing rows JetStream and the
      // inboxes drop as duplicates, so it need not wait for its WAL flush.
      const [{ locked }] = (await em.query(
        `SELECT pg_try_advisory_xact_lock(hashtext($1)) AS locked, set_config('synchronous_commit', 'off', true)`,
        [`supra-relay:${schema}`],
      )) as Array<{ locked: boolean }>;
      if (!locked) return 0;
      const rows = (await em.query(`SELECT seq, event, trace_headers FROM ${schema}.outbox WHERE sent_at IS NULL ORDER BY seq LIMIT $1`, [
        this.options.batchSize ?? 1000,
      ])) as Array<{ seq: string; event: CloudEvent; trace_headers?: Record<string, string> }>;
      if (rows.length === 0) return 0;
      // A producer must not depend on some consumer having created its stream first.
      for (const context of new Set(rows.map((r) => contextOfType(r.event.type)))) {
        if (this.streamsReady.has(context)) continue;
        await ensureContextStream(this.nats.jsm, this.options.ns, context);
        this.streamsReady.add(context);
      }
      const acks = await Promise.all(rows.map((r) => this.publish(r.event, r.trace_headers ?? {})));
      for (const a of acks) if (a.duplicate) this.metrics.duplicates++;
      await em.query(`UPDATE ${schema}.outbox SET sent_at = now() WHERE seq = ANY($1::bigint[])`, [rows.map((r) => r.seq)]);
      this.metrics.published += rows.length;
      this.metrics.batches++;
      return rows.length;
    });
  }

  private publish(event: CloudEvent, trace: Record<string, string>): Promise<PubAck> {
    const tenant = String(event['tenantslug'] ?? event['tenantid']);
    // encodeBinary sets Nats-Msg-Id = ce-id: JetStream drops a republished row as a duplicate.
    const { headers, payload } = encodeBinary(event);
    // The origin's trace context (captured when the event was written) continues across the hop.
    Object.assign(headers, trace);
    this.publisher ??= new JetStreamPublisher(() => this.nats.connection);
    return this.publisher.publish(Subjects.event(this.options.ns, tenant, event.type), payload, toMsgHdrs(headers));
  }

  private async run(): Promise<void> {
    const pollMs = this.options.pollMs ?? 200;
    while (this.running) {
      let handled = 0;
      try {
        handled = await this.drainOnce();
        await this.cleanup();
      } catch (e) {
        this.metrics.errors++;
        this.options.logger?.warn({ err: e }, 'outbox relay batch failed; will retry');
        await new Promise((r) => setTimeout(r, 500));
      }
      if (handled > 0 || !this.running) continue;
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, pollMs);
        this.wake = () => {
          clearTimeout(t);
          resolve();
        };
      });
      this.wake = undefined;
    }
  }

  private async cleanup(): Promise<void> {
    if (Date.now() - this.lastCleanup < 60_000) return;
    this.lastCleanup = Date.now();
    const keep = this.options.keepSentMs ?? 24 * 3600_000;
    await this.db.asSystem((em) =>
      em.query(`DELETE FROM ${this.db.schema}.outbox WHERE sent_at < now() - ($1 || ' milliseconds')::interval`, [String(keep)]),
    );
  }
}

import type { EntityManager } from 'typeorm';
import { currentManager } from '@supra/platform/database';
import { tenantRlsSql, dropTenantRlsSql } from '@supra/platform/database';
import { TenantContext } from '@supra/platform/tenancy';
import type { CloudEvent } from './binding';
import { buildCloudEvent } from './event-envelope';
import { injectTraceHeaders } from './trace';

/**
 * Tables every service gets in its first migration: `outbox` (events written in the same
 * transaction as the state change; the relay publishes them) and `inbox` (events a consumer has
 * applied, recorded in the same transaction as their effects). Both are tenant-owned and under RLS.
 */
export function messagingTablesSql(schema: string): string[] {
  return [
    `CREATE TABLE ${schema}.outbox (
       seq bigserial PRIMARY KEY,
       id uuid NOT NULL UNIQUE,
       tenant_id uuid NOT NULL,
       type text NOT NULL,
       subject text NOT NULL,
       event jsonb NOT NULL,
       trace_headers jsonb NOT NULL DEFAULT '{}',
       created_at timestamptz NOT NULL DEFAULT now(),
       sent_at timestamptz
     )`,
    `CREATE INDEX outbox_unsent ON ${schema}.outbox (seq) WHERE sent_at IS NULL`,
    ...tenantRlsSql(`${schema}.outbox`),
    `CREATE FUNCTION ${schema}.outbox_notify() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN PERFORM pg_notify('supra_outbox_${schema}', ''); RETURN NULL; END $$`,
    `CREATE TRIGGER outbox_notify AFTER INSERT ON ${schema}.outbox FOR EACH STATEMENT EXECUTE FUNCTION ${schema}.outbox_notify()`,
    `CREATE TABLE ${schema}.inbox (
       consumer text NOT NULL,
       source text NOT NULL,
       id text NOT NULL,
       tenant_id uuid NOT NULL,
       type text NOT NULL,
       applied_at timestamptz NOT NULL DEFAULT now(),
       PRIMARY KEY (consumer, source, id)
     )`,
    ...tenantRlsSql(`${schema}.inbox`),
  ];
}

export function dropMessagingTablesSql(schema: string): string[] {
  return [
    ...dropTenantRlsSql(`${schema}.inbox`),
    `DROP TABLE ${schema}.inbox`,
    `DROP TRIGGER outbox_notify ON ${schema}.outbox`,
    `DROP FUNCTION ${schema}.outbox_notify()`,
    ...dropTenantRlsSql(`${schema}.outbox`),
    `DROP TABLE ${schema}.outbox`,
  ];
}

export interface OutboxEvent<T = unknown> {
  type: string;
  /** Aggregate id. */
  subject: string;
  data: T;
}

/**
 * Writes events into the service's outbox inside the caller's transaction (the surrounding
 * `db.tx()`), with the tenant, correlation and causation of the current request context.
 */
export class Outbox {
  constructor(
    private readonly service: string,
    private readonly schema: string,
  ) {}

  async add<T>(event: OutboxEvent<T>, manager?: EntityManager): Promise<CloudEvent<T>> {
    const [ce] = await this.addMany([event], manager);
    return ce as CloudEvent<T>;
  }

  async addMany(events: OutboxEvent[], manager?: EntityManager): Promise<CloudEvent[]> {
    const em = manager ?? currentManager();
    if (!em) throw new Error('Outbox.add must run inside a transaction (db.tx)');
    if (events.length === 0) return [];
    const ctx = TenantContext.require();
    const trace = injectTraceHeaders({});
    const ces = events.map((e) =>
      buildCloudEvent(this.service, {
        type: e.type,
        subject: e.subject,
        data: e.data,
        tenantId: ctx.tenantId,
        tenantSlug: ctx.tenantSlug,
        correlationId: ctx.correlationId ?? ctx.requestId,
        causationId: ctx.causationId,
      }),
    );
    // One statement of fixed text whatever the batch size (the events as one JSON array, in order),
    // so the statement cache prepares it once per connection.
    await em.query(
      `INSERT INTO ${this.schema}.outbox (id, tenant_id, type, subject, event, trace_headers)
       SELECT (e->>'id')::uuid, $1, e->>'type', e->>'subject', e, $2 FROM jsonb_array_elements($3::jsonb) WITH ORDINALITY AS t(e, n) ORDER BY n`,
      [ctx.tenantId, JSON.stringify(trace), JSON.stringify(ces)],
    );
    return ces;
  }
}

import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import type { ClientBase, PoolClient } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { EntityManager } from 'typeorm';
import type { ParsedReading } from './parse-telemetry';
import { flagBit } from './parse-telemetry';
import { DECREASE, FUTURE, ROLLOVER } from './meter-state';

export interface TenantReadings {
  tenantId: string;
  readings: ParsedReading[];
}

export interface WriteResult {
  /** Rows new to telemetry.readings (the rest were duplicates). */
  inserted: number;
  quarantined: number;
  rows: number;
}

const STAGING_DDL = `CREATE TEMP TABLE IF NOT EXISTS ingest_staging (
  tenant_id uuid NOT NULL, meter_id text NOT NULL, ts timestamptz NOT NULL, register_m3 numeric(12,3) NOT NULL,
  flow_lps numeric(10,3), battery numeric(5,2), signal smallint, alarms smallint NOT NULL, flags smallint NOT NULL
) ON COMMIT DELETE ROWS`;

export const REPLAYED = flagBit('replayed');
/** How stale a day's dirty mark may get while the day is written; SUMMARY_SETTLE_S must be larger. */
export const MARK_REFRESH_S = 60;

/**
 * The readings key is (tenant_id, ts_hour, meter_id, ts) (migration HourKey1763900400000): a lookup
 * by meter goes hour by hour (`hours` lists them), an equality on each key column, or the index
 * could only bound the tenant. The stored generated column is this expression.
 */
export const HOUR_OF_SQL = (ts: string) => `date_bin('1 hour', ${ts}, timestamptz '2000-01-01 00:00:00+00')`;
/** A FROM item: the hours of [from, to) as `hr(h)`, for a LATERAL probe of `r.ts_hour = hr.h` each. */
export const HOURS_SQL = (from: string, to: string) => `unnest(telemetry.hours(${from}, ${to})) AS hr(h)`;

/**
 * The stored reading of `alias`'s meter just before it, since the meter's installation (a new
 * installation starts a new register history), not flagged `future` (as the in-memory last state).
 * Hours are probed latest first and the first hit ends it. The day before the reading is searched
 * first; only when it has none, back to the installation or the oldest partition (the rare case).
 */
export const STORED_BEFORE_SQL = (alias: string) => {
  const before = (lower: string) => `(SELECT b.register_m3 FROM ${HOURS_SQL(lower, `${alias}.ts`)}
   CROSS JOIN LATERAL (SELECT r.register_m3 FROM telemetry.readings r
     WHERE r.tenant_id = ${alias}.tenant_id AND r.ts_hour = hr.h AND r.meter_id = ${alias}.meter_id AND r.ts < ${alias}.ts
       AND r.ts >= ${lower} AND r.flags & ${FUTURE} = 0 ORDER BY r.ts DESC LIMIT 1) b
   ORDER BY hr.h DESC LIMIT 1)`;
  const since = `GREATEST(${alias}.installed_at, (SELECT telemetry.readings_floor()))`;
  return `COALESCE(${before(`GREATEST(${since}, ${alias}.ts - interval '1 day')`)}, ${before(since)})`;
};

/** The SQL twin of `registerFlag` (meter-state.ts). */
export const REGISTER_FLAG_SQL = (prev: string, cur: string, rollover: string) => `CASE WHEN ${prev} IS NULL OR ${cur} >= ${prev} THEN 0
  WHEN ${prev} >= ${rollover} * 0.9 AND ${cur} < ${rollover} * 0.1 THEN ${ROLLOVER} ELSE ${DECREASE} END`;

/**
 * A day already marked is refreshed at most every MARK_REFRESH_S: the summarizer waits until a day's
 * marks are SUMMARY_SETTLE_S old, so a day still being written is summarized once, not after every batch.
 */
export const MARK_CONFLICT_SQL = `ON CONFLICT (tenant_id, meter_id, day) DO UPDATE SET marked_at = EXCLUDED.marked_at
   WHERE telemetry.summary_dirty.marked_at < EXCLUDED.marked_at - interval '${MARK_REFRESH_S} seconds'`;

/**
 * Quarantine replay (meters.service.ts): moves the staged rows into place in one statement:
 * unknown (or removed) meters to quarantine; the rest into readings, idempotent on
 * (tenant, meter, ts), with a register decrease flagged against the previous reading (in the batch,
 * else the stored one before it since the meter's installation); the meters' last state and the
 * days to summarize follow. The live path is `LaneWriter` (lane-writer.ts).
 */
export const APPLY_STAGED_SQL = `
WITH s AS (
  SELECT st.*, m.meter_id IS NOT NULL AS known, m.installed_at, m.rollover_m3
    FROM ingest_staging st
    -- A lookup per staged row (OFFSET 0 keeps it one): the planner knows nothing of the temp table
    -- and would otherwise hash the whole meters table.
    LEFT JOIN LATERAL (SELECT * FROM telemetry.meters m
                        WHERE m.tenant_id = st.tenant_id AND m.meter_id = st.meter_id AND m.removed_at IS NULL OFFSET 0) m ON true
), q AS (
  INSERT INTO telemetry.quarantine (tenant_id, meter_id, ts, register_m3, flow_lps, battery, signal, alarms, flags, reason)
  SELECT tenant_id, meter_id, ts, register_m3, flow_lps, battery, signal, alarms, flags, 'meter unknown' FROM s WHERE NOT known
  ON CONFLICT DO NOTHING RETURNING 1
), w AS (
  SELECT s.*, lag(register_m3) OVER (PARTITION BY tenant_id, meter_id ORDER BY ts) AS prev_batch FROM s WHERE known
), p AS MATERIALIZED ( -- once per row, not once per use of prev below
  SELECT w.*, COALESCE(prev_batch, ${STORED_BEFORE_SQL('w')}) AS prev
    FROM w
), ins AS (
  INSERT INTO telemetry.readings (tenant_id, meter_id, ts, register_m3, flow_lps, battery, signal, alarms, flags)
  SELECT tenant_id, meter_id, ts, register_m3, flow_lps, battery, signal, alarms,
         flags | ${REGISTER_FLAG_SQL('p.prev', 'p.register_m3', 'p.rollover_m3')}
    FROM p
  ON CONFLICT DO NOTHING
  RETURNING tenant_id, meter_id, ts, register_m3, flags
), last AS (
  SELECT DISTINCT ON (tenant_id, meter_id) tenant_id, meter_id, ts, register_m3 FROM ins
   WHERE flags & ${FUTURE} = 0 ORDER BY tenant_id, meter_id, ts DESC
), upd AS (
  UPDATE telemetry.meters m SET last_ts = last.ts, last_register_m3 = last.register_m3 FROM last
   WHERE m.tenant_id = last.tenant_id AND m.meter_id = last.meter_id AND (m.last_ts IS NULL OR last.ts > m.last_ts)
  RETURNING 1
), dirty AS (
  INSERT INTO telemetry.summary_dirty (tenant_id, meter_id, day)
  SELECT DISTINCT ins.tenant_id, ins.meter_id, (ins.ts AT TIME ZONE t.time_zone)::date
    FROM ins JOIN telemetry.tenants t ON t.tenant_id = ins.tenant_id
  ${MARK_CONFLICT_SQL}
  RETURNING 1
)
SELECT (SELECT count(*) FROM ins)::int AS inserted, (SELECT count(*) FROM q)::int AS quarantined,
       (SELECT count(*) FROM upd)::int AS updated, (SELECT count(*) FROM dirty)::int AS dirty`;

/**
 * For this transaction only: joins by index lookups. The planner knows nothing of the staged rows
 * and, with 400,000 meters, chose to hash the whole meters table for the last-state update of every
 * batch (the full bench fell from ~70k to ~11k readings/s); a batch touches a few thousand meters.
 */
export const PLANNER_SETTINGS_SQL = `set_config('enable_hashjoin', 'off', true) AS no_hash, set_config('enable_mergejoin', 'off', true) AS no_merge`;

/** Temp tables created per connection (by DDL text). */
const prepared = new WeakMap<object, Set<string>>();

/** Creates a session temp table once per connection. */
export async function ensureTempOn(client: ClientBase, ddl: string): Promise<void> {
  let done = prepared.get(client);
  if (!done) prepared.set(client, (done = new Set()));
  if (done.has(ddl)) return;
  await client.query(ddl);
  done.add(ddl);
}

/** After a failed transaction: a temp table created in it is gone. */
export function forgetTempsOn(client: ClientBase): void {
  prepared.delete(client);
}

/** COPY text lines through the connection. */
export async function copyInOn(client: ClientBase, sql: string, chunks: Iterable<string>): Promise<void> {
  await pipeline(Readable.from(chunks), client.query(copyFrom(sql)));
}

/** Creates the session's staging table once per pooled connection. */
export const ensureStaging = async (em: EntityManager): Promise<void> => ensureTempOn(await rawClient(em), STAGING_DDL);

/** After a failed transaction: a temp table created in it is gone. */
export async function forgetStaging(em: EntityManager): Promise<void> {
  forgetTempsOn(await rawClient(em));
}

export async function applyStaged(em: EntityManager): Promise<{ inserted: number; quarantined: number }> {
  const rows = (await em.query(APPLY_STAGED_SQL)) as Array<{ inserted: number; quarantined: number }>;
  return { inserted: rows[0].inserted, quarantined: rows[0].quarantined };
}

export async function rawClient(em: EntityManager): Promise<PoolClient> {
  if (!em.queryRunner) throw new Error('rawClient needs a transactional EntityManager');
  return (await em.queryRunner.connect()) as PoolClient;
}


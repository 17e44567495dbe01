import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import type { PoolClient } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { EntityManager } from 'typeorm';
import type { ParsedReading } from './parse-telemetry';
import { flagBit } from './parse-telemetry';

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

const FUTURE = flagBit('future');
const DECREASE = flagBit('register_decrease');
const ROLLOVER = flagBit('rollover');
export const REPLAYED = flagBit('replayed');
/** How stale a day's dirty mark may get while the day is written; SUMMARY_SETTLE_S must be larger. */
export const MARK_REFRESH_S = 60;

/**
 * Moves the staged rows into place in one statement: unknown (or removed) meters to quarantine;
 * the rest into readings, idempotent on (tenant, meter, ts), with a register decrease flagged
 * against the previous reading (in the batch, the meter's last state, or, for an out-of-order
 * reading, the stored one before it); the meters' last state and the days to summarize follow.
 */
export const APPLY_STAGED_SQL = `
WITH s AS (
  SELECT st.*, m.meter_id IS NOT NULL AS known, m.last_ts, m.last_register_m3, m.rollover_m3
    FROM ingest_staging st
    -- A lookup per staged row (OFFSET 0 keeps it one): the planner knows nothing of the temp table
    -- and would otherwise hash the whole meters table for every batch.
    LEFT JOIN LATERAL (SELECT * FROM telemetry.meters m
                        WHERE m.tenant_id = st.tenant_id AND m.meter_id = st.meter_id AND m.removed_at IS NULL OFFSET 0) m ON true
), q AS (
  INSERT INTO telemetry.quarantine (tenant_id, meter_id, ts, register_m3, flow_lps, battery, signal, alarms, flags, reason)
  SELECT tenant_id, meter_id, ts, register_m3, flow_lps, battery, signal, alarms, flags, 'meter unknown' FROM s WHERE NOT known
  ON CONFLICT DO NOTHING RETURNING 1
), w AS (
  SELECT s.*, lag(register_m3) OVER (PARTITION BY tenant_id, meter_id ORDER BY ts) AS prev_batch FROM s WHERE known
), p AS (
  SELECT w.*, COALESCE(prev_batch, CASE WHEN last_ts IS NULL OR ts > last_ts THEN last_register_m3 ELSE
           (SELECT r.register_m3 FROM telemetry.readings r
             WHERE r.tenant_id = w.tenant_id AND r.meter_id = w.meter_id AND r.ts < w.ts ORDER BY r.ts DESC LIMIT 1) END) AS prev
    FROM w
), ins AS (
  INSERT INTO telemetry.readings (tenant_id, meter_id, ts, register_m3, flow_lps, battery, signal, alarms, flags)
  SELECT tenant_id, meter_id, ts, register_m3, flow_lps, battery, signal, alarms,
         flags | CASE WHEN prev IS NULL OR register_m3 >= prev THEN 0
                      WHEN prev >= rollover_m3 * 0.9 AND register_m3 < rollover_m3 * 0.1 THEN ${ROLLOVER}
                      ELSE ${DECREASE} END
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
  -- A day already marked is refreshed at most every MARK_REFRESH_S: the summarizer waits until a day's
  -- marks are SUMMARY_SETTLE_S old, so a day still being written is summarized once, not after every batch.
  ON CONFLICT (tenant_id, meter_id, day) DO UPDATE SET marked_at = EXCLUDED.marked_at
   WHERE telemetry.summary_dirty.marked_at < EXCLUDED.marked_at - interval '${MARK_REFRESH_S} seconds'
  RETURNING 1
)
SELECT (SELECT count(*) FROM ins)::int AS inserted, (SELECT count(*) FROM q)::int AS quarantined,
       (SELECT count(*) FROM upd)::int AS updated, (SELECT count(*) FROM dirty)::int AS dirty`;

/**
 * For this transaction only: joins by index lookups. The planner knows nothing of the staged rows
 * and, with 400,000 meters, chose to hash the whole meters table for the last-state update of every
 * batch (the full bench fell from ~70k to ~11k readings/s); a batch touches a few thousand meters.
 */
const PLANNER_SQL = `SELECT set_config('enable_hashjoin', 'off', true), set_config('enable_mergejoin', 'off', true)`;

const prepared = new WeakSet<object>();

/** Creates the session's staging table once per pooled connection. */
export async function ensureStaging(em: EntityManager): Promise<void> {
  const client = await rawClient(em);
  if (prepared.has(client)) return;
  await em.query(STAGING_DDL);
  prepared.add(client);
}

/** After a failed transaction: a staging table created in it is gone. */
export async function forgetStaging(em: EntityManager): Promise<void> {
  prepared.delete(await rawClient(em));
}

export async function applyStaged(em: EntityManager): Promise<{ inserted: number; quarantined: number }> {
  const rows = (await em.query(APPLY_STAGED_SQL)) as Array<{ inserted: number; quarantined: number }>;
  return { inserted: rows[0].inserted, quarantined: rows[0].quarantined };
}

export async function rawClient(em: EntityManager): Promise<PoolClient> {
  if (!em.queryRunner) throw new Error('rawClient needs a transactional EntityManager');
  return (await em.queryRunner.connect()) as PoolClient;
}

const n = (v: string | number | null): string => (v === null ? '\\N' : String(v));

/** COPY text format. Meter ids are restricted to [A-Za-z0-9_-], every other field is numeric or ISO: nothing to escape. */
export function* copyLines(batches: TenantReadings[], chunkRows = 2000): Generator<string> {
  let buf: string[] = [];
  for (const b of batches) {
    for (const r of b.readings) {
      buf.push(`${b.tenantId}\t${r.meter}\t${r.ts}\t${r.registerM3}\t${n(r.flowLps)}\t${n(r.battery)}\t${n(r.signal)}\t${r.alarms}\t${r.flags}\n`);
      if (buf.length >= chunkRows) {
        yield buf.join('');
        buf = [];
      }
    }
  }
  if (buf.length) yield buf.join('');
}

/**
 * Writes readings of many tenants in the surrounding transaction: COPY into the session's staging
 * table, then one INSERT … SELECT … ON CONFLICT DO NOTHING (COPY itself cannot skip duplicates).
 */
export async function writeReadings(em: EntityManager, batches: TenantReadings[]): Promise<WriteResult> {
  const rows = batches.reduce((s, b) => s + b.readings.length, 0);
  if (rows === 0) return { inserted: 0, quarantined: 0, rows: 0 };
  await ensureStaging(em);
  const client = await rawClient(em);
  try {
    await em.query(PLANNER_SQL);
    await pipeline(Readable.from(copyLines(batches)), client.query(copyFrom('COPY ingest_staging FROM STDIN')));
    const r = await applyStaged(em);
    return { ...r, rows };
  } catch (e) {
    // A rollback also undoes a staging table created in this transaction.
    prepared.delete(client);
    throw e;
  }
}

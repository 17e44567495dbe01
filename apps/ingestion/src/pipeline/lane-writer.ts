import type { Client } from 'pg';
import type { EntityManager } from 'typeorm';
import { leaseHeldSql, LeaseLostError } from './consumer-lease';
import { LaneConnection, resultsOf, rowsOf, textArrayLiteral } from './lane-connection';
import { litresToM3 } from './parse-telemetry';
import { DayMarks, FUTURE, LocalDays, m3ToLitres, MeterCache, METER_ROW_COLUMNS, observeStored, planLane, RowKind, type MeterEntry, type MeterRow, type PlannedRow } from './meter-state';
import { copyInOn, ensureTempOn, HOUR_OF_SQL, MARK_CONFLICT_SQL, PLANNER_SETTINGS_SQL, REGISTER_FLAG_SQL, STORED_BEFORE_SQL, type TenantReadings, type WriteResult } from './reading-writer';

/**
 * The meters lock: every live write transaction takes it shared (BEGIN_SQL); the telemetry.meters
 * trigger takes it exclusive before it bumps telemetry.meter_changes, so a write sees every meter
 * change committed before it and none half-seen (see README.md, "Meter state"). For writers of telemetry.meters (first, so they hold nothing a live write could wait for) and the summarizer's claim bump. */
export const METERS_EXCLUSIVE_SQL = `SELECT pg_advisory_xact_lock(hashtext('supra.telemetry.meters'))`;
/**
 * The lock first (the CTE is scanned before the row is projected), then the lease check (fencing),
 * the meter-change and claim versions, and this transaction's join settings. Sent after BEGIN in
 * the same round trip (as text: a simple query takes no parameters).
 */
const beginSql = (leasePid: number) => `WITH l AS MATERIALIZED (SELECT pg_advisory_xact_lock_shared(hashtext('supra.telemetry.meters')))
SELECT ${leaseHeldSql(leasePid)} AS held,
  (SELECT CASE WHEN is_called THEN last_value ELSE 0 END FROM telemetry.meter_changes)::text AS version,
  (SELECT CASE WHEN is_called THEN last_value ELSE 0 END FROM telemetry.summary_claims)::text AS claims,
  ${PLANNER_SETTINGS_SQL}
  FROM l`;
const REFRESH_SQL = `SELECT ${METER_ROW_COLUMNS} FROM telemetry.meters m WHERE m.changed_seq > $1`;
/** The same, for the lane's cached meters only: after a mass registration, when more rows changed than the lane caches. */
const REFRESH_CACHED_SQL = `SELECT ${METER_ROW_COLUMNS} FROM unnest($2::uuid[], $3::text[]) AS k(tenant_id, meter_id)
  JOIN LATERAL (SELECT * FROM telemetry.meters m WHERE m.tenant_id = k.tenant_id AND m.meter_id = k.meter_id AND m.changed_seq > $1 OFFSET 0) m ON true`;
const LOAD_SQL = `SELECT ${METER_ROW_COLUMNS} FROM unnest($1::uuid[], $2::text[]) AS k(tenant_id, meter_id)
  JOIN LATERAL (SELECT * FROM telemetry.meters m WHERE m.tenant_id = k.tenant_id AND m.meter_id = k.meter_id OFFSET 0) m ON true`;
const ZONES_SQL = `SELECT tenant_id, time_zone FROM telemetry.tenants WHERE tenant_id = ANY($1::uuid[])`;

const COLUMNS = 'tenant_id, meter_id, ts, register_m3, flow_lps, battery, signal, alarms, flags';
const COPY_FRESH_SQL = `COPY telemetry.readings (${COLUMNS}) FROM STDIN`;
const SLOW_DDL = `CREATE TEMP TABLE IF NOT EXISTS ingest_slow (
  tenant_id uuid NOT NULL, meter_id text NOT NULL, ts timestamptz NOT NULL, register_m3 numeric(12,3) NOT NULL,
  flow_lps numeric(10,3), battery numeric(5,2), signal smallint, alarms smallint NOT NULL, flags smallint NOT NULL, kind smallint NOT NULL
) ON COMMIT DELETE ROWS`;
/** Unknown meters to quarantine, the rest idempotently into readings; returns the keys stored now. */
const SLOW_SQL = `
WITH q AS (
  INSERT INTO telemetry.quarantine (${COLUMNS}, reason)
  SELECT ${COLUMNS}, 'meter unknown' FROM ingest_slow WHERE kind = ${RowKind.Quarantine}
  ON CONFLICT DO NOTHING RETURNING 1
), ins AS (
  INSERT INTO telemetry.readings (${COLUMNS})
  SELECT ${COLUMNS} FROM ingest_slow WHERE kind <> ${RowKind.Quarantine}
  ON CONFLICT DO NOTHING RETURNING tenant_id, meter_id, ts
)
SELECT (SELECT count(*) FROM q)::int AS quarantined,
       COALESCE((SELECT json_agg(json_build_array(tenant_id, meter_id, (extract(epoch FROM ts) * 1000)::bigint)) FROM ins), '[]') AS inserted`;
/** The register check of out-of-order readings just stored, against the stored reading before each. */
const FIX_FLAGS_SQL = `
UPDATE telemetry.readings r SET flags = r.flags | x.flag
  FROM (SELECT p.*, ${REGISTER_FLAG_SQL('p.prev', 'p.register_m3', 'p.rollover_m3')} AS flag
          -- OFFSET 0: looked up once per row, not once per use in the CASE.
          FROM (SELECT x.*, ${STORED_BEFORE_SQL('x')} AS prev
                  FROM unnest($1::uuid[], $2::text[], $3::timestamptz[], $4::numeric[], $5::numeric[], $6::timestamptz[])
                    AS x(tenant_id, meter_id, ts, register_m3, rollover_m3, installed_at) OFFSET 0) p) x
 WHERE r.tenant_id = x.tenant_id AND r.ts_hour = ${HOUR_OF_SQL('x.ts')} AND r.meter_id = x.meter_id AND r.ts = x.ts AND x.flag <> 0`;
/** What is stored under keys that were duplicates and may be later than the state: the first value won. */
const STORED_SQL = `SELECT r.tenant_id, r.meter_id, (extract(epoch FROM r.ts) * 1000)::bigint AS ms, r.register_m3::text AS reg, r.flags
  FROM unnest($1::uuid[], $2::text[], $3::timestamptz[]) AS x(tenant_id, meter_id, ts)
  JOIN telemetry.readings r ON r.tenant_id = x.tenant_id AND r.ts_hour = ${HOUR_OF_SQL('x.ts')} AND r.meter_id = x.meter_id AND r.ts = x.ts`;
/** As text, to share the commit's round trip. */
const marksSql = (m: Array<{ e: MeterEntry; day: string }>) => `INSERT INTO telemetry.summary_dirty (tenant_id, meter_id, day)
  SELECT * FROM unnest(${textArrayLiteral(m.map((x) => x.e.tenantId))}::uuid[], ${textArrayLiteral(m.map((x) => x.e.meterId))}::text[],
    ${textArrayLiteral(m.map((x) => x.day))}::date[]) ${MARK_CONFLICT_SQL}`;
/** The consumer's own state writes do not count as meter changes (the trigger skips them). */
const STATE_WRITE_SQL = `SELECT set_config('supra.ingest_state', 'on', true)`;
const FLUSH_SQL = `UPDATE telemetry.meters m SET last_ts = x.ts, last_register_m3 = x.reg
  FROM unnest($1::uuid[], $2::text[], $3::timestamptz[], $4::numeric[]) AS x(tenant_id, meter_id, ts, reg)
 WHERE m.tenant_id = x.tenant_id AND m.meter_id = x.meter_id AND (m.last_ts IS NULL OR m.last_ts < x.ts)`;
const POSITION_SQL = `INSERT INTO telemetry.consumer_state (lane, stream_created, stream_seq, updated_at) VALUES ($1, $2, $3, now())
  ON CONFLICT (lane) DO UPDATE SET stream_created = EXCLUDED.stream_created, stream_seq = EXCLUDED.stream_seq, updated_at = now()`;

const ZONE_TTL_MS = 60_000;
const iso = (ms: number) => new Date(ms).toISOString();
const n = (v: string | number | null): string => (v === null ? '\\N' : String(v));

/** COPY text format. Meter ids are [A-Za-z0-9_-], every other field numeric or ISO: nothing to escape. */
function* copyRows(rows: PlannedRow[], withKind: boolean, chunkRows = 2000): Generator<string> {
  let buf = '';
  let k = 0;
  for (const p of rows) {
    const r = p.r;
    buf += `${p.tenantId}\t${r.meter}\t${r.ts}\t${r.registerM3}\t${n(r.flowLps)}\t${n(r.battery)}\t${n(r.signal)}\t${r.alarms}\t${p.flags}${withKind ? `\t${p.kind}` : ''}\n`;
    if (++k >= chunkRows) {
      yield buf;
      buf = '';
      k = 0;
    }
  }
  if (buf) yield buf;
}

/** A duplicate among rows the state said were new: the state is behind (a restart); write the slow way. */
export const isUniqueViolation = (e: unknown): boolean => (e as { code?: string })?.code === '23505';

export interface LaneWrite {
  lane: number;
  groups: TenantReadings[];
  /** Also write the lane's meter state and the stream position it reflects (see README.md). */
  flush?: { streamCreated: string; streamSeq: number };
  /** Every row the slow way (after a unique violation on the fast one). */
  allSlow?: boolean;
}

interface StoredRow {
  e: MeterEntry;
  tsMs: number;
  reg: string;
  flags: number;
}

/** What a committed lane write changes in memory. */
interface LaneDone {
  result: WriteResult;
  /** Rows stored by this write, with the values sent. */
  inserted: PlannedRow[];
  /** Keys that were already stored, with the stored values. */
  stored: StoredRow[];
  marked: Array<{ e: MeterEntry; day: string }>;
  /** When and under which claims epoch the marks were written. */
  markedAt: number;
  markEpoch: number;
  /** Rows of unknown meters (their entries are not kept). */
  unknown: PlannedRow[];
  /** Meters whose state this write also wrote, with the ts written. */
  flushed?: Map<MeterEntry, number>;
}

/** One attempt of a lane write: `run` (the whole transaction, on the lane's connection), then `committed()` or `failed()`. */
export interface LaneAttempt {
  run(): Promise<WriteResult>;
  committed(): void;
  failed(): void;
}

/**
 * The live write path of one consumer session (see README.md, "Meter state"): readings after their
 * meter's latest stored key are COPYed straight into telemetry.readings with the register check done
 * here against the cached state; only the rest (duplicates, out-of-order, unknown meters) take the
 * staging table and INSERT … ON CONFLICT. The cache, the day marks, the zones and the lanes'
 * connections live as long as the session holding the lease.
 */
export class LaneWriter {
  readonly cache: MeterCache;
  private readonly marks: DayMarks;
  private readonly days = new LocalDays();
  private readonly zones = new Map<string, { zone: string; at: number }>();
  /** telemetry.summary_claims as last seen. */
  private claims = '';
  private readonly conns: LaneConnection[];

  constructor(
    lanes: number,
    laneOf: (meterId: string) => number,
    markSkipMs: number,
    private readonly leasePid: () => number | undefined,
    /** Rows by path; `fallbacks`: lane writes retried the slow way after a duplicate among fresh rows; refreshes by cached key. */
    private readonly counts: { freshRows: number; slowRows: number; slowFallbacks: number; refreshedByKey: number },
    /** A new connection (not connected) for a lane. */
    open: (lane: number) => Client,
    private readonly now: () => number = Date.now,
  ) {
    this.cache = new MeterCache(lanes, laneOf);
    this.marks = new DayMarks(markSkipMs);
    this.conns = Array.from({ length: lanes }, (_, i) => new LaneConnection(() => open(i)));
  }

  /** The meter-change version the session starts from (entries are read on first use after it). */
  async start(em: EntityManager): Promise<void> {
    const rows = (await em.query(beginSql(-1))) as Array<{ version: string; claims: string }>;
    this.cache.startAt(Number(rows[0].version));
    this.claims = rows[0].claims;
  }

  /** At the session's end, once no write is in flight. */
  async close(): Promise<void> {
    await Promise.all(this.conns.map((c) => c.close()));
  }

  attempt(w: LaneWrite): LaneAttempt {
    let done: LaneDone | undefined;
    let flushed: MeterEntry[] = [];
    return {
      run: async () => {
        const conn = this.conns[w.lane];
        try {
          done = await this.run(await conn.get(), w, (f) => (flushed = f));
        } catch (e) {
          await conn.reset();
          throw e;
        }
        return done.result;
      },
      committed: () => {
        if (!done) return;
        for (const p of done.inserted) this.observe(p.entry, p.r.tsMs, p.r.registerM3, p.r.registerL, p.flags);
        for (const s of done.stored) this.observe(s.e, s.tsMs, s.reg, m3ToLitres(s.reg), s.flags);
        // Written with this transaction: clean unless something later came meanwhile.
        for (const [e, tsMs] of done.flushed ?? []) if (e.lastTsMs === tsMs) this.cache.clean(e);
        for (const m of done.marked) this.marks.wrote(m.e, m.day, done.markedAt, done.markEpoch);
        for (const p of done.unknown) this.cache.evictUnknown(p.entry);
      },
      failed: () => this.cache.restoreDirty(w.lane, flushed),
    };
  }

  private observe(e: MeterEntry, tsMs: number, reg: string, regL: number, flags: number): void {
    observeStored(e, tsMs, reg, regL, flags);
    this.cache.markDirty(e);
  }

  /**
   * The transaction, in as few round trips as it can (their replies wait while the service thread
   * parses): BEGIN with the state; then, when every row is fresh and no state is due (most writes),
   * the COPY, the marks and COMMIT as one query.
   */
  private async run(c: Client, w: LaneWrite, onFlush: (entries: MeterEntry[]) => void): Promise<LaneDone> {
    const begun = await resultsOf(c, `BEGIN; ${beginSql(this.leasePid() ?? -1)}`);
    const state = begun[1].rows as Array<{ held: boolean; version: string; claims: string }>;
    if (!state[0]?.held) throw new LeaseLostError();
    if (state[0].claims !== this.claims) {
      this.marks.clear();
      this.claims = state[0].claims;
    }
    const version = Number(state[0].version);
    const since = this.cache.versionOf(w.lane);
    if (version > since) {
      // Every changed row took a value of the sequence: when more changed than the lane caches (say
      // 400,000 meters registered), read the cached ones instead of every changed row (seconds).
      const byKey = version - since > this.cache.sizeOf(w.lane);
      const keys = byKey ? this.cache.keysOf(w.lane) : undefined;
      const rows = await rowsOf<MeterRow>(c, keys ? REFRESH_CACHED_SQL : REFRESH_SQL, keys ? [since, keys.tenantIds, keys.meterIds] : [since]);
      this.cache.refresh(w.lane, rows, version);
      this.counts.refreshedByKey += byKey ? 1 : 0;
    }
    const missing = this.cache.missing(w.groups);
    if (missing.meterIds.length) this.cache.load(missing, await rowsOf<MeterRow>(c, LOAD_SQL, [missing.tenantIds, missing.meterIds]));

    const plan = planLane(w.groups, this.cache, w.allSlow);
    let rows = 0;
    for (const g of w.groups) rows += g.readings.length;
    const markEpoch = this.marks.current;
    const markedAt = this.now();
    let inserted = plan.fresh;
    let stored: StoredRow[] = [];
    let quarantined = 0;
    let marked: Array<{ e: MeterEntry; day: string }>;
    let flushed: Map<MeterEntry, number> | undefined;
    const commit = (m: typeof marked) => `${m.length ? `${marksSql(m)}; ` : ''}COMMIT`;
    if (!plan.slow.length && !w.flush) {
      marked = await this.marksOf(c, inserted, markedAt);
      if (plan.fresh.length) await copyInOn(c, `${COPY_FRESH_SQL}; ${commit(marked)}`, copyRows(plan.fresh, false));
      else await resultsOf(c, commit(marked));
    } else {
      if (plan.fresh.length) await copyInOn(c, COPY_FRESH_SQL, copyRows(plan.fresh, false));
      if (plan.slow.length) {
        const slow = await this.writeSlow(c, plan.slow);
        quarantined = slow.quarantined;
        inserted = inserted.concat(slow.inserted);
        stored = slow.stored;
      }
      marked = await this.marksOf(c, inserted, markedAt);
      if (w.flush) {
        const taken = this.cache.takeDirty(w.lane);
        onFlush(taken);
        flushed = await this.flush(c, w.lane, w.flush, taken, inserted, stored);
      }
      await resultsOf(c, commit(marked));
    }
    this.counts.freshRows += plan.fresh.length;
    this.counts.slowRows += plan.slow.length;
    if (w.allSlow) this.counts.slowFallbacks++;
    const unknown = plan.slow.filter((p) => p.kind === RowKind.Quarantine);
    return { result: { rows, inserted: inserted.length, quarantined }, inserted, stored, marked, markedAt, markEpoch, unknown, flushed };
  }

  /**
   * Writes the lane's meter state as it will be once this transaction commits (the dirty entries and
   * what this write stores), with the stream position it reflects. Returns the last ts written per meter.
   */
  private async flush(
    c: Client,
    lane: number,
    at: NonNullable<LaneWrite['flush']>,
    dirty: MeterEntry[],
    inserted: PlannedRow[],
    stored: StoredRow[],
  ): Promise<Map<MeterEntry, number>> {
    const latest = new Map<MeterEntry, { tsMs: number; reg: string }>();
    for (const e of dirty) latest.set(e, { tsMs: e.lastTsMs!, reg: e.lastReg! });
    const consider = (e: MeterEntry, tsMs: number, reg: string, flags: number) => {
      if (flags & FUTURE || !this.cache.isCurrent(e)) return;
      const cur = latest.get(e) ?? (e.lastTsMs === null ? undefined : { tsMs: e.lastTsMs, reg: e.lastReg! });
      if (!cur || tsMs > cur.tsMs) latest.set(e, { tsMs, reg });
    };
    for (const p of inserted) consider(p.entry, p.r.tsMs, p.r.registerM3, p.flags);
    for (const s of stored) consider(s.e, s.tsMs, s.reg, s.flags);
    const entries = [...latest];
    await c.query(STATE_WRITE_SQL);
    if (entries.length) {
      await rowsOf(c, FLUSH_SQL, [entries.map(([e]) => e.tenantId), entries.map(([e]) => e.meterId), entries.map(([, v]) => iso(v.tsMs)), entries.map(([, v]) => v.reg)]);
    }
    await rowsOf(c, POSITION_SQL, [lane, at.streamCreated, at.streamSeq]);
    return new Map(entries.map(([e, v]) => [e, v.tsMs]));
  }

  /** Duplicates, out-of-order readings and unknown meters: staging, INSERT … ON CONFLICT, then what only the database knows. */
  private async writeSlow(c: Client, slow: PlannedRow[]): Promise<{ quarantined: number; inserted: PlannedRow[]; stored: StoredRow[] }> {
    await ensureTempOn(c, SLOW_DDL);
    await copyInOn(c, `COPY ingest_slow (${COLUMNS}, kind) FROM STDIN`, copyRows(slow, true));
    const res = await rowsOf<{ quarantined: number; inserted: Array<[string, string, string | number]> }>(c, SLOW_SQL);
    const insertedKeys = new Set(res[0].inserted.map(([t, m, ms]) => `${t}|${m}|${Number(ms)}`));
    const inserted: PlannedRow[] = [];
    const lookups: PlannedRow[] = [];
    const unsure: PlannedRow[] = [];
    for (const p of slow) {
      if (p.kind === RowKind.Quarantine) continue;
      const e = p.entry;
      if (insertedKeys.has(`${p.tenantId}|${p.r.meter}|${p.r.tsMs}`)) {
        inserted.push(p);
        if (p.kind === RowKind.OldLookup) lookups.push(p);
      } else if (e.maxTsMs === null || p.r.tsMs > e.maxTsMs || e.lastTsMs === null || p.r.tsMs > e.lastTsMs) {
        // A duplicate the state did not know of (a restart): what is stored moves the state on.
        unsure.push(p);
      }
    }
    if (lookups.length) {
      await rowsOf(c, FIX_FLAGS_SQL, [
        lookups.map((p) => p.tenantId),
        lookups.map((p) => p.r.meter),
        lookups.map((p) => p.r.ts),
        lookups.map((p) => p.r.registerM3),
        lookups.map((p) => litresToM3(p.entry.rolloverL)),
        lookups.map((p) => (p.entry.installedAtMs === null ? null : iso(p.entry.installedAtMs))),
      ]);
    }
    const stored: StoredRow[] = [];
    if (unsure.length) {
      const rows = await rowsOf<{ tenant_id: string; meter_id: string; ms: string; reg: string; flags: number }>(c, STORED_SQL, [
        unsure.map((p) => p.tenantId),
        unsure.map((p) => p.r.meter),
        unsure.map((p) => p.r.ts),
      ]);
      const byKey = new Map(unsure.map((p) => [`${p.tenantId}|${p.r.meter}|${p.r.tsMs}`, p.entry]));
      for (const r of rows) {
        const e = byKey.get(`${r.tenant_id}|${r.meter_id}|${Number(r.ms)}`);
        if (e) stored.push({ e, tsMs: Number(r.ms), reg: r.reg, flags: r.flags });
      }
    }
    return { quarantined: res[0].quarantined, inserted, stored };
  }

  /** The (meter, tenant-local day) of rows stored now to mark (with the commit), unless this process marked it moments ago. */
  private async marksOf(c: Client, rows: PlannedRow[], now: number): Promise<Array<{ e: MeterEntry; day: string }>> {
    if (!rows.length) return [];
    const zones = await this.zonesOf(c, rows);
    const marked: Array<{ e: MeterEntry; day: string }> = [];
    let inBatch: Set<string> | undefined;
    for (const p of rows) {
      const day = this.days.dayOf(zones.get(p.tenantId) ?? 'America/Mexico_City', p.r.tsMs);
      if (!this.marks.due(p.entry, day, now)) continue;
      const k = `${p.tenantId}|${p.r.meter}|${day}`;
      if ((inBatch ??= new Set()).has(k)) continue;
      inBatch.add(k);
      marked.push({ e: p.entry, day });
    }
    return marked;
  }

  private async zonesOf(c: Client, rows: PlannedRow[]): Promise<Map<string, string>> {
    const now = this.now();
    const out = new Map<string, string>();
    const stale: string[] = [];
    const ids = new Set<string>();
    for (const p of rows) ids.add(p.tenantId);
    for (const id of ids) {
      const z = this.zones.get(id);
      if (z && now - z.at < ZONE_TTL_MS) out.set(id, z.zone);
      else stale.push(id);
    }
    if (stale.length) {
      for (const r of await rowsOf<{ tenant_id: string; time_zone: string }>(c, ZONES_SQL, [stale])) {
        this.zones.set(r.tenant_id, { zone: r.time_zone, at: now });
        out.set(r.tenant_id, r.time_zone);
      }
    }
    return out;
  }
}

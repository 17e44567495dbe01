import type { ParsedReading } from './parse-telemetry';
import { flagBit } from './parse-telemetry';

export const FUTURE = flagBit('future');
export const DECREASE = flagBit('register_decrease');
export const ROLLOVER = flagBit('rollover');

/** "123.456" (numeric(12,3) text) -> integer litres; exact, registers stay far below 2^53 litres. */
export function m3ToLitres(s: string): number {
  const neg = s.startsWith('-');
  const [int, frac = ''] = (neg ? s.slice(1) : s).split('.');
  const l = Number(int) * 1000 + Number((frac + '000').slice(0, 3));
  return neg ? -l : l;
}

/** The register check: 0, `rollover` (from ≥ 90 % of the register's range to < 10 %) or `register_decrease`. */
export function registerFlag(prevL: number | null, curL: number, rolloverL: number): number {
  if (prevL === null || curL >= prevL) return 0;
  return prevL * 10 >= rolloverL * 9 && curL * 10 < rolloverL ? ROLLOVER : DECREASE;
}

/**
 * What the single active consumer knows of one meter (see README.md, "Meter state"). `last*` is the
 * latest stored reading that is not flagged `future` (the register check's reference); `maxTsMs`
 * the latest stored key of any kind, so a reading after it cannot be a duplicate.
 */
export interface MeterEntry {
  readonly tenantId: string;
  readonly meterId: string;
  /** Registered and not removed: its readings are stored, not quarantined. */
  readonly known: boolean;
  readonly installedAtMs: number | null;
  readonly rolloverL: number;
  lastTsMs: number | null;
  lastL: number | null;
  lastReg: string | null;
  maxTsMs: number | null;
  /** Changed since it was last written to telemetry.meters. */
  dirty: boolean;
  /** The tenant-local day this process last marked for summary, when, and under which claims epoch (see `DayMarks`). */
  markDay: string | null;
  markAt: number;
  markEpoch: number;
}

/** A row of telemetry.meters as the cache reads it. */
export interface MeterRow {
  tenant_id: string;
  meter_id: string;
  active: boolean;
  installed_at: Date | null;
  rollover_m3: string;
  last_ts: Date | null;
  last_register_m3: string | null;
}

export const METER_ROW_COLUMNS = `m.tenant_id, m.meter_id, m.removed_at IS NULL AS active, m.installed_at, m.rollover_m3::text AS rollover_m3,
  m.last_ts, m.last_register_m3::text AS last_register_m3`;

function entryOf(tenantId: string, meterId: string, row: MeterRow | undefined): MeterEntry {
  // A state older than the installation belongs to the meter's previous register history.
  const stale = row?.last_ts && row.installed_at && row.last_ts.getTime() < row.installed_at.getTime();
  if (stale) row = { ...row!, last_ts: null, last_register_m3: null };
  const lastTsMs = row?.last_ts ? row.last_ts.getTime() : null;
  return {
    tenantId,
    meterId,
    known: row?.active === true,
    installedAtMs: row?.installed_at ? row.installed_at.getTime() : null,
    rolloverL: row ? m3ToLitres(row.rollover_m3) : 0,
    lastTsMs,
    lastReg: row?.last_register_m3 ?? null,
    lastL: row?.last_register_m3 ? m3ToLitres(row.last_register_m3) : null,
    maxTsMs: lastTsMs,
    dirty: false,
    markDay: null,
    markAt: 0,
    markEpoch: 0,
  };
}

/** Records a reading known to be stored (with these values) in the meter's state. */
export function observeStored(e: MeterEntry, tsMs: number, reg: string, regL: number, flags: number): void {
  if (e.maxTsMs === null || tsMs > e.maxTsMs) e.maxTsMs = tsMs;
  if (flags & FUTURE) return;
  if (e.lastTsMs === null || tsMs > e.lastTsMs) {
    e.lastTsMs = tsMs;
    e.lastReg = reg;
    e.lastL = regL;
    e.dirty = true;
  }
}

/**
 * The consumer's meter state, authoritative while it holds the lease: entries are read from
 * telemetry.meters on first use and kept; changes by other writers (registration, removal,
 * quarantine replay) are picked up through `telemetry.meter_changes` (see `refresh`).
 */
export class MeterCache {
  /** By tenant, then meter id (no composite string key per reading). */
  private readonly entries = new Map<string, Map<string, MeterEntry>>();
  /** Dirty entries per write lane (a lane flushes only its own meters). */
  private readonly dirtyByLane: Array<Set<MeterEntry>>;
  /** telemetry.meter_changes as of each lane's last refresh. */
  private readonly versions: number[];
  /** Meters cached per lane. */
  private readonly sizes: number[];

  constructor(
    lanes: number,
    private readonly laneOf: (meterId: string) => number,
  ) {
    this.dirtyByLane = Array.from({ length: lanes }, () => new Set());
    this.versions = Array.from({ length: lanes }, () => 0);
    this.sizes = Array.from({ length: lanes }, () => 0);
  }

  sizeOf(lane: number): number {
    return this.sizes[lane];
  }

  /** The lane's cached meters, as arrays for a lookup by key. */
  keysOf(lane: number): { tenantIds: string[]; meterIds: string[] } {
    const tenantIds: string[] = [];
    const meterIds: string[] = [];
    for (const [tenantId, byMeter] of this.entries) {
      for (const meterId of byMeter.keys()) {
        if (this.laneOf(meterId) !== lane) continue;
        tenantIds.push(tenantId);
        meterIds.push(meterId);
      }
    }
    return { tenantIds, meterIds };
  }

  versionOf(lane: number): number {
    return this.versions[lane];
  }

  /** Where every lane starts (entries are read from the database on first use after it). */
  startAt(version: number): void {
    this.versions.fill(version);
  }

  get(tenantId: string, meterId: string): MeterEntry | undefined {
    return this.entries.get(tenantId)?.get(meterId);
  }

  private set(e: MeterEntry): void {
    let byMeter = this.entries.get(e.tenantId);
    if (!byMeter) this.entries.set(e.tenantId, (byMeter = new Map()));
    if (!byMeter.has(e.meterId)) this.sizes[this.laneOf(e.meterId)]++;
    byMeter.set(e.meterId, e);
  }

  /** Whether this is still the meter's current entry (a refresh replaces entries). */
  isCurrent(e: MeterEntry): boolean {
    return this.get(e.tenantId, e.meterId) === e;
  }

  /** The (tenant, meter) pairs of these groups not cached yet. */
  missing(groups: Array<{ tenantId: string; readings: ParsedReading[] }>): { tenantIds: string[]; meterIds: string[] } {
    const tenantIds: string[] = [];
    const meterIds: string[] = [];
    for (const g of groups) {
      const byMeter = this.entries.get(g.tenantId);
      let seen: Set<string> | undefined;
      for (const r of g.readings) {
        if (byMeter?.has(r.meter) || seen?.has(r.meter)) continue;
        (seen ??= new Set()).add(r.meter);
        tenantIds.push(g.tenantId);
        meterIds.push(r.meter);
      }
    }
    return { tenantIds, meterIds };
  }

  /** Caches what the database holds for `asked` (no row: an unknown meter). */
  load(asked: { tenantIds: string[]; meterIds: string[] }, rows: MeterRow[]): void {
    const found = new Map<string, Map<string, MeterRow>>();
    for (const r of rows) {
      let m = found.get(r.tenant_id);
      if (!m) found.set(r.tenant_id, (m = new Map()));
      m.set(r.meter_id, r);
    }
    asked.meterIds.forEach((m, i) => {
      const t = asked.tenantIds[i];
      if (!this.get(t, m)) this.set(entryOf(t, m, found.get(t)?.get(m)));
    });
  }

  /**
   * Rows of telemetry.meters changed by other writers since the lane's version; the lane applies
   * only its own meters, between its own writes, so no write in flight holds an entry it replaces.
   * A cached meter gets a new entry: the database's (a new installation starts a new register
   * history), or, for the same installation, whichever of the database's and ours is later (a
   * replay may have stored a later reading; our own may not be written yet).
   */
  refresh(lane: number, rows: MeterRow[], version: number): void {
    for (const row of rows) {
      if (this.laneOf(row.meter_id) !== lane) continue;
      const cur = this.get(row.tenant_id, row.meter_id);
      if (!cur) continue;
      const next = entryOf(row.tenant_id, row.meter_id, row);
      if (cur.known && next.known && cur.installedAtMs === next.installedAtMs) {
        if (cur.maxTsMs !== null && (next.maxTsMs === null || cur.maxTsMs > next.maxTsMs)) next.maxTsMs = cur.maxTsMs;
        if (cur.lastTsMs !== null && cur.lastReg !== null && (next.lastTsMs === null || cur.lastTsMs > next.lastTsMs)) {
          Object.assign(next, { lastTsMs: cur.lastTsMs, lastReg: cur.lastReg, lastL: cur.lastL, dirty: true });
        }
      }
      this.dirtyByLane[lane].delete(cur);
      this.set(next);
      if (next.dirty) this.dirtyByLane[lane].add(next);
    }
    this.versions[lane] = Math.max(this.versions[lane], version);
  }

  markDirty(e: MeterEntry): void {
    if (e.dirty && this.isCurrent(e)) this.dirtyByLane[this.laneOf(e.meterId)].add(e);
  }

  /** Unknown meters are not kept (any id can arrive): read again on their next reading. */
  evictUnknown(e: MeterEntry): void {
    if (!e.known && this.isCurrent(e) && this.entries.get(e.tenantId)?.delete(e.meterId)) this.sizes[this.laneOf(e.meterId)]--;
  }

  /** Its state is written as it is now. */
  clean(e: MeterEntry): void {
    e.dirty = false;
    this.dirtyByLane[this.laneOf(e.meterId)].delete(e);
  }

  /** The lane's dirty entries, taken out of the dirty set (`restore` puts them back if the write fails). */
  takeDirty(lane: number): MeterEntry[] {
    const set = this.dirtyByLane[lane];
    const out = [...set].filter((e) => this.isCurrent(e) && e.lastTsMs !== null);
    set.clear();
    for (const e of out) e.dirty = false;
    return out;
  }

  restoreDirty(lane: number, entries: MeterEntry[]): void {
    for (const e of entries) {
      e.dirty = true;
      if (this.isCurrent(e)) this.dirtyByLane[lane].add(e);
    }
  }
}

/** How a reading is written (see reading-writer.ts). */
export const RowKind = {
  /** Meter unknown or removed: to telemetry.quarantine. */
  Quarantine: 0,
  /** Not after the meter's latest stored key: may be a duplicate; flags final. */
  Old: 1,
  /** Like Old, but before the meter's last state with nothing earlier in the batch: its previous reading is looked up once stored. */
  OldLookup: 2,
} as const;
export type RowKind = (typeof RowKind)[keyof typeof RowKind];

export interface PlannedRow {
  tenantId: string;
  r: ParsedReading;
  entry: MeterEntry;
  /** The reading's flags with the register check applied (for OldLookup, before the lookup). */
  flags: number;
  kind: RowKind;
}

export interface LanePlan {
  /** After every stored key of its meter: cannot be a duplicate, COPY straight into telemetry.readings. */
  fresh: PlannedRow[];
  slow: PlannedRow[];
  /** Repeats of a key within this lane's share of the batch (the first one is kept). */
  repeats: number;
}

/**
 * Splits a lane's readings (every meter already cached) into fresh and slow rows and applies the
 * register check (see the reference rule below). `allSlow`: after a duplicate was found among
 * "fresh" rows (a stale state after a restart), every row goes the slow way and is looked up.
 */
export function planLane(groups: Array<{ tenantId: string; readings: ParsedReading[] }>, cache: MeterCache, allSlow = false): LanePlan {
  const byMeter = new Map<MeterEntry, ParsedReading[]>();
  for (const g of groups) {
    for (const r of g.readings) {
      const e = cache.get(g.tenantId, r.meter);
      if (!e) throw new Error(`meter ${r.meter} of tenant ${g.tenantId} is not cached`);
      const list = byMeter.get(e);
      if (list) list.push(r);
      else byMeter.set(e, [r]);
    }
  }
  const plan: LanePlan = { fresh: [], slow: [], repeats: 0 };
  for (const [e, list] of byMeter) {
    // Stable: of readings with the same key, the first to arrive is kept, as the first stored wins.
    if (list.length > 1) list.sort((a, b) => a.tsMs - b.tsMs);
    let prevL: number | undefined;
    let prevTs = NaN;
    for (const r of list) {
      if (r.tsMs === prevTs) {
        plan.repeats++;
        continue;
      }
      const batchPrevTs = prevTs;
      prevTs = r.tsMs;
      if (!e.known) {
        plan.slow.push({ tenantId: e.tenantId, r, entry: e, flags: r.flags, kind: RowKind.Quarantine });
        continue;
      }
      const curL = r.registerL;
      // The reference is the latest reading before this one: the batch's previous one if it is after
      // everything stored, else the last state if this one is after it; otherwise (a stored reading
      // may lie between) it is looked up once stored. After a stale state (allSlow) always looked up.
      let ref: number | null | undefined;
      if (!allSlow) {
        if (prevL !== undefined && (e.lastTsMs === null || batchPrevTs > e.lastTsMs)) ref = prevL;
        else if (e.lastTsMs === null || r.tsMs > e.lastTsMs) ref = e.lastL;
      }
      const flags = ref === undefined ? r.flags : r.flags | registerFlag(ref, curL, e.rolloverL);
      const row: PlannedRow = { tenantId: e.tenantId, r, entry: e, flags, kind: ref === undefined ? RowKind.OldLookup : RowKind.Old };
      if (!allSlow && (e.maxTsMs === null || r.tsMs > e.maxTsMs)) plan.fresh.push(row);
      else plan.slow.push(row);
      prevL = curL;
    }
  }
  return plan;
}

/**
 * Days this process marked in telemetry.summary_dirty lately, so a day being written is not marked
 * again after every batch: each meter remembers the day it last marked (`MeterEntry.mark*`). A mark
 * is skipped for `skipMs` after it was written (no longer than the database's own refresh,
 * MARK_REFRESH_S, and a third of SUMMARY_SETTLE_S), and never once the summarizer has claimed marks
 * since (`telemetry.summary_claims` moves the epoch), so a claimed day is marked again by its next reading.
 */
export class DayMarks {
  private epoch = 1;

  constructor(private readonly skipMs: number) {}

  /** The epoch a write marks under: taken when it marks, recorded after its commit. */
  get current(): number {
    return this.epoch;
  }

  due(e: MeterEntry, day: string, now: number): boolean {
    return e.markDay !== day || e.markEpoch !== this.epoch || now - e.markAt >= this.skipMs;
  }

  wrote(e: MeterEntry, day: string, now: number, epoch: number): void {
    e.markDay = day;
    e.markAt = now;
    e.markEpoch = epoch;
  }

  /** The summarizer claimed marks: any day may need marking again. */
  clear(): void {
    this.epoch++;
  }
}

/** Tenant-local calendar days, cached per 15-minute step (every real UTC offset is a multiple of it). */
export class LocalDays {
  private readonly formats = new Map<string, Intl.DateTimeFormat>();
  private readonly days = new Map<string, Map<number, string>>();

  dayOf(timeZone: string, tsMs: number): string {
    const step = Math.floor(tsMs / 900_000);
    let byStep = this.days.get(timeZone);
    if (!byStep || byStep.size > 50_000) this.days.set(timeZone, (byStep = new Map()));
    let day = byStep.get(step);
    if (day === undefined) {
      let f = this.formats.get(timeZone);
      if (!f) this.formats.set(timeZone, (f = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' })));
      day = f.format(step * 900_000);
      byStep.set(step, day);
    }
    return day;
  }
}

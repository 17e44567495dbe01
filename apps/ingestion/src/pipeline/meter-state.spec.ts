import { DayMarks, DECREASE, FUTURE, LocalDays, m3ToLitres, MeterCache, observeStored, planLane, registerFlag, ROLLOVER, RowKind, type MeterRow } from './meter-state';
import { litresToM3, type ParsedReading } from './parse-telemetry';

const T = 'a1a1a1a1-0000-4000-8000-000000000001';
const T0 = Date.parse('2026-11-20T12:00:00Z');
const STEP = 900_000;

const reading = (meter: string, i: number, litres: number, flags = 0): ParsedReading => ({
  meter,
  tsMs: T0 + i * STEP,
  ts: new Date(T0 + i * STEP).toISOString(),
  registerM3: litresToM3(litres),
  registerL: litres,
  flowLps: null,
  battery: null,
  signal: null,
  alarms: 0,
  flags,
});

const row = (meterId: string, over: Partial<MeterRow> = {}): MeterRow => ({
  tenant_id: T,
  meter_id: meterId,
  active: true,
  installed_at: null,
  rollover_m3: '100000.000',
  last_ts: null,
  last_register_m3: null,
  ...over,
});

function cacheWith(...rows: MeterRow[]): MeterCache {
  const cache = new MeterCache(2, (m) => (m.endsWith('1') ? 0 : 1));
  const ids = [...rows.map((r) => r.meter_id), 'UNKNOWN'];
  cache.load({ tenantIds: ids.map(() => T), meterIds: ids }, rows);
  return cache;
}

describe('registers in litres', () => {
  it('reads numeric(12,3) text exactly', () => {
    expect(m3ToLitres('123.456')).toBe(123_456);
    expect(m3ToLitres('999999999.999')).toBe(999_999_999_999);
    expect(m3ToLitres('0.5')).toBe(500);
    expect(m3ToLitres('-1.250')).toBe(-1_250);
    expect(m3ToLitres('7')).toBe(7_000);
  });

  it('flags a decrease, or a rollover from the top of the range to its bottom', () => {
    const range = 1_000_000; // a 3-digit register: 1,000 m3
    expect(registerFlag(null, 5, range)).toBe(0);
    expect(registerFlag(5, 5, range)).toBe(0);
    expect(registerFlag(500_000, 400_000, range)).toBe(DECREASE);
    expect(registerFlag(999_500, 250, range)).toBe(ROLLOVER);
    expect(registerFlag(899_999, 250, range)).toBe(DECREASE); // below 90 % of the range
    expect(registerFlag(999_500, 100_000, range)).toBe(DECREASE); // not below 10 %
  });
});

describe('planLane', () => {
  it('sends readings after the latest stored key the fast way, checked against the batch and the last state', () => {
    const cache = cacheWith(row('M1', { last_ts: new Date(T0), last_register_m3: '10.000' }));
    const plan = planLane([{ tenantId: T, readings: [reading('M1', 2, 9_000), reading('M1', 1, 11_000), reading('M1', 3, 12_000)] }], cache);
    expect(plan.slow).toEqual([]);
    // Sorted by time: 11 after the stored 10 (ok), 9 after 11 (decrease), 12 after 9 (ok).
    expect(plan.fresh.map((p) => [p.r.registerL, p.flags])).toEqual([
      [11_000, 0],
      [9_000, DECREASE],
      [12_000, 0],
    ]);
  });

  it('keeps the first of repeated keys and sends older keys the slow way', () => {
    const cache = cacheWith(row('M1', { last_ts: new Date(T0 + 5 * STEP), last_register_m3: '50.000' }));
    const first = reading('M1', 6, 60_000);
    const again = { ...reading('M1', 6, 61_000) };
    const plan = planLane([{ tenantId: T, readings: [reading('M1', 4, 40_000), first, again, reading('M1', 2, 30_000)] }], cache);
    expect(plan.repeats).toBe(1);
    expect(plan.fresh.map((p) => p.r)).toEqual([first]);
    // Before the last state: looked up once stored, also the second one (a stored reading may lie
    // between it and its batch predecessor).
    expect(plan.slow.map((p) => [p.r.registerL, p.kind, p.flags])).toEqual([
      [30_000, RowKind.OldLookup, 0],
      [40_000, RowKind.OldLookup, 0],
    ]);
  });

  it('checks a new reading against the last state when the batch predecessor is older than it', () => {
    // Stored up to t5 = 50 m3; the batch brings a late t1 and a new t6 lower than t5.
    const cache = cacheWith(row('M1', { last_ts: new Date(T0 + 5 * STEP), last_register_m3: '50.000' }));
    const plan = planLane([{ tenantId: T, readings: [reading('M1', 1, 10_000), reading('M1', 6, 45_000)] }], cache);
    expect(plan.slow.map((p) => [p.r.registerL, p.kind])).toEqual([[10_000, RowKind.OldLookup]]);
    expect(plan.fresh.map((p) => [p.r.registerL, p.flags])).toEqual([[45_000, DECREASE]]);
  });

  it('quarantines readings of unknown meters and goes all the slow way after a stale state', () => {
    const cache = cacheWith(row('M1'));
    const plan = planLane([{ tenantId: T, readings: [reading('UNKNOWN', 1, 1), reading('M1', 1, 1)] }], cache, true);
    expect(plan.fresh).toEqual([]);
    expect(plan.slow.map((p) => [p.r.meter, p.kind])).toEqual([
      ['UNKNOWN', RowKind.Quarantine],
      ['M1', RowKind.OldLookup],
    ]);
  });

  it('refuses a meter that was never read from the database', () => {
    expect(() => planLane([{ tenantId: T, readings: [reading('NEVER-LOADED', 1, 1)] }], cacheWith())).toThrow(/not cached/);
  });
});

describe('MeterCache', () => {
  it('keeps the later of its own and the database state for the same installation', () => {
    const cache = cacheWith(row('M1', { last_ts: new Date(T0), last_register_m3: '1.000' }));
    const e = cache.get(T, 'M1')!;
    observeStored(e, T0 + 2 * STEP, '3.000', 3_000, 0);
    cache.markDirty(e);
    // A replay stored something older than ours: ours stays, still to be written.
    cache.refresh(0, [row('M1', { last_ts: new Date(T0 + STEP), last_register_m3: '2.000' })], 7);
    const merged = cache.get(T, 'M1')!;
    expect([merged.lastTsMs, merged.lastReg, merged.dirty, cache.versionOf(0), cache.versionOf(1)]).toEqual([T0 + 2 * STEP, '3.000', true, 7, 0]);
    expect(cache.takeDirty(0)).toEqual([merged]);
    // A later one: the database's wins.
    cache.refresh(0, [row('M1', { last_ts: new Date(T0 + 9 * STEP), last_register_m3: '9.000' })], 8);
    expect(cache.get(T, 'M1')!.lastReg).toBe('9.000');
  });

  it('starts a new register history for a new installation, and follows removal', () => {
    const cache = cacheWith(row('M1', { last_ts: new Date(T0), last_register_m3: '500.000' }));
    const old = cache.get(T, 'M1')!;
    cache.refresh(0, [row('M1', { installed_at: new Date(T0 + STEP) })], 2);
    const fresh = cache.get(T, 'M1')!;
    expect([fresh.lastTsMs, fresh.installedAtMs, cache.isCurrent(old)]).toEqual([null, T0 + STEP, false]);
    // Work planned against the replaced entry is not written as this meter's state.
    old.dirty = true;
    cache.markDirty(old);
    expect(cache.takeDirty(0)).toEqual([]);
    cache.refresh(0, [row('M1', { active: false })], 3);
    expect(cache.get(T, 'M1')!.known).toBe(false);
  });

  it('ignores changes of meters it never read, and ignores future readings for the register reference', () => {
    const cache = cacheWith(row('M1'));
    cache.refresh(1, [row('OTHER')], 4);
    expect(cache.get(T, 'OTHER')).toBeUndefined();
    // Another lane's refresh never replaces this lane's entries (a write of it may be in flight).
    const before = cache.get(T, 'M1')!;
    cache.refresh(1, [row('M1', { active: false })], 5);
    expect(cache.get(T, 'M1')).toBe(before);
    const e = cache.get(T, 'M1')!;
    observeStored(e, T0 + 99 * STEP, '9.000', 9_000, FUTURE);
    expect([e.lastTsMs, e.maxTsMs]).toEqual([null, T0 + 99 * STEP]);
  });

  it('puts dirty entries back when their write fails', () => {
    const cache = cacheWith(row('M1'));
    const e = cache.get(T, 'M1')!;
    observeStored(e, T0, '1.000', 1_000, 0);
    cache.markDirty(e);
    const taken = cache.takeDirty(0);
    expect([taken, e.dirty, cache.takeDirty(0)]).toEqual([[e], false, []]);
    cache.restoreDirty(0, taken);
    expect(cache.takeDirty(0)).toEqual([e]);
  });
});

describe('DayMarks', () => {
  it('skips a day marked moments ago, until the skip passes or the summarizer claims', () => {
    const cache = cacheWith(row('M1'));
    const e = cache.get(T, 'M1')!;
    const marks = new DayMarks(60_000);
    expect(marks.due(e, '2026-11-20', 0)).toBe(true);
    marks.wrote(e, '2026-11-20', 0, marks.current);
    expect(marks.due(e, '2026-11-20', 59_999)).toBe(false);
    expect(marks.due(e, '2026-11-19', 1)).toBe(true);
    expect(marks.due(e, '2026-11-20', 60_000)).toBe(true);
    marks.clear();
    expect(marks.due(e, '2026-11-20', 1)).toBe(true);
  });

  it('records a mark under the epoch it was written in, not the one current at its commit', () => {
    const e = cacheWith(row('M1')).get(T, 'M1')!;
    const marks = new DayMarks(60_000);
    const epoch = marks.current;
    marks.clear(); // the summarizer claimed while the write was in flight
    marks.wrote(e, '2026-11-20', 0, epoch);
    expect(marks.due(e, '2026-11-20', 1)).toBe(true);
  });
});

describe('MeterCache entries', () => {
  it('ignores a written state older than the installation, and does not keep unknown meters', () => {
    const cache = cacheWith(row('M1', { installed_at: new Date(T0 + STEP), last_ts: new Date(T0), last_register_m3: '9.000' }));
    expect(cache.get(T, 'M1')!.lastTsMs).toBeNull();
    const unknown = cache.get(T, 'UNKNOWN')!;
    cache.evictUnknown(unknown);
    expect(cache.get(T, 'UNKNOWN')).toBeUndefined();
    cache.evictUnknown(cache.get(T, 'M1')!);
    expect(cache.get(T, 'M1')).toBeDefined();
  });

  it('counts and lists each lane\'s cached meters (a refresh by key after a mass change)', () => {
    // Lane 0: ids ending in 1; lane 1: the rest (UNKNOWN is cached too until evicted).
    const cache = cacheWith(row('M1'), row('N1'), row('M2'));
    expect([cache.sizeOf(0), cache.sizeOf(1)]).toEqual([2, 2]);
    expect(cache.keysOf(0)).toEqual({ tenantIds: [T, T], meterIds: ['M1', 'N1'] });
    expect(cache.keysOf(1).meterIds.sort()).toEqual(['M2', 'UNKNOWN']);
    // Loading a cached meter again or refreshing it replaces its entry, not the count.
    cache.load({ tenantIds: [T], meterIds: ['M1'] }, [row('M1')]);
    cache.refresh(0, [row('M1', { last_ts: new Date(T0), last_register_m3: '1.000' })], 5);
    expect(cache.sizeOf(0)).toBe(2);
    cache.evictUnknown(cache.get(T, 'UNKNOWN')!);
    cache.evictUnknown(cache.get(T, 'M2')!); // known: kept
    expect([cache.sizeOf(0), cache.sizeOf(1)]).toEqual([2, 1]);
    expect(cache.keysOf(1)).toEqual({ tenantIds: [T], meterIds: ['M2'] });
  });
});

describe('LocalDays', () => {
  it('gives the tenant-local calendar day, also across a UTC midnight', () => {
    const days = new LocalDays();
    expect(days.dayOf('America/Mexico_City', Date.parse('2026-11-21T05:59:59Z'))).toBe('2026-11-20');
    expect(days.dayOf('America/Mexico_City', Date.parse('2026-11-21T06:00:00Z'))).toBe('2026-11-21');
    expect(days.dayOf('Asia/Kathmandu', Date.parse('2026-11-20T18:14:00Z'))).toBe('2026-11-20');
    expect(days.dayOf('Asia/Kathmandu', Date.parse('2026-11-20T18:15:00Z'))).toBe('2026-11-21');
  });
});

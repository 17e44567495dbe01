/**
 * Simulated meters (pure, seeded): household daily profiles, leaks as continuous night flow,
 * reverse flow, stopped meters; plus the faults gateways produce (duplicates, out-of-order,
 * malformed messages). No I/O: main.ts publishes what this produces.
 */
export type MeterKind = 'household' | 'leak' | 'reverse' | 'stopped';

export interface SimMeter {
  id: string;
  kind: MeterKind;
  /** Litres on the register (integer: litre resolution). */
  litres: number;
  /** Household scale (people). */
  scale: number;
}

export interface SimReading {
  meter: string;
  ts: string;
  registerM3: number;
  flowLps: number;
  battery: number;
  signal: number;
  alarms?: string[];
}

/** Mulberry32: small deterministic PRNG so a run can be reproduced. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const meterId = (i: number): string => `SIM-${String(i + 1).padStart(6, '0')}`;

export function makeMeters(n: number, random: () => number): SimMeter[] {
  return Array.from({ length: n }, (_, i) => {
    const r = random();
    const kind: MeterKind = r < 0.03 ? 'leak' : r < 0.04 ? 'reverse' : r < 0.06 ? 'stopped' : 'household';
    return { id: meterId(i), kind, litres: Math.floor(random() * 2_000_000), scale: 1 + Math.floor(random() * 5) };
  });
}

/** Litres per hour of a household by local hour: morning and evening peaks, almost nothing at night. */
export function householdLph(hour: number, scale: number): number {
  const shape = [2, 1, 0, 0, 0, 3, 25, 45, 35, 15, 10, 12, 18, 20, 12, 10, 12, 18, 30, 38, 30, 18, 8, 4];
  return shape[hour] * scale;
}

/** Advances a meter by `seconds` ending at `atMs` and returns its reading. */
export function advance(m: SimMeter, atMs: number, seconds: number, random: () => number, utcOffsetH = -6): SimReading {
  const hour = (new Date(atMs).getUTCHours() + 24 + utcOffsetH) % 24;
  let lph = 0;
  const alarms: string[] = [];
  switch (m.kind) {
    case 'household':
      lph = householdLph(hour, m.scale) * (0.6 + random() * 0.8);
      break;
    case 'leak':
      lph = householdLph(hour, m.scale) + 18; // 5 ml/s around the clock: visible at night
      if (hour >= 2 && hour <= 4) alarms.push('leak');
      break;
    case 'reverse':
      lph = hour === 3 ? -6 : householdLph(hour, m.scale);
      if (lph < 0) alarms.push('reverse_flow');
      break;
    case 'stopped':
      lph = 0;
      break;
  }
  const litres = Math.round((lph * seconds) / 3600);
  m.litres = Math.max(0, m.litres + litres);
  return {
    meter: m.id,
    ts: new Date(atMs).toISOString(),
    registerM3: m.litres / 1000,
    flowLps: Math.round((lph / 3600) * 1000) / 1000,
    battery: 60 + Math.floor(random() * 40),
    signal: -70 - Math.floor(random() * 50),
    ...(alarms.length ? { alarms } : {}),
  };
}

export interface FaultRates {
  duplicate: number;
  outOfOrder: number;
  malformed: number;
}

export const DEFAULT_FAULTS: FaultRates = { duplicate: 0.01, outOfOrder: 0.01, malformed: 0.001 };

/** A malformed payload of one of the kinds gateways really send. */
export function malformed(random: () => number): string {
  const kinds = ['{"ts":"2026-13-45T99:00:00Z","registerM3":1}', '{"ts":"2026-11-23T00:00:00Z","registerM3":"12,5"}', '{truncated', '[]', '{"ts":"2026-11-23T00:00:00Z","registerM3":-3}'];
  return kinds[Math.floor(random() * kinds.length)];
}

import { METER_ID_RE, READING_FLAGS, TELEMETRY_ALARMS, type ReadingFlag, type TelemetryAlarm } from '@supra/contracts';
import { TelemetryErrorCodes, type TelemetryErrorCode } from './telemetry.errors';

/** A reading ready for COPY: every value already in its column's text form. */
export interface ParsedReading {
  meter: string;
  tsMs: number;
  /** ISO 8601 in UTC. */
  ts: string;
  /** m3 with exactly 3 decimals, built from integer litres (never through float formatting). */
  registerM3: string;
  /** The same register in integer litres. */
  registerL: number;
  flowLps: string | null;
  battery: string | null;
  signal: number | null;
  alarms: number;
  flags: number;
}

export interface InvalidReading {
  index: number;
  reason: string;
  reading: unknown;
}

export type ParseResult =
  | { ok: true; tenant: string; readings: ParsedReading[]; invalid: InvalidReading[] }
  | { ok: false; code: TelemetryErrorCode; reason: string };

export interface ParseOptions {
  /** Deployment namespace ('' in production). */
  ns: string;
  nowMs: number;
  /** A reading later than now + tolerance is stored with the `future` flag. */
  futureToleranceMs: number;
  maxBatch?: number;
}

export const alarmBit = (a: TelemetryAlarm): number => 1 << TELEMETRY_ALARMS.indexOf(a);
export const flagBit = (f: ReadingFlag): number => 1 << READING_FLAGS.indexOf(f);
export const alarmsFromBits = (bits: number): TelemetryAlarm[] => TELEMETRY_ALARMS.filter((a) => (bits & alarmBit(a)) !== 0);
export const flagsFromBits = (bits: number): ReadingFlag[] => READING_FLAGS.filter((f) => (bits & flagBit(f)) !== 0);

const ISO_RE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/;
const MIN_TS = Date.UTC(2000, 0, 1);
const SLUG_RE = /^[a-z0-9-]{1,63}$/;
const td = new TextDecoder();

/** `[ns.]telemetry.<tenant>.<meter>` -> tenant and meter, or undefined. */
export function parseTelemetrySubject(ns: string, subject: string): { tenant: string; meter: string } | undefined {
  const rest = ns ? (subject.startsWith(`${ns}.`) ? subject.slice(ns.length + 1) : undefined) : subject;
  if (!rest) return undefined;
  const parts = rest.split('.');
  if (parts.length !== 3 || parts[0] !== 'telemetry' || !SLUG_RE.test(parts[1]) || !METER_ID_RE.test(parts[2])) return undefined;
  return { tenant: parts[1], meter: parts[2] };
}

// Subjects repeat (one per meter or gateway): parsed once each. Bounded; cleared when full.
const subjects = new Map<string, Map<string, { tenant: string; meter: string } | undefined>>();
const SUBJECT_CACHE_MAX = 200_000;

function cachedSubject(ns: string, subject: string): { tenant: string; meter: string } | undefined {
  let byNs = subjects.get(ns);
  if (!byNs) subjects.set(ns, (byNs = new Map()));
  let parsed = byNs.get(subject);
  if (parsed === undefined && !byNs.has(subject)) {
    if (byNs.size >= SUBJECT_CACHE_MAX) byNs.clear();
    parsed = parseTelemetrySubject(ns, subject);
    byNs.set(subject, parsed);
  }
  return parsed;
}

/** Integer litres to "m3.lll". */
export function litresToM3(litres: number): string {
  const sign = litres < 0 ? '-' : '';
  const abs = Math.abs(litres);
  return `${sign}${Math.floor(abs / 1000)}.${String(abs % 1000).padStart(3, '0')}`;
}

/**
 * The instant as `toISOString()` would write it. Gateways mostly send that form already: then the
 * string is kept (formatting a Date costs more than the rest of a reading's parse), unless its
 * fields rolled over (V8 reads 02-30 as 03-02, 24:00 as the next day).
 */
function canonical(ts: string, tsMs: number): string {
  if (ts.length === 24 && ts.charCodeAt(23) === 90 && ts.charCodeAt(19) === 46 && ts.charCodeAt(10) === 84) {
    const day = (ts.charCodeAt(8) - 48) * 10 + ts.charCodeAt(9) - 48;
    const hour = (ts.charCodeAt(11) - 48) * 10 + ts.charCodeAt(12) - 48;
    if (hour < 24 && (day <= 28 || new Date(tsMs).getUTCDate() === day)) return ts;
  }
  return new Date(tsMs).toISOString();
}

/**
 * How far a scaled double may sit from its integer through binary rounding alone: a few ulps of it
 * (a slack relative to the value in m3 let ~100 litres through at 10^8 m3).
 */
const roundingSlack = (scaled: number): number => Math.max(1e-6, 4 * Number.EPSILON * Math.abs(scaled));

/** A JSON number with at most `decimals` decimals, as an exact string; undefined when it has more. */
function fixed(n: number, decimals: number): string | undefined {
  const scale = 10 ** decimals;
  const scaled = Math.round(n * scale);
  // JSON numbers are doubles: 123.456 * 1000 is 123456.00000000001; anything further off had more decimals.
  if (Math.abs(n * scale - scaled) > roundingSlack(scaled)) return undefined;
  if (decimals === 0) return String(scaled);
  const sign = scaled < 0 ? '-' : '';
  const abs = Math.abs(scaled);
  return `${sign}${Math.floor(abs / scale)}.${String(abs % scale).padStart(decimals, '0')}`;
}

function parseReading(raw: unknown, meter: string, opts: ParseOptions): ParsedReading | string {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return 'reading must be an object';
  const r = raw as Record<string, unknown>;
  if (typeof r.ts !== 'string' || !ISO_RE.test(r.ts)) return 'ts must be an ISO 8601 instant with an offset';
  const tsMs = Date.parse(r.ts);
  if (!Number.isFinite(tsMs) || tsMs < MIN_TS) return 'ts is not a valid instant';
  if (typeof r.registerM3 !== 'number' || !Number.isFinite(r.registerM3) || r.registerM3 < 0 || r.registerM3 >= 1e9) {
    return 'registerM3 must be a number in [0, 1e9)';
  }
  const registerL = Math.round(r.registerM3 * 1000);
  // JSON numbers are doubles: 123.456 * 1000 is 123456.00000000001; anything further off had more decimals.
  if (Math.abs(r.registerM3 * 1000 - registerL) > roundingSlack(registerL)) return 'registerM3 has more than 3 decimals (litre resolution)';
  let flowLps: string | null = null;
  if (r.flowLps !== undefined && r.flowLps !== null) {
    if (typeof r.flowLps !== 'number' || !Number.isFinite(r.flowLps) || Math.abs(r.flowLps) >= 1e6) return 'flowLps must be a number in (-1e6, 1e6)';
    flowLps = fixed(Math.round(r.flowLps * 1000) / 1000, 3) ?? null;
  }
  let battery: string | null = null;
  if (r.battery !== undefined && r.battery !== null) {
    if (typeof r.battery !== 'number' || !(r.battery >= 0 && r.battery <= 100)) return 'battery must be a percentage in [0, 100]';
    battery = fixed(Math.round(r.battery * 100) / 100, 2) ?? null;
  }
  let signal: number | null = null;
  if (r.signal !== undefined && r.signal !== null) {
    if (typeof r.signal !== 'number' || !Number.isInteger(r.signal) || r.signal < -200 || r.signal > 50) return 'signal must be an integer dBm in [-200, 50]';
    signal = r.signal;
  }
  let alarms = 0;
  if (r.alarms !== undefined && r.alarms !== null) {
    if (!Array.isArray(r.alarms)) return 'alarms must be an array';
    for (const a of r.alarms) {
      if (!(TELEMETRY_ALARMS as readonly unknown[]).includes(a)) return `unknown alarm ${JSON.stringify(a)}`;
      alarms |= alarmBit(a as TelemetryAlarm);
    }
  }
  const flags = tsMs > opts.nowMs + opts.futureToleranceMs ? flagBit('future') : 0;
  return { meter, tsMs, ts: canonical(r.ts, tsMs), registerM3: litresToM3(registerL), registerL, flowLps, battery, signal, alarms, flags };
}

/**
 * Parses one telemetry message: a single reading on the meter's subject, or a batch on any
 * subject of the tenant. Bad readings inside an otherwise good batch are returned apart (they are
 * dead-lettered; the good ones are stored). Pure: the clock comes in the options.
 */
export function parseTelemetryMessage(subject: string, data: Uint8Array, opts: ParseOptions): ParseResult {
  const subj = cachedSubject(opts.ns, subject);
  if (!subj) return { ok: false, code: TelemetryErrorCodes.subjectInvalid, reason: `subject ${subject} is not telemetry.<tenant>.<meter>` };
  let body: unknown;
  try {
    body = JSON.parse(td.decode(data));
  } catch (e) {
    return { ok: false, code: TelemetryErrorCodes.malformedJson, reason: `not JSON: ${(e as Error).message}` };
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return { ok: false, code: TelemetryErrorCodes.shapeInvalid, reason: 'body must be a JSON object' };
  }
  const obj = body as Record<string, unknown>;
  if ('readings' in obj) {
    const list = obj.readings;
    const max = opts.maxBatch ?? 10_000;
    if (!Array.isArray(list) || list.length === 0 || list.length > max) {
      return { ok: false, code: TelemetryErrorCodes.shapeInvalid, reason: `readings must be an array of 1..${max} readings` };
    }
    const readings: ParsedReading[] = [];
    const invalid: InvalidReading[] = [];
    list.forEach((raw, index) => {
      const meter = (raw as { meter?: unknown } | null)?.meter;
      if (typeof meter !== 'string' || !METER_ID_RE.test(meter)) {
        invalid.push({ index, reason: 'meter must be a meter id ([A-Za-z0-9_-]{1,64})', reading: raw });
        return;
      }
      const r = parseReading(raw, meter, opts);
      if (typeof r === 'string') invalid.push({ index, reason: r, reading: raw });
      else readings.push(r);
    });
    return { ok: true, tenant: subj.tenant, readings, invalid };
  }
  const r = parseReading(obj, subj.meter, opts);
  if (typeof r === 'string') return { ok: false, code: TelemetryErrorCodes.readingInvalid, reason: r };
  return { ok: true, tenant: subj.tenant, readings: [r], invalid: [] };
}

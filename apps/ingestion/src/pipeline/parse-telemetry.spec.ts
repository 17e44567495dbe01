import { litresToM3, parseTelemetryMessage, parseTelemetrySubject } from './parse-telemetry';

const te = new TextEncoder();
const NOW = Date.parse('2026-11-23T12:00:00Z');
const opts = { ns: 't-1', nowMs: NOW, futureToleranceMs: 300_000 };
const parse = (subject: string, body: unknown) =>
  parseTelemetryMessage(subject, te.encode(typeof body === 'string' ? body : JSON.stringify(body)), opts);

describe('parseTelemetrySubject', () => {
  it('reads tenant and meter after the namespace', () => {
    expect(parseTelemetrySubject('t-1', 't-1.telemetry.cea-qro.SIM-000001')).toEqual({ tenant: 'cea-qro', meter: 'SIM-000001' });
    expect(parseTelemetrySubject('', 'telemetry.demo.70B3D5')).toEqual({ tenant: 'demo', meter: '70B3D5' });
    expect(parseTelemetrySubject('t-1', 't-2.telemetry.demo.X')).toBeUndefined();
    expect(parseTelemetrySubject('', 'telemetry.demo.a.b')).toBeUndefined();
  });
});

describe('parseTelemetryMessage', () => {
  it('parses a single reading with exact litres and alarm bits', () => {
    const r = parse('t-1.telemetry.demo.M1', { ts: '2026-11-23T05:00:00-06:00', registerM3: 123.456, flowLps: 0.0214, battery: 87.5, signal: -97, alarms: ['leak', 'tamper'] });
    expect(r).toEqual({
      ok: true,
      tenant: 'demo',
      invalid: [],
      readings: [
        { meter: 'M1', tsMs: Date.parse('2026-11-23T11:00:00Z'), ts: '2026-11-23T11:00:00.000Z', registerM3: '123.456', registerL: 123_456, flowLps: '0.021', battery: '87.50', signal: -97, alarms: 1 | 4, flags: 0 },
      ],
    });
  });

  it('keeps registers exact up to the numeric column range', () => {
    const r = parse('t-1.telemetry.demo.M1', { ts: '2026-11-23T05:00:00Z', registerM3: 999999999.999 });
    expect(r.ok && r.readings[0].registerM3).toBe('999999999.999');
    const r2 = parse('t-1.telemetry.demo.M1', { ts: '2026-11-23T05:00:00Z', registerM3: 0.1 + 0.2 });
    expect(r2.ok && r2.readings[0].registerM3).toBe('0.300');
  });

  it('keeps an instant already in canonical form and rewrites any other form or a rolled-over field', () => {
    const ts = (v: string) => {
      const r = parse('t-1.telemetry.demo.M1', { ts: v, registerM3: 1 });
      return r.ok ? r.readings[0].ts : r;
    };
    expect(ts('2026-11-23T05:00:00.123Z')).toBe('2026-11-23T05:00:00.123Z');
    expect(ts('2026-11-23T05:00:00Z')).toBe('2026-11-23T05:00:00.000Z');
    expect(ts('2026-11-23T05:00:00.5-06:00')).toBe('2026-11-23T11:00:00.500Z');
    // V8 reads a day past the month's end and hour 24 as later instants: the stored ts says which.
    expect(ts('2026-04-31T10:15:00.000Z')).toBe('2026-05-01T10:15:00.000Z');
    expect(ts('2026-11-05T24:00:00.000Z')).toBe('2026-11-06T00:00:00.000Z');
    expect(ts('2026-01-31T10:15:00.000Z')).toBe('2026-01-31T10:15:00.000Z');
  });

  it('refuses more than litre resolution instead of rounding it away', () => {
    expect(parse('t-1.telemetry.demo.M1', { ts: '2026-11-23T05:00:00Z', registerM3: 1.2345 })).toMatchObject({ ok: false, code: 'TELEMETRY.READING_INVALID' });
    // Also on a large register: 0.4 litre past 10^8 m3 is not binary rounding.
    expect(parse('t-1.telemetry.demo.M1', { ts: '2026-11-23T05:00:00Z', registerM3: 100000000.0004 })).toMatchObject({ ok: false, code: 'TELEMETRY.READING_INVALID' });
    expect(parse('t-1.telemetry.demo.M1', { ts: '2026-11-23T05:00:00Z', registerM3: 123456789.123 })).toMatchObject({ ok: true });
  });

  it('flags a reading beyond the future tolerance', () => {
    const ok = parse('t-1.telemetry.demo.M1', { ts: '2026-11-23T12:04:00Z', registerM3: 1 });
    const future = parse('t-1.telemetry.demo.M1', { ts: '2026-11-23T12:06:00Z', registerM3: 1 });
    expect(ok.ok && ok.readings[0].flags).toBe(0);
    expect(future.ok && future.readings[0].flags).toBe(1);
  });

  it('splits a batch into good and bad readings', () => {
    const r = parse('t-1.telemetry.demo.gw', {
      readings: [
        { meter: 'A', ts: '2026-11-23T05:00:00Z', registerM3: 1 },
        { meter: 'B', ts: 'not a date', registerM3: 1 },
        { meter: 'bad.meter', ts: '2026-11-23T05:00:00Z', registerM3: 1 },
        { meter: 'C', ts: '2026-11-23T05:00:00Z', registerM3: 2, alarms: ['zombie'] },
      ],
    });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.readings.map((x) => x.meter)).toEqual(['A']);
    expect(r.invalid.map((i) => i.index)).toEqual([1, 2, 3]);
  });

  it('dead-letters what is not telemetry', () => {
    expect(parse('t-1.telemetry.demo.M1', '{oops')).toMatchObject({ ok: false, code: 'TELEMETRY.MALFORMED_JSON' });
    expect(parse('t-1.telemetry.demo.M1', [1, 2])).toMatchObject({ ok: false, code: 'TELEMETRY.SHAPE_INVALID' });
    expect(parse('t-1.telemetry.demo.M1', { readings: [] })).toMatchObject({ ok: false, code: 'TELEMETRY.SHAPE_INVALID' });
    expect(parse('t-1.telemetry.demo.M1', { ts: '2026-11-23T05:00:00', registerM3: 1 })).toMatchObject({ ok: false, code: 'TELEMETRY.READING_INVALID' });
    expect(parse('t-1.telemetry.demo.M1', { ts: '2026-11-23T05:00:00Z', registerM3: -1 })).toMatchObject({ ok: false, code: 'TELEMETRY.READING_INVALID' });
    expect(parse('t-1.telemetry.Demo.M1', { ts: '2026-11-23T05:00:00Z', registerM3: 1 })).toMatchObject({ ok: false, code: 'TELEMETRY.SUBJECT_INVALID' });
  });

  it('formats litres as m3', () => {
    expect(litresToM3(123456)).toBe('123.456');
    expect(litresToM3(5)).toBe('0.005');
    expect(litresToM3(-1250)).toBe('-1.250');
  });
});

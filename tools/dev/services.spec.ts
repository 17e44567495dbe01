import { bootFailure, databaseName, DEV_SERVICES, selectServices, serviceEnv, stackSettings, tail, withDatabase } from './services';

describe('dev stack service table', () => {
  it('gives every service its own port, the gateway 3000', () => {
    const ports = DEV_SERVICES.map((s) => s.httpPort);
    expect(new Set(ports).size).toBe(ports.length);
    expect(DEV_SERVICES.find((s) => s.name === 'gateway')?.httpPort).toBe(3000);
    expect(DEV_SERVICES.map((s) => s.name)).toEqual(['gateway', 'customer', 'metering', 'ingestion', 'billing', 'payments', 'work-orders', 'collections', 'agents']);
  });

  it('selects a subset by name and rejects unknown names', () => {
    expect(selectServices(' gateway , customer ').map((s) => s.name)).toEqual(['gateway', 'customer']);
    expect(selectServices(undefined)).toHaveLength(DEV_SERVICES.length);
    expect(() => selectServices('gateway,biling')).toThrow(/biling/);
  });
});

describe('stack settings and service environment', () => {
  it('defaults to the local supra database and derives the maintenance database from it', () => {
    const s = stackSettings({}, 'k'.repeat(64));
    expect(s.databaseUrl).toBe('postgres://postgres@127.0.0.1:5432/supra');
    expect(s.adminDatabaseUrl).toBe('postgres://postgres@127.0.0.1:5432/postgres');
    expect(s.demoPassword).toBe('supra-demo');
  });

  it('keeps credentials when it points at another database', () => {
    const s = stackSettings({ DATABASE_URL: 'postgres://app:s3cret@db.local:6543/utility' }, 'k');
    expect(s.adminDatabaseUrl).toBe('postgres://app:s3cret@db.local:6543/postgres');
    expect(withDatabase(s.databaseUrl, 'other')).toBe('postgres://app:s3cret@db.local:6543/other');
  });

  it('lets the environment override the generated secret key and the demo password', () => {
    const s = stackSettings({ SUPRA_SECRET_KEY: 'a'.repeat(64), SUPRA_DEMO_PASSWORD: 'otra-clave' }, 'b'.repeat(64));
    expect(s.secretKey).toBe('a'.repeat(64));
    expect(s.demoPassword).toBe('otra-clave');
  });

  it('gives each service its port and the shared URLs', () => {
    const s = stackSettings({ NATS_URL: 'nats://127.0.0.1:4333' }, 'c'.repeat(64));
    const env = serviceEnv({ name: 'billing', httpPort: 3104 }, s);
    expect(env).toMatchObject({ HTTP_PORT: '3104', NATS_URL: 'nats://127.0.0.1:4333', DATABASE_URL: s.databaseUrl, MIGRATE_ON_BOOT: 'true', SUPRA_SECRET_KEY: 'c'.repeat(64) });
  });

  it('keeps the telemetry stream small on a developer machine (JetStream reserves max_bytes)', () => {
    const ingestion = DEV_SERVICES.find((x) => x.name === 'ingestion')!;
    expect(Number(serviceEnv(ingestion, stackSettings({}, 'k')).TELEMETRY_STREAM_MAX_BYTES)).toBeLessThanOrEqual(1024 ** 3);
  });

  it('reads the database name and refuses one that is unsafe to quote', () => {
    expect(databaseName('postgres://postgres@127.0.0.1:5432/supra')).toBe('supra');
    expect(() => databaseName('postgres://postgres@127.0.0.1:5432/x%22%3B%20drop')).toThrow(/unsupported database name/);
  });

  it("finds why a service did not boot in its log (the runService line), not a service's other lines", () => {
    const log = '{"level":30,"msg":"starting"}\nbilling failed to start: nope\nmetering failed to start: migration EstimationFinalReadings1763900200000 of schema metering failed: column "final" does not exist\n';
    expect(bootFailure(log, 'metering')).toBe('migration EstimationFinalReadings1763900200000 of schema metering failed: column "final" does not exist');
    expect(bootFailure('{"msg":"metering ready"}\n', 'metering')).toBeUndefined();
  });

  it('tails a log', () => {
    expect(tail('a\nb\nc\nd\n\n', 2)).toBe('c\nd');
    expect(tail('', 3)).toBe('');
  });
});

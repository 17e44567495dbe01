import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Parser } from '@asyncapi/parser';
import { TELEMETRY_ALARMS } from '@supra/contracts';
import { TelemetryErrorCodes } from '../src/pipeline/telemetry.errors';

const DOC = join(__dirname, '../../../docs/asyncapi/telemetry.yaml');

describe('docs/asyncapi/telemetry.yaml', () => {
  it('is a valid AsyncAPI 3 document that matches the code', async () => {
    const { document, diagnostics } = await new Parser().parse(readFileSync(DOC, 'utf8'));
    const errors = diagnostics.filter((d) => d.severity === 0);
    expect(errors).toEqual([]);
    expect(document?.version()).toBe('3.0.0');
    expect(document?.channels().all().map((c) => c.address()).sort()).toEqual(['dlq.ingestion.telemetry', 'telemetry.{tenant}.{meterId}']);
    const reading = document?.components().schemas().all().find((s) => s.id() === 'Reading');
    expect(reading?.properties()?.alarms?.items()).toBeDefined();
    const alarms = (reading?.json() as { properties: { alarms: { items: { enum: string[] } } } }).properties.alarms.items.enum;
    expect(alarms).toEqual([...TELEMETRY_ALARMS]);
    const dlq = document?.components().messages().all().find((m) => m.id() === 'DeadLetter');
    const codes = (dlq?.headers()?.json() as { properties: { 'supra-dlq-code': { enum: string[] } } }).properties['supra-dlq-code'].enum;
    expect(codes.sort()).toEqual(Object.values(TelemetryErrorCodes).sort());
  });
});

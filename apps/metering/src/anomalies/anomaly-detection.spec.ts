import { detectAnomalies, type MeterDay } from './anomaly-detection';

const day = (n: number, consumptionM3: string, minNightFlowLps: string | null = '0.000', alarms: string[] = []): MeterDay => ({
  day: `2026-01-${String(n).padStart(2, '0')}`, consumptionM3, minNightFlowLps, alarms, readingsCount: 96,
});

describe('detectAnomalies', () => {
  it('reports a leak only after three nights of sustained flow', () => {
    expect(detectAnomalies([day(1, '0.5', '0.010'), day(2, '0.5', '0.010')]).map((a) => a.kind)).toEqual([]);
    expect(detectAnomalies([day(1, '0.5', '0.010'), day(2, '0.5', '0.010'), day(3, '0.5', '0.010')]).map((a) => a.kind)).toEqual(['leak']);
  });

  it('reports reverse flow, tamper, a stopped meter and a sudden drop', () => {
    expect(detectAnomalies([day(1, '-0.2', null, ['magnetic'])]).map((a) => a.kind)).toEqual(['reverse_flow', 'tamper']);
    const stopped = [day(1, '0.4'), ...Array.from({ length: 7 }, (_, i) => day(i + 2, '0.000'))];
    expect(detectAnomalies(stopped).map((a) => a.kind)).toEqual(['stopped_meter']);
    const drop = [...Array.from({ length: 10 }, (_, i) => day(i + 1, '0.600')), day(11, '0.050')];
    expect(detectAnomalies(drop)).toEqual([expect.objectContaining({ kind: 'sudden_drop', evidence: expect.objectContaining({ trailingAverageM3: '0.600' }) })]);
  });
});

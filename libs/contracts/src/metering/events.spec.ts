import { randomUUID } from 'node:crypto';
import { validateEventData } from '../lib/event-registry';
import { ConsumptionBillableV1 } from './events';

const billable = (patch: Record<string, unknown> = {}) => ({
  billableId: randomUUID(),
  tomaId: randomUUID(),
  period: '2026-03',
  periodStart: '2026-03-01T06:00:00.000Z',
  periodEnd: '2026-03-11T06:00:00.000Z',
  consumptionM3: '12.500',
  estimated: false,
  adjustmentM3: '0.000',
  provenance: { readingIds: [], rules: [], method: 'difference', inputs: {} },
  ...patch,
});

describe('metering.consumption.billable.v1', () => {
  it('stays valid without the final flag (older producers)', () => {
    expect(validateEventData(ConsumptionBillableV1.type, billable())).toBeNull();
  });

  it('accepts final: true and refuses a non-boolean final', () => {
    expect(validateEventData(ConsumptionBillableV1.type, billable({ final: true }))).toBeNull();
    expect(validateEventData(ConsumptionBillableV1.type, billable({ final: 'yes' }))).toEqual([expect.objectContaining({ field: 'final' })]);
  });
});

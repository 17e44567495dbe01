import demo from './fixtures/demo-schedule.json';
import { parseSchedule, validateSchedule } from './schedule.validator';

describe('validateSchedule', () => {
  it('accepts the demo schedule', () => {
    expect(validateSchedule(demo)).toMatchObject({ ok: true });
  });

  it('lists every problem with its path', () => {
    const bad = structuredClone(demo) as Record<string, any>;
    bad.formatVersion = 2;
    bad.effectiveTo = '2025-01-01';
    bad.classes.domestica.metered.blocks[1].from = '11';
    bad.classes.domestica.metered.blocks[2].pricePerM3 = 17.35;
    bad.classes.domestica.metered.blocks[4].to = '99';
    bad.classes.domestica.derived[0].concept = 'drenaje';
    bad.classes.domestica.tax.agua = '16';
    bad.classes.comercial.metered.above.appliesTo = 'all';
    bad.classes.industrial.metered.model = 'tiered';
    bad.concepts.agua.claveProdServ = '1017150';
    bad.surcharges.maxMonths = 0;
    const result = validateSchedule(bad);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.errors).toEqual([
      '$.formatVersion: must be 1 (the only format version this code reads)',
      '$.effectiveTo: must be after effectiveFrom',
      '$.concepts.agua.claveProdServ: must be an 8-digit c_ClaveProdServ',
      '$.classes.domestica.metered.blocks[1].from: must be 10 (blocks are contiguous, starting at 0)',
      '$.classes.domestica.metered.blocks[2].pricePerM3: must be a non-negative decimal string (got 17.35)',
      '$.classes.domestica.metered.blocks[4].to: the last block must be open (null) so every consumption is priced',
      '$.classes.domestica.derived[0].concept: must name a concept defined in $.concepts (got "drenaje")',
      '$.classes.domestica.tax.agua: must be a rate as a fraction ("0.16", "0"), "exento" or "no-objeto"',
      '$.classes.comercial.metered.above.appliesTo: must be "excess" or "total"',
      '$.classes.industrial.metered.model: unknown pricing model "tiered" (incremental-blocks, cumulative-table, flat)',
      '$.surcharges.maxMonths: must be a positive integer',
    ]);
  });

  it('requires a rounding rule for cumulative tables and a UMA-index shape', () => {
    const bad = structuredClone(demo) as Record<string, any>;
    bad.consumptionRounding = { mode: 'none' };
    bad.classes.industrial.minimumCharge.amount = { umas: '15' };
    const result = validateSchedule(bad);
    expect(!result.ok && result.errors).toEqual([
      '$.classes.industrial.minimumCharge.amount: an indexed amount is { "uma": "<multiple>" }',
      '$.classes.comercial.metered: a cumulative table needs a consumptionRounding mode other than "none"',
    ]);
  });

  it('parseSchedule throws a domain error with the list, also for broken JSON', () => {
    expect(() => parseSchedule({})).toThrow(expect.objectContaining({ code: 'BILLING.TARIFF_SCHEDULE_INVALID', details: { errors: expect.arrayContaining(['$.format: must be "supra.tariff-schedule"']) } }));
    expect(() => parseSchedule('{not json')).toThrow(expect.objectContaining({ code: 'BILLING.TARIFF_SCHEDULE_INVALID' }));
    expect(parseSchedule(JSON.stringify(demo)).id).toBe('demo-2026');
  });
});

import { toDec } from '@supra/domain/money';
import { RatingError } from './rating.errors';
import type { TariffScheduleDocument } from './schedule.types';

const DEC_RE = /^(0|[1-9][0-9]*)(\.[0-9]+)?$/;
const DATE_RE = /^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$/;

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

class Collector {
  readonly errors: string[] = [];
  add(path: string, msg: string): void {
    this.errors.push(`${path}: ${msg}`);
  }
  str(o: Obj, k: string, path: string, required = true): string | undefined {
    const v = o[k];
    if (v === undefined || v === null) {
      if (required) this.add(`${path}.${k}`, 'is required');
      return undefined;
    }
    if (typeof v !== 'string' || v.trim() === '') {
      this.add(`${path}.${k}`, 'must be a non-empty string');
      return undefined;
    }
    return v;
  }
  dec(v: unknown, path: string, opts: { positive?: boolean } = {}): boolean {
    if (typeof v !== 'string' || !DEC_RE.test(v)) {
      this.add(path, `must be a non-negative decimal string (got ${JSON.stringify(v)})`);
      return false;
    }
    if (opts.positive && toDec(v).isZero()) {
      this.add(path, 'must be greater than zero');
      return false;
    }
    return true;
  }
  amount(v: unknown, path: string): void {
    if (isObj(v)) {
      if (Object.keys(v).length !== 1 || !('uma' in v)) this.add(path, 'an indexed amount is { "uma": "<multiple>" }');
      else this.dec(v.uma, `${path}.uma`);
      return;
    }
    this.dec(v, path);
  }
  tax(v: unknown, path: string): void {
    if (v === 'exento' || v === 'no-objeto') return;
    if (typeof v !== 'string' || !DEC_RE.test(v) || toDec(v).greaterThanOrEqualTo(1)) {
      this.add(path, 'must be a rate as a fraction ("0.16", "0"), "exento" or "no-objeto"');
    }
  }
}

function validateWaterModel(c: Collector, m: unknown, path: string): void {
  if (!isObj(m)) {
    c.add(path, 'must be an object');
    return;
  }
  switch (m.model) {
    case 'incremental-blocks': {
      if (m.fixedCharges !== undefined && m.fixedCharges !== 'highest-block' && m.fixedCharges !== 'every-block') {
        c.add(`${path}.fixedCharges`, 'must be "highest-block" or "every-block"');
      }
      if (!Array.isArray(m.blocks) || m.blocks.length === 0) {
        c.add(`${path}.blocks`, 'must be a non-empty array');
        return;
      }
      let expectedFrom = '0';
      m.blocks.forEach((b: unknown, i: number) => {
        const bp = `${path}.blocks[${i}]`;
        if (!isObj(b)) {
          c.add(bp, 'must be an object');
          return;
        }
        if (c.dec(b.from, `${bp}.from`) && expectedFrom !== undefined && !toDec(b.from as string).equals(toDec(expectedFrom))) {
          c.add(`${bp}.from`, `must be ${expectedFrom} (blocks are contiguous, starting at 0)`);
        }
        const last = i === (m.blocks as unknown[]).length - 1;
        if (b.to === null) {
          if (!last) c.add(`${bp}.to`, 'only the last block may be open (null)');
        } else if (c.dec(b.to, `${bp}.to`) && typeof b.from === 'string' && DEC_RE.test(b.from) && !toDec(b.to as string).greaterThan(toDec(b.from))) {
          c.add(`${bp}.to`, 'must be greater than from');
        }
        if (last && b.to !== null) c.add(`${bp}.to`, 'the last block must be open (null) so every consumption is priced');
        c.amount(b.pricePerM3, `${bp}.pricePerM3`);
        if (b.fixedCharge !== undefined) c.amount(b.fixedCharge, `${bp}.fixedCharge`);
        expectedFrom = typeof b.to === 'string' ? b.to : expectedFrom;
      });
      return;
    }
    case 'cumulative-table': {
      if (!Array.isArray(m.table) || m.table.length === 0) c.add(`${path}.table`, 'must list the charge for 0..N m³');
      else m.table.forEach((v: unknown, i: number) => c.amount(v, `${path}.table[${i}]`));
      if (!isObj(m.above)) c.add(`${path}.above`, 'is required (base, ratePerM3, appliesTo)');
      else {
        c.amount(m.above.base, `${path}.above.base`);
        c.amount(m.above.ratePerM3, `${path}.above.ratePerM3`);
        if (m.above.appliesTo !== 'excess' && m.above.appliesTo !== 'total') c.add(`${path}.above.appliesTo`, 'must be "excess" or "total"');
      }
      return;
    }
    case 'flat':
      c.amount(m.amount, `${path}.amount`);
      return;
    default:
      c.add(`${path}.model`, `unknown pricing model ${JSON.stringify(m.model)} (incremental-blocks, cumulative-table, flat)`);
  }
}

/**
 * Validates an untrusted schedule document (e.g. from POST /tariffs/import) and returns every problem found,
 * with its JSON path, so an operator can fix the whole file in one go.
 */
export function validateSchedule(doc: unknown): { ok: true; schedule: TariffScheduleDocument } | { ok: false; errors: string[] } {
  const c = new Collector();
  if (!isObj(doc)) return { ok: false, errors: ['$: must be a JSON object'] };
  if (doc.format !== 'supra.tariff-schedule') c.add('$.format', 'must be "supra.tariff-schedule"');
  if (doc.formatVersion !== 1) c.add('$.formatVersion', 'must be 1 (the only format version this code reads)');
  c.str(doc, 'id', '$');
  c.str(doc, 'tenant', '$');
  c.str(doc, 'name', '$');
  if (!Number.isInteger(doc.version) || (doc.version as number) < 1) c.add('$.version', 'must be a positive integer');
  const from = c.str(doc, 'effectiveFrom', '$');
  if (from !== undefined && !DATE_RE.test(from)) c.add('$.effectiveFrom', 'must be YYYY-MM-DD');
  if (doc.effectiveTo !== null && doc.effectiveTo !== undefined) {
    if (typeof doc.effectiveTo !== 'string' || !DATE_RE.test(doc.effectiveTo)) c.add('$.effectiveTo', 'must be YYYY-MM-DD or null');
    else if (from && doc.effectiveTo <= from) c.add('$.effectiveTo', 'must be after effectiveFrom');
  }
  if (doc.currency !== 'MXN') c.add('$.currency', 'must be "MXN"');
  if (doc.umaValue !== undefined) c.dec(doc.umaValue, '$.umaValue', { positive: true });

  const r = doc.consumptionRounding;
  if (!isObj(r)) c.add('$.consumptionRounding', 'is required');
  else if (!['none', 'floor', 'ceil', 'half-up', 'above-threshold'].includes(r.mode as string)) {
    c.add('$.consumptionRounding.mode', 'must be none, floor, ceil, half-up or above-threshold');
  } else if (r.mode === 'above-threshold') {
    if (c.dec(r.threshold, '$.consumptionRounding.threshold') && toDec(r.threshold as string).greaterThanOrEqualTo(1)) {
      c.add('$.consumptionRounding.threshold', 'must be a fraction below 1');
    }
  }

  const concepts = doc.concepts;
  const conceptCodes = new Set<string>();
  if (!isObj(concepts) || Object.keys(concepts).length === 0) c.add('$.concepts', 'must define at least one concept');
  else {
    for (const [code, spec] of Object.entries(concepts)) {
      const p = `$.concepts.${code}`;
      conceptCodes.add(code);
      if (!isObj(spec)) {
        c.add(p, 'must be an object');
        continue;
      }
      c.str(spec, 'description', p);
      const cps = c.str(spec, 'claveProdServ', p);
      if (cps !== undefined && !/^[0-9]{8}$/.test(cps)) c.add(`${p}.claveProdServ`, 'must be an 8-digit c_ClaveProdServ');
      const cu = c.str(spec, 'claveUnidad', p);
      if (cu !== undefined && !/^[A-Z0-9]{1,3}$/.test(cu)) c.add(`${p}.claveUnidad`, 'must be a c_ClaveUnidad key');
      c.tax(spec.tax, `${p}.tax`);
    }
  }
  const needConcept = (code: unknown, path: string): void => {
    if (typeof code !== 'string' || !conceptCodes.has(code)) c.add(path, `must name a concept defined in $.concepts (got ${JSON.stringify(code)})`);
  };

  const classes = doc.classes;
  if (!isObj(classes) || Object.keys(classes).length === 0) c.add('$.classes', 'must define at least one tariff class');
  else {
    for (const [name, cls] of Object.entries(classes)) {
      const p = `$.classes.${name}`;
      if (!isObj(cls)) {
        c.add(p, 'must be an object');
        continue;
      }
      needConcept(cls.waterConcept, `${p}.waterConcept`);
      validateWaterModel(c, cls.metered, `${p}.metered`);
      if (cls.unmetered !== undefined) {
        if (!isObj(cls.unmetered) || cls.unmetered.model !== 'flat') c.add(`${p}.unmetered`, 'must be a flat model (cuota fija)');
        else validateWaterModel(c, cls.unmetered, `${p}.unmetered`);
      }
      if (cls.minimumCharge !== undefined) {
        if (!isObj(cls.minimumCharge)) c.add(`${p}.minimumCharge`, 'must be an object');
        else {
          c.amount(cls.minimumCharge.amount, `${p}.minimumCharge.amount`);
          if (cls.minimumCharge.appliesWhen !== 'zero-consumption' && cls.minimumCharge.appliesWhen !== 'floor') {
            c.add(`${p}.minimumCharge.appliesWhen`, 'must be "zero-consumption" or "floor"');
          }
        }
      }
      if (cls.derived !== undefined) {
        if (!Array.isArray(cls.derived)) c.add(`${p}.derived`, 'must be an array');
        else
          cls.derived.forEach((d: unknown, i: number) => {
            const dp = `${p}.derived[${i}]`;
            if (!isObj(d)) return c.add(dp, 'must be an object');
            needConcept(d.concept, `${dp}.concept`);
            if (d.basis === 'percent-of-water') c.dec(d.percent, `${dp}.percent`);
            else if (d.basis === 'per-m3') c.amount(d.pricePerM3, `${dp}.pricePerM3`);
            else if (d.basis === 'fixed') c.amount(d.amount, `${dp}.amount`);
            else c.add(`${dp}.basis`, 'must be percent-of-water, per-m3 or fixed');
          });
      }
      if (cls.tax !== undefined) {
        if (!isObj(cls.tax)) c.add(`${p}.tax`, 'must map concept codes to taxes');
        else
          for (const [code, t] of Object.entries(cls.tax)) {
            needConcept(code, `${p}.tax.${code}`);
            c.tax(t, `${p}.tax.${code}`);
          }
      }
    }
  }

  if (doc.surcharges !== undefined) {
    const s = doc.surcharges;
    if (!isObj(s)) c.add('$.surcharges', 'must be an object');
    else {
      needConcept(s.concept, '$.surcharges.concept');
      c.dec(s.monthlyPercent, '$.surcharges.monthlyPercent');
      if (s.maxMonths !== undefined && (!Number.isInteger(s.maxMonths) || (s.maxMonths as number) < 1)) {
        c.add('$.surcharges.maxMonths', 'must be a positive integer');
      }
    }
  }

  // A published table is indexed by whole m³: without a rounding rule a fractional reading has no row.
  if (isObj(r) && r.mode === 'none' && isObj(classes)) {
    for (const [name, cls] of Object.entries(classes)) {
      if (isObj(cls) && isObj(cls.metered) && cls.metered.model === 'cumulative-table') {
        c.add(`$.classes.${name}.metered`, 'a cumulative table needs a consumptionRounding mode other than "none"');
      }
    }
  }
  // UMA-indexed amounts need a UMA value, from the schedule or from each rating input; rate() checks that.
  return c.errors.length > 0 ? { ok: false, errors: c.errors } : { ok: true, schedule: doc as unknown as TariffScheduleDocument };
}

/** validateSchedule, throwing BILLING.TARIFF_SCHEDULE_INVALID with the error list. */
export function parseSchedule(doc: unknown): TariffScheduleDocument {
  let parsed: unknown = doc;
  if (typeof doc === 'string') {
    try {
      parsed = JSON.parse(doc);
    } catch (err) {
      throw new RatingError('BILLING.TARIFF_SCHEDULE_INVALID', 'Tariff schedule is not valid JSON', {
        errors: [`$: ${(err as Error).message}`],
      });
    }
  }
  const result = validateSchedule(parsed);
  if (!result.ok) {
    throw new RatingError('BILLING.TARIFF_SCHEDULE_INVALID', `Tariff schedule is invalid (${result.errors.length} problems)`, {
      errors: result.errors,
    });
  }
  return result.schedule;
}

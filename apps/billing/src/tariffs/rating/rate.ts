import { Dec, fixed, round2, round6, toDec } from '@supra/domain/money';
import { roundConsumption } from './consumption';
import { RatingError } from './rating.errors';
import type { LineTax, RatedLine, RateInput, RateResult, RowRef } from './rating.types';
import type { AmountSpec, ClassSpec, TaxSpec, TariffScheduleDocument } from './schedule.types';
import { chargeWater, type StrategyContext, type WaterCharge } from './strategies';

const SERVICE_UNIT = { claveUnidad: 'E48', unidad: 'Unidad de servicio' } as const;
const DEC_RE = /^(0|[1-9][0-9]*)(\.[0-9]+)?$/;

function invalid(message: string, details: Record<string, unknown> = {}): RatingError {
  return new RatingError('BILLING.RATE_INPUT_INVALID', message, details);
}

function taxFor(spec: TaxSpec, base: Dec): LineTax {
  if (spec === 'no-objeto') return { objetoImp: '01', factor: null, rate: null, base: null, amount: null };
  if (spec === 'exento') return { objetoImp: '02', factor: 'Exento', rate: null, base: fixed(base, 2), amount: null };
  const rate = toDec(spec);
  return { objetoImp: '02', factor: 'Tasa', rate: fixed(rate, 6), base: fixed(base, 2), amount: fixed(round2(base.times(rate)), 2) };
}

/**
 * Rates one toma for one period against one schedule version: a pure function, exact decimal arithmetic, each
 * line rounded once (2 decimals) and traced to the schedule row it came from. Order of lines: water, derived
 * concepts (in schedule order), surcharges.
 *
 * Steps: split the measured m³ per unit → apply the schedule's rounding rule → price one unit with the class's
 * pricing model (strategy) → multiply back by the units → minimum charge → derived concepts on the rounded
 * water charge → recargos on overdue balances → IVA per concept and class.
 */
export function rate(schedule: TariffScheduleDocument, input: RateInput): RateResult {
  const cls: ClassSpec | undefined = Object.prototype.hasOwnProperty.call(schedule.classes, input.tariffClass)
    ? schedule.classes[input.tariffClass]
    : undefined;
  if (!cls) {
    throw new RatingError('BILLING.TARIFF_CLASS_UNKNOWN', `Schedule ${schedule.id} v${schedule.version} has no class "${input.tariffClass}"`, {
      tariffClass: input.tariffClass,
      classes: Object.keys(schedule.classes),
    });
  }
  if (input.date !== undefined) {
    if (input.date < schedule.effectiveFrom || (schedule.effectiveTo !== null && input.date >= schedule.effectiveTo)) {
      throw new RatingError('BILLING.TARIFF_NOT_EFFECTIVE', `Schedule ${schedule.id} v${schedule.version} is not in effect on ${input.date}`, {
        date: input.date,
        effectiveFrom: schedule.effectiveFrom,
        effectiveTo: schedule.effectiveTo,
      });
    }
  }
  const units = input.units ?? 1;
  if (!Number.isInteger(units) || units < 1) throw invalid('units must be a positive integer', { units });
  const unitsD = new Dec(units);
  const metered = input.metered ?? true;

  const umaRaw = input.umaValue ?? schedule.umaValue;
  if (umaRaw !== undefined && !DEC_RE.test(umaRaw)) throw invalid(`umaValue "${umaRaw}" is not a decimal`);
  const ctx: StrategyContext = {
    amount(spec: AmountSpec, path: string): Dec {
      if (typeof spec === 'string') return toDec(spec);
      if (umaRaw === undefined) throw invalid(`${path} is indexed to the UMA but no UMA value was supplied (schedule or input)`);
      return toDec(spec.uma).times(toDec(umaRaw));
    },
  };

  const source = (row: RowRef): RatedLine['source'] => ({
    scheduleId: schedule.id,
    scheduleVersion: schedule.version,
    tariffClass: input.tariffClass,
    row,
  });
  const concept = (code: string) => {
    const spec = schedule.concepts[code];
    if (!spec) throw invalid(`Concept "${code}" is not defined in schedule ${schedule.id}`);
    const tax = cls.tax?.[code] ?? spec.tax;
    return { spec, tax };
  };
  const lines: RatedLine[] = [];
  const push = (code: string, row: RowRef, label: string, q: Dec, unitPrice: Dec, amount: Dec, service: boolean): void => {
    const { spec, tax } = concept(code);
    const amt = round2(amount);
    lines.push({
      conceptCode: code,
      description: label ? `${spec.description} (${label})` : spec.description,
      claveProdServ: spec.claveProdServ,
      claveUnidad: service ? SERVICE_UNIT.claveUnidad : spec.claveUnidad,
      unidad: service ? SERVICE_UNIT.unidad : spec.unidad,
      quantity: q.toFixed(),
      unitPrice: fixed(round6(unitPrice), 6),
      amount: fixed(amt, 2),
      tax: taxFor(tax, amt),
      source: source(row),
    });
  };

  // --- Consumption
  let measured: Dec | null = null;
  let perUnit: Dec | null = null;
  let billed: Dec | null = null;
  if (metered) {
    if (input.consumptionM3 === undefined || !DEC_RE.test(input.consumptionM3)) {
      throw invalid('consumptionM3 must be a non-negative decimal string for a metered toma', { consumptionM3: input.consumptionM3 });
    }
    measured = toDec(input.consumptionM3);
    perUnit = roundConsumption(measured.dividedBy(unitsD), schedule.consumptionRounding);
    billed = perUnit.times(unitsD);
  }

  // --- Water charge (per unit, then × units)
  const path = `$.classes.${input.tariffClass}`;
  let pieces: WaterCharge[];
  if (metered && perUnit) {
    pieces = chargeWater(cls.metered, perUnit, ctx, `${path}.metered`);
  } else {
    if (!cls.unmetered) throw invalid(`Class "${input.tariffClass}" has no cuota fija for unmetered tomas`);
    pieces = chargeWater(cls.unmetered, new Dec(0), ctx, `${path}.unmetered`).map((p) => ({ ...p, row: { kind: 'unmetered' } }));
  }
  const pieceAmount = (p: WaterCharge): Dec => (p.measure === 'm3' ? p.m3.times(p.price) : p.price).times(unitsD);
  if (metered && cls.minimumCharge && perUnit) {
    const minimum = ctx.amount(cls.minimumCharge.amount, `${path}.minimumCharge.amount`);
    const waterPerUnit = pieces.reduce((acc, p) => acc.plus(p.measure === 'm3' ? p.m3.times(p.price) : p.price), new Dec(0));
    const applies = perUnit.isZero() || (cls.minimumCharge.appliesWhen === 'floor' && waterPerUnit.lessThan(minimum));
    if (applies) {
      pieces = [
        { row: { kind: 'minimum', appliesWhen: cls.minimumCharge.appliesWhen }, label: 'cargo mínimo', measure: 'service', m3: new Dec(0), price: minimum },
      ];
    }
  }
  const firstLine = lines.length;
  for (const p of pieces) {
    const amount = pieceAmount(p);
    if (p.measure === 'm3') {
      const q = p.m3.times(unitsD);
      push(cls.waterConcept, p.row, p.label, q, p.price, q.times(p.price), false);
    } else if (p.m3.greaterThan(0)) {
      // A table charge: shown per m³ so the CFDI says how much water; unit price derived from the rounded amount.
      const q = p.m3.times(unitsD);
      push(cls.waterConcept, p.row, p.label, q, round2(amount).dividedBy(q), amount, false);
    } else {
      push(cls.waterConcept, p.row, p.label, unitsD, p.price, amount, true);
    }
  }
  // Derived concepts use the water charge as invoiced (sum of rounded lines).
  const waterCharge = lines.slice(firstLine).reduce((acc, l) => acc.plus(l.amount), new Dec(0));

  // --- Derived concepts
  (cls.derived ?? []).forEach((d, index) => {
    const dp = `${path}.derived[${index}]`;
    const row: RowRef = { kind: 'derived', index, basis: d.basis };
    switch (d.basis) {
      case 'percent-of-water': {
        const amount = round2(waterCharge.times(toDec(d.percent)).dividedBy(100));
        if (amount.isZero()) return;
        push(d.concept, row, `${d.percent} % del agua`, new Dec(1), amount, amount, true);
        return;
      }
      case 'per-m3': {
        if (!billed || billed.isZero()) return;
        const price = ctx.amount(d.pricePerM3, `${dp}.pricePerM3`);
        push(d.concept, row, '', billed, price, billed.times(price), false);
        return;
      }
      case 'fixed': {
        const amount = ctx.amount(d.amount, `${dp}.amount`);
        push(d.concept, row, '', unitsD, amount, amount.times(unitsD), true);
        return;
      }
    }
  });

  // --- Recargos on overdue balances
  if (input.overdue && input.overdue.length > 0) {
    const s = schedule.surcharges;
    if (!s) throw invalid(`Schedule ${schedule.id} defines no surcharges but overdue balances were given`);
    for (const o of input.overdue) {
      if (!DEC_RE.test(o.amount) || !Number.isInteger(o.months) || o.months < 1) {
        throw invalid(`Overdue balance ${o.reference} needs a decimal amount and whole months >= 1`, { reference: o.reference });
      }
      const months = s.maxMonths !== undefined ? Math.min(o.months, s.maxMonths) : o.months;
      const amount = round2(toDec(o.amount).times(toDec(s.monthlyPercent)).dividedBy(100).times(months));
      if (amount.isZero()) continue;
      push(s.concept, { kind: 'surcharge', reference: o.reference, months }, `${s.monthlyPercent} % × ${months} mes(es) sobre ${o.reference}`, new Dec(1), amount, amount, true);
    }
  }

  let subtotal = new Dec(0);
  let tax = new Dec(0);
  for (const l of lines) {
    subtotal = subtotal.plus(l.amount);
    if (l.tax.amount !== null) tax = tax.plus(l.tax.amount);
  }
  return {
    scheduleId: schedule.id,
    scheduleVersion: schedule.version,
    tariffClass: input.tariffClass,
    consumption: {
      measuredM3: measured ? measured.toFixed() : null,
      units,
      billedPerUnitM3: perUnit ? perUnit.toFixed() : null,
      billedM3: billed ? billed.toFixed() : null,
    },
    lines,
    totals: { subtotal: fixed(subtotal, 2), tax: fixed(tax, 2), total: fixed(subtotal.plus(tax), 2) },
  };
}

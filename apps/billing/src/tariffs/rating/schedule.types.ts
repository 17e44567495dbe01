/**
 * Tariff schedule document, format "supra.tariff-schedule" v1. All numbers are decimal strings (never JSON
 * numbers: a float has no place in a tariff). One document is one immutable version of a tenant's tariffs;
 * a change is a new version with its own effective range.
 */

/** A money amount: pesos as a decimal string, or a multiple of the UMA ({ "uma": "1.5" } = 1.5 × UMA). */
export type AmountSpec = string | { uma: string };

/** How a concept is taxed: an IVA rate as a fraction ("0.16", "0"), IVA exento, or not subject to tax. */
export type TaxSpec = string | 'exento' | 'no-objeto';

export interface ConceptSpec {
  description: string;
  claveProdServ: string;
  /** Unit when the concept is billed per m³ (MTQ) and when billed as a service (E48). */
  claveUnidad: string;
  unidad?: string;
  /** Default tax; a class may override it in `tax`. */
  tax: TaxSpec;
}

export interface IncrementalBlock {
  /** Lower bound (m³, exclusive except for the first block, which starts at 0). */
  from: string;
  /** Upper bound (m³, inclusive); null for the open last block. */
  to: string | null;
  pricePerM3: AmountSpec;
  /** Fixed charge of the block (see `fixedCharges`). */
  fixedCharge?: AmountSpec;
}

export interface IncrementalBlocksModel {
  model: 'incremental-blocks';
  blocks: IncrementalBlock[];
  /** "highest-block": only the block the consumption ends in charges its fixed charge; "every-block": each block reached. */
  fixedCharges?: 'highest-block' | 'every-block';
}

export interface CumulativeTableModel {
  model: 'cumulative-table';
  /** table[m] = total water charge for exactly m whole m³, m = 0..N. */
  table: AmountSpec[];
  /** Above N: base + m³ × ratePerM3, where m³ is the excess over N ("excess") or the whole consumption ("total"). */
  above: { base: AmountSpec; ratePerM3: AmountSpec; appliesTo: 'excess' | 'total' };
}

export interface FlatModel {
  model: 'flat';
  amount: AmountSpec;
}

export type WaterModel = IncrementalBlocksModel | CumulativeTableModel | FlatModel;

export type DerivedSpec =
  | { concept: string; basis: 'percent-of-water'; percent: string }
  | { concept: string; basis: 'per-m3'; pricePerM3: AmountSpec }
  | { concept: string; basis: 'fixed'; amount: AmountSpec };

export interface ClassSpec {
  description?: string;
  /** Concept code of the water charge (usually "agua"). */
  waterConcept: string;
  /** Metered tomas. */
  metered: WaterModel;
  /** Cuota fija for unmetered tomas; absent when the class has no unmetered service. */
  unmetered?: FlatModel;
  /**
   * Minimum water charge. "zero-consumption": billed instead of the water charge at 0 m³; "floor": also when the
   * computed water charge is lower.
   */
  minimumCharge?: { amount: AmountSpec; appliesWhen: 'zero-consumption' | 'floor' };
  derived?: DerivedSpec[];
  /** Per-concept tax overrides for this class (e.g. { "agua": "0" } for domestic use). */
  tax?: Record<string, TaxSpec>;
}

export interface ConsumptionRounding {
  /**
   * "none": exact; "floor"/"ceil"; "half-up": .50 rounds up; "above-threshold": a fraction strictly greater than
   * `threshold` rounds up, otherwise down (e.g. threshold "0.50": 10.50 -> 10, 10.51 -> 11).
   */
  mode: 'none' | 'floor' | 'ceil' | 'half-up' | 'above-threshold';
  threshold?: string;
}

export interface SurchargeSpec {
  concept: string;
  /** Monthly percentage on the overdue balance ("1.47" = 1.47 % per month or fraction). */
  monthlyPercent: string;
  /** Cap on the months charged (CFF art. 21 caps recargos at 5 years). */
  maxMonths?: number;
}

export interface TariffScheduleDocument {
  format: 'supra.tariff-schedule';
  formatVersion: 1;
  id: string;
  version: number;
  tenant: string;
  name: string;
  /** Inclusive, YYYY-MM-DD. */
  effectiveFrom: string;
  /** Exclusive, YYYY-MM-DD; null = open. */
  effectiveTo: string | null;
  currency: 'MXN';
  /** UMA daily value in force for this schedule; the rating input may supply it instead (it changes each February). */
  umaValue?: string;
  consumptionRounding: ConsumptionRounding;
  concepts: Record<string, ConceptSpec>;
  classes: Record<string, ClassSpec>;
  surcharges?: SurchargeSpec;
}

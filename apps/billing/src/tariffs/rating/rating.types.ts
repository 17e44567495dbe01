/** Rating input and output. Quantities and amounts are decimal strings at this boundary. */

export interface OverdueBalance {
  /** What the balance belongs to (invoice id or folio), echoed on the surcharge line. */
  reference: string;
  /** Overdue principal (before surcharges), decimal string. */
  amount: string;
  /** Months or fractions of a month late (CFF counts each started month), integer >= 1. */
  months: number;
}

export interface RateInput {
  tariffClass: string;
  /** false for an unmetered toma (cuota fija). Default true. */
  metered?: boolean;
  /** Measured consumption of the period for the whole toma, m³ (decimal string). Required when metered. */
  consumptionM3?: string;
  /** Units (dwellings/premises) the toma serves; consumption is split per unit and the charge multiplied back. */
  units?: number;
  /** Billing date (YYYY-MM-DD) checked against the schedule's effective range. */
  date?: string;
  /** UMA daily value; overrides the schedule's. */
  umaValue?: string;
  overdue?: OverdueBalance[];
}

/** Where a line came from, so every peso on an invoice traces to one row of one schedule version. */
export type RowRef =
  | { kind: 'block'; index: number; from: string; to: string | null }
  | { kind: 'block-fixed'; index: number }
  | { kind: 'table'; m3: number }
  | { kind: 'table-above'; n: number; appliesTo: 'excess' | 'total' }
  | { kind: 'flat' }
  | { kind: 'unmetered' }
  | { kind: 'minimum'; appliesWhen: 'zero-consumption' | 'floor' }
  | { kind: 'derived'; index: number; basis: 'percent-of-water' | 'per-m3' | 'fixed' }
  | { kind: 'surcharge'; reference: string; months: number };

export interface LineTax {
  /** c_ObjetoImp: '02' taxed (Tasa or Exento), '01' not subject. */
  objetoImp: '01' | '02';
  factor: 'Tasa' | 'Exento' | null;
  /** IVA rate with 6 decimals ("0.160000"), null when Exento or not subject. */
  rate: string | null;
  base: string | null;
  amount: string | null;
}

export interface RatedLine {
  conceptCode: string;
  description: string;
  claveProdServ: string;
  claveUnidad: string;
  unidad?: string;
  /** CFDI-ready quantity (> 0). */
  quantity: string;
  /** Unit price, 6 decimals. */
  unitPrice: string;
  /** Line amount, 2 decimals (SAT rounding, per line). */
  amount: string;
  tax: LineTax;
  source: { scheduleId: string; scheduleVersion: number; tariffClass: string; row: RowRef };
}

export interface RateResult {
  scheduleId: string;
  scheduleVersion: number;
  tariffClass: string;
  consumption: {
    measuredM3: string | null;
    units: number;
    /** Per-unit consumption after the schedule's rounding rule. */
    billedPerUnitM3: string | null;
    billedM3: string | null;
  };
  lines: RatedLine[];
  /** Sums of the rounded line values. */
  totals: { subtotal: string; tax: string; total: string };
}

import type { HoldReason, LineKind } from '@supra/contracts';
import type { CfdiConceptoInput, CfdiInput } from '../cfdi';
import { rate, type OverdueBalance, type RatedLine, type RateInput, type RateResult, type TariffScheduleDocument } from '../tariffs/rating';
import type { ContractProfile } from '../directory/directory.service';
import { holdReasons, type HistoryPoint } from './hold-rules';

/** The tenant as CFDI emisor. */
export interface Emisor {
  emisor: { rfc: string; nombre: string; regimenFiscal: string };
  lugarExpedicion: string;
  holdFactor: string;
}

export interface ConsumptionFact {
  billableId: string;
  m3: string;
  adjustmentM3: string;
  estimated: boolean;
  provenance: Record<string, unknown>;
}

export interface ComposeInput {
  tenant: Emisor;
  profile: ContractProfile;
  period: string;
  /** Local date the schedule must be in effect on (the period's start). */
  ratingDate: string;
  schedule: { rowId: string; document: TariffScheduleDocument; tariffClass: string };
  /** null for an unmetered toma (cuota fija). */
  consumption: ConsumptionFact | null;
  overdue: OverdueBalance[];
  history: HistoryPoint[];
  umaValue?: string;
}

export interface ComposedLine {
  lineNo: number;
  kind: LineKind;
  rated: RatedLine;
  source: Record<string, unknown>;
}

export interface ComposedInvoice {
  rating: RateResult;
  lines: ComposedLine[];
  holdReasons: HoldReason[];
  receptor: CfdiInput['receptor'];
  final: boolean;
}

const PUBLICO_RFC = 'XAXX010101000';

function lineKind(l: RatedLine): LineKind {
  switch (l.source.row.kind) {
    case 'derived':
      return 'derived';
    case 'surcharge':
      return 'surcharge';
    case 'block':
    case 'block-fixed':
    case 'flat':
    case 'minimum':
    case 'table':
    case 'table-above':
    case 'unmetered':
      return 'water';
  }
}

/**
 * The receptor from billing's copy of the person: nominative when the person gave complete fiscal data, else
 * the generic RFC XAXX010101000 with the holder's name (régimen 616, uso S01, domicilio = lugar de expedición),
 * as SAT allows for an individual invoice to a consumer without RFC.
 */
export function receptorFor(profile: ContractProfile, lugarExpedicion: string): CfdiInput['receptor'] {
  const p = profile.person;
  const name = (p?.name ?? `Contrato ${profile.contractNumber}`).toUpperCase().replace(/\|/g, ' ').slice(0, 300);
  if (p && p.rfc && (p.rfc.length === 12 || p.rfc.length === 13) && p.rfc !== PUBLICO_RFC && p.regimenFiscal && p.usoCfdi && p.postalCode) {
    return { rfc: p.rfc, nombre: name, domicilioFiscal: p.postalCode, regimenFiscal: p.regimenFiscal, usoCfdi: p.usoCfdi };
  }
  return { rfc: PUBLICO_RFC, nombre: name === 'PUBLICO EN GENERAL' ? `${name} ${profile.contractNumber}` : name, domicilioFiscal: lugarExpedicion, regimenFiscal: '616', usoCfdi: 'S01' };
}

/** Rating results per loaded schedule document (a bill run loads its schedules once), bounded. */
const rated = new WeakMap<TariffScheduleDocument, Map<string, RateResult>>();
const MEMO_MAX = 5_000;

/**
 * `rate` is pure, and a cycle has far fewer distinct (class, m³, units) than contracts (readings are mostly whole
 * m³), so a bill run rates each combination once. Results are shared between invoices and never mutated.
 * Inputs with overdue balances (recargos) are rated every time.
 */
export function memoRate(schedule: TariffScheduleDocument, input: RateInput): RateResult {
  if (input.overdue?.length) return rate(schedule, input);
  let memo = rated.get(schedule);
  if (!memo) rated.set(schedule, (memo = new Map()));
  const key = `${input.tariffClass}|${input.metered}|${input.consumptionM3}|${input.units}|${input.date}|${input.umaValue}`;
  let r = memo.get(key);
  if (!r) {
    r = rate(schedule, input);
    if (memo.size >= MEMO_MAX) memo.clear();
    memo.set(key, r);
  }
  return r;
}

/**
 * Rates one contract for one period and lays out its invoice: lines traced to the tariff row and to the
 * consumption's provenance, the receptor, and the hold reasons. Pure: the event path, bill runs and dry runs
 * call it alike.
 */
export function composeInvoice(input: ComposeInput): ComposedInvoice {
  const { profile, consumption } = input;
  const rating = memoRate(input.schedule.document, {
    tariffClass: input.schedule.tariffClass,
    metered: consumption !== null,
    consumptionM3: consumption?.m3,
    units: Math.max(1, profile.unitsServed),
    date: input.ratingDate,
    umaValue: input.umaValue,
    overdue: input.overdue,
  });
  const lines = rating.lines.map((rated, i) => ({
    lineNo: i + 1,
    kind: lineKind(rated),
    rated,
    source: {
      scheduleRowId: input.schedule.rowId,
      ...rated.source,
      ...(consumption && rated.source.row.kind !== 'surcharge'
        ? // The provenance itself (readings, VEE rules, inputs) is kept once, in billing.consumptions under this billableId.
          { billableId: consumption.billableId, consumptionM3: consumption.m3, adjustmentM3: consumption.adjustmentM3, estimated: consumption.estimated }
        : {}),
    },
  }));
  return {
    rating,
    lines,
    holdReasons: holdReasons({ m3: consumption?.m3 ?? null, estimated: consumption?.estimated ?? false, history: input.history, factor: input.tenant.holdFactor }),
    receptor: receptorFor(profile, input.tenant.lugarExpedicion),
    final: profile.status === 'baja',
  };
}

export function toConcepto(l: Pick<RatedLine, 'claveProdServ' | 'conceptCode' | 'quantity' | 'claveUnidad' | 'unidad' | 'description' | 'unitPrice' | 'amount' | 'tax'>): CfdiConceptoInput {
  return {
    claveProdServ: l.claveProdServ,
    noIdentificacion: l.conceptCode,
    cantidad: l.quantity,
    claveUnidad: l.claveUnidad,
    unidad: l.unidad,
    descripcion: l.description,
    valorUnitario: l.unitPrice,
    importe: l.amount,
    objetoImp: l.tax.objetoImp,
    traslados: l.tax.factor === null ? [] : [{ impuesto: '002', tipoFactor: l.tax.factor, tasaOCuota: l.tax.rate ?? undefined }],
  };
}

/** The CFDI input of an invoice (I, PPD/99: paid later) or a credit note (E, PUE, related 01). */
export function cfdiInputFor(args: {
  tenant: Emisor;
  receptor: CfdiInput['receptor'];
  conceptos: CfdiConceptoInput[];
  serie: string;
  folio: string;
  fecha: string;
  tipo?: 'I' | 'E';
  relacionados?: CfdiInput['relacionados'];
  condiciones?: string;
}): CfdiInput {
  const tipo = args.tipo ?? 'I';
  return {
    tipoDeComprobante: tipo,
    serie: args.serie,
    folio: args.folio,
    fecha: args.fecha,
    // An egreso is PUE (99 is forbidden with PUE): it is set against the invoice's balance, 17 compensación.
    formaPago: tipo === 'I' ? '99' : '17',
    metodoPago: tipo === 'I' ? 'PPD' : 'PUE',
    condicionesDePago: args.condiciones,
    lugarExpedicion: args.tenant.lugarExpedicion,
    emisor: args.tenant.emisor,
    receptor: args.receptor,
    relacionados: args.relacionados,
    conceptos: args.conceptos,
  };
}

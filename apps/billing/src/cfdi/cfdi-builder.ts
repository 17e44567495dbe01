import { Dec, type DecimalInput, fixed, round2, toDec } from '@supra/domain/money';
import { cadenaOriginal } from './cadena-original';
import {
  C_EXPORTACION, C_FORMA_PAGO, C_IMPUESTO, C_MESES, C_METODO_PAGO, C_MONEDA, C_OBJETO_IMP, C_PERIODICIDAD,
  C_REGIMEN_FISCAL, C_TIPO_FACTOR, C_TIPO_RELACION, C_USO_CFDI, CLAVE_PROD_SERV, CLAVE_UNIDAD, isInCatalog,
  isRegimenValidFor, isUsoCfdiValidFor, IVA_TASAS, PUBLICO_EN_GENERAL,
} from './catalogs';
import type {
  CfdiConceptoNode, CfdiDocument, CfdiImpuestosNode, CfdiRetencionNode, CfdiTrasladoNode,
} from './cfdi-document';
import { CfdiError, type CfdiValidationIssue } from './cfdi.errors';
import { renderCfdiXml } from './cfdi-xml';
import { signCadena } from './csd';
import type { KeyObject } from 'node:crypto';
import { hasInvalidXmlChars } from './xml-text';

export interface CfdiTrasladoInput {
  /** c_Impuesto: '002' IVA, '003' IEPS. */
  impuesto: string;
  tipoFactor: 'Tasa' | 'Cuota' | 'Exento';
  /** Rate as a decimal fraction ("0.16"); rendered with 6 decimals. Omitted for Exento. */
  tasaOCuota?: string;
}

export interface CfdiRetencionInput {
  impuesto: string;
  tipoFactor: 'Tasa' | 'Cuota';
  tasaOCuota: string;
}

export interface CfdiConceptoInput {
  claveProdServ: string;
  noIdentificacion?: string;
  /** Decimal string, up to 6 decimals (e.g. m³ "23.5"). */
  cantidad: DecimalInput;
  claveUnidad: string;
  unidad?: string;
  descripcion: string;
  /** Unit price, up to 6 decimals. */
  valorUnitario: DecimalInput;
  /**
   * Line amount when the caller already has it (e.g. a tariff block with a fixed charge). Must fall inside SAT's
   * Cantidad × ValorUnitario tolerance; when omitted it is round2(Cantidad × ValorUnitario).
   */
  importe?: DecimalInput;
  descuento?: DecimalInput;
  /** c_ObjetoImp: '01' not subject (no taxes node), '02' subject (taxes required), '03'/'04' no breakdown. */
  objetoImp: string;
  traslados?: CfdiTrasladoInput[];
  retenciones?: CfdiRetencionInput[];
}

export interface CfdiInput {
  tipoDeComprobante: 'I' | 'E';
  serie?: string;
  folio?: string;
  /** Local date-time of issue, "AAAA-MM-DDThh:mm:ss" (use cfdiDateTime()). */
  fecha: string;
  formaPago?: string;
  metodoPago?: string;
  condicionesDePago?: string;
  moneda?: string;
  tipoCambio?: string;
  exportacion?: string;
  /** Postal code of the place of issue. */
  lugarExpedicion: string;
  emisor: { rfc: string; nombre: string; regimenFiscal: string };
  receptor: {
    rfc: string;
    nombre: string;
    domicilioFiscal: string;
    regimenFiscal: string;
    usoCfdi: string;
    residenciaFiscal?: string;
    numRegIdTrib?: string;
  };
  /** Required on a global invoice to público en general. */
  informacionGlobal?: { periodicidad: string; meses: string; anio: string };
  /** Related CFDIs: '01' for a credit note, '04' for a substitution. */
  relacionados?: { tipoRelacion: string; uuids: string[] }[];
  conceptos: CfdiConceptoInput[];
}

const RFC_RE = /^[A-ZÑ&]{3,4}[0-9]{2}(0[1-9]|1[012])(0[1-9]|[12][0-9]|3[01])[A-Z0-9]{2}[0-9A]$/;
const FECHA_RE = /^(20[1-9][0-9])-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])T(([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9])$/;
const CP_RE = /^[0-9]{5}$/;
const UUID_RE = /^[a-f0-9A-F]{8}-[a-f0-9A-F]{4}-[a-f0-9A-F]{4}-[a-f0-9A-F]{4}-[a-f0-9A-F]{12}$/;
const DEC6_RE = /^[0-9]{1,18}(\.[0-9]{1,6})?$/;

/** Number of decimals of a decimal literal, for SAT's Importe tolerance. */
function decimalsOf(s: string): number {
  const i = s.indexOf('.');
  return i === -1 ? 0 : s.length - i - 1;
}

/** Canonical plain rendering of a decimal input (no exponent, no trailing garbage). */
function plain(d: Dec): string {
  return d.toFixed();
}

/**
 * SAT (Anexo 20) tolerance for Concepto.Importe: between
 *   (Cantidad − 10^−dc/2) × (ValorUnitario − 10^−dv/2) truncated to 2 decimals and
 *   (Cantidad + 10^−dc/2) × (ValorUnitario + 10^−dv/2) rounded up to 2 decimals.
 */
export function importeTolerance(cantidad: string, valorUnitario: string): { min: Dec; max: Dec } {
  const c = toDec(cantidad);
  const v = toDec(valorUnitario);
  const hc = new Dec(10).pow(-decimalsOf(cantidad)).div(2);
  const hv = new Dec(10).pow(-decimalsOf(valorUnitario)).div(2);
  const min = c.minus(hc).times(v.minus(hv)).toDecimalPlaces(2, Dec.ROUND_DOWN);
  const max = c.plus(hc).times(v.plus(hv)).toDecimalPlaces(2, Dec.ROUND_UP);
  return { min: Dec.max(min, 0), max };
}

class Issues {
  readonly list: CfdiValidationIssue[] = [];
  add(path: string, message: string): void {
    this.list.push({ path, message });
  }
  catalog(path: string, catalog: Readonly<Record<string, unknown>>, value: string | undefined, name: string): void {
    if (!isInCatalog(catalog, value)) this.add(path, `"${value ?? ''}" is not a ${name} key`);
  }
  text(path: string, value: string | undefined, max: number, required = true): void {
    if (value === undefined || value.trim() === '') {
      if (required) this.add(path, 'is required');
      return;
    }
    if (value.length > max) this.add(path, `is longer than ${max} characters`);
    if (value.includes('|')) this.add(path, 'must not contain "|" (it separates the cadena original)');
    if (hasInvalidXmlChars(value)) this.add(path, 'contains characters XML cannot carry');
  }
}

function decimalField(issues: Issues, path: string, v: DecimalInput | undefined, opts: { positive?: boolean } = {}): Dec | undefined {
  if (v === undefined) return undefined;
  let d: Dec;
  try {
    d = toDec(v);
  } catch {
    issues.add(path, `"${String(v)}" is not a decimal`);
    return undefined;
  }
  if (d.isNegative()) issues.add(path, 'must not be negative');
  else if (opts.positive && d.isZero()) issues.add(path, 'must be greater than zero');
  if (!DEC6_RE.test(plain(d.abs()))) issues.add(path, 'has more than 6 decimals or 18 integer digits');
  return d;
}

function validateRfc(issues: Issues, path: string, rfc: string): void {
  if (!RFC_RE.test(rfc)) issues.add(path, `"${rfc}" is not a valid RFC`);
}

/**
 * Valid concept nodes by their input: a bill run has few distinct concept lines (same tariff, same m³) among many
 * invoices, and validating and computing one costs more than its signature's share. Only issue-free results are
 * kept (a cached node carries no path-dependent message); nodes are shared and never mutated. Bounded.
 */
const conceptoMemo = new Map<string, CfdiConceptoNode>();
const CONCEPTO_MEMO_MAX = 10_000;

/** Length-prefixed fields: no two different inputs share a key, whatever characters they carry. */
function conceptoKey(k: CfdiConceptoInput, isGlobal: boolean): string {
  let key = isGlobal ? 'G' : 'N';
  const add = (v: DecimalInput | undefined): void => {
    if (v === undefined) key += '-';
    else {
      const s = typeof v === 'string' ? v : `#${String(v)}`; // a number or Dec differs from its string form
      key += `${s.length}:${s}`;
    }
  };
  add(k.claveProdServ);
  add(k.noIdentificacion);
  add(k.cantidad);
  add(k.claveUnidad);
  add(k.unidad);
  add(k.descripcion);
  add(k.valorUnitario);
  add(k.importe);
  add(k.descuento);
  add(k.objetoImp);
  for (const t of k.traslados ?? []) {
    key += 'T';
    add(t.impuesto);
    add(t.tipoFactor);
    add(t.tasaOCuota);
  }
  for (const t of k.retenciones ?? []) {
    key += 'R';
    add(t.impuesto);
    add(t.tipoFactor);
    add(t.tasaOCuota);
  }
  return key;
}

function conceptoNode(issues: Issues, p: string, k: CfdiConceptoInput, isGlobal: boolean): CfdiConceptoNode | undefined {
  const key = conceptoKey(k, isGlobal);
  const hit = conceptoMemo.get(key);
  if (hit) return hit;
  const own = new Issues();
  const node = computeConcepto(own, p, k, isGlobal);
  if (own.list.length > 0) issues.list.push(...own.list);
  else if (node) {
    if (conceptoMemo.size >= CONCEPTO_MEMO_MAX) conceptoMemo.clear();
    conceptoMemo.set(key, node);
  }
  return node;
}

function computeConcepto(issues: Issues, p: string, k: CfdiConceptoInput, isGlobal: boolean): CfdiConceptoNode | undefined {
  if (!/^[0-9]{8}$/.test(k.claveProdServ)) issues.add(`${p}.claveProdServ`, 'must be 8 digits');
  if (!/^[A-Z0-9]{1,3}$/.test(k.claveUnidad)) issues.add(`${p}.claveUnidad`, 'must be a c_ClaveUnidad key');
  if (isGlobal && (k.claveProdServ !== CLAVE_PROD_SERV.actividad || k.claveUnidad !== CLAVE_UNIDAD.actividad)) {
    issues.add(p, 'a global invoice uses ClaveProdServ 01010101 and ClaveUnidad ACT');
  }
  issues.text(`${p}.descripcion`, k.descripcion, 1000);
  issues.text(`${p}.noIdentificacion`, k.noIdentificacion, 100, false);
  issues.text(`${p}.unidad`, k.unidad, 20, false);
  issues.catalog(`${p}.objetoImp`, C_OBJETO_IMP, k.objetoImp, 'c_ObjetoImp');
  const cantidad = decimalField(issues, `${p}.cantidad`, k.cantidad, { positive: true });
  const vu = decimalField(issues, `${p}.valorUnitario`, k.valorUnitario, { positive: true });
  const descuento = decimalField(issues, `${p}.descuento`, k.descuento);
  if (!cantidad || !vu) return undefined;
  const cantidadS = typeof k.cantidad === 'string' ? k.cantidad.trim() : plain(cantidad);
  const vuS = typeof k.valorUnitario === 'string' ? k.valorUnitario.trim() : plain(vu);
  let importe: Dec;
  if (k.importe !== undefined) {
    const given = decimalField(issues, `${p}.importe`, k.importe);
    if (!given) return undefined;
    importe = round2(given);
    const tol = importeTolerance(cantidadS, vuS);
    if (importe.lessThan(tol.min) || importe.greaterThan(tol.max)) {
      issues.add(`${p}.importe`, `${fixed(importe, 2)} is outside SAT's tolerance [${fixed(tol.min, 2)}, ${fixed(tol.max, 2)}] for ${cantidadS} × ${vuS}`);
    }
  } else {
    importe = round2(cantidad.times(vu));
  }
  const desc = descuento ? round2(descuento) : undefined;
  if (desc && desc.greaterThan(importe)) issues.add(`${p}.descuento`, 'cannot exceed the importe');
  const base = desc ? importe.minus(desc) : importe;

  const traslados: CfdiTrasladoNode[] = [];
  const retenciones: CfdiRetencionNode[] = [];
  const tIn = k.traslados ?? [];
  const rIn = k.retenciones ?? [];
  if (k.objetoImp === '02' && tIn.length + rIn.length === 0) issues.add(`${p}.traslados`, 'ObjetoImp 02 needs at least one tax');
  if (k.objetoImp !== '02' && tIn.length + rIn.length > 0) issues.add(`${p}.traslados`, `ObjetoImp ${k.objetoImp} carries no tax breakdown`);
  tIn.forEach((t, j) => {
    const tp = `${p}.traslados[${j}]`;
    issues.catalog(`${tp}.impuesto`, C_IMPUESTO, t.impuesto, 'c_Impuesto');
    if (t.impuesto === '001') issues.add(`${tp}.impuesto`, 'ISR is never transferred (traslado)');
    issues.catalog(`${tp}.tipoFactor`, C_TIPO_FACTOR, t.tipoFactor, 'c_TipoFactor');
    if (t.tipoFactor === 'Exento') {
      if (t.tasaOCuota !== undefined) issues.add(`${tp}.tasaOCuota`, 'Exento has no rate');
      traslados.push({ Base: fixed(base, 2), Impuesto: t.impuesto, TipoFactor: 'Exento' });
      return;
    }
    const rate = decimalField(issues, `${tp}.tasaOCuota`, t.tasaOCuota ?? '');
    if (!rate) return;
    const tasa = fixed(rate, 6);
    if (t.impuesto === '002' && t.tipoFactor === 'Tasa' && !IVA_TASAS.has(tasa)) {
      issues.add(`${tp}.tasaOCuota`, `${tasa} is not an IVA rate (0, 8 or 16 %)`);
    }
    traslados.push({
      Base: fixed(base, 2),
      Impuesto: t.impuesto,
      TipoFactor: t.tipoFactor,
      TasaOCuota: tasa,
      Importe: fixed(round2(base.times(rate)), 2),
    });
  });
  rIn.forEach((t, j) => {
    const tp = `${p}.retenciones[${j}]`;
    issues.catalog(`${tp}.impuesto`, C_IMPUESTO, t.impuesto, 'c_Impuesto');
    const rate = decimalField(issues, `${tp}.tasaOCuota`, t.tasaOCuota);
    if (!rate) return;
    retenciones.push({
      Base: fixed(base, 2),
      Impuesto: t.impuesto,
      TipoFactor: t.tipoFactor,
      TasaOCuota: fixed(rate, 6),
      Importe: fixed(round2(base.times(rate)), 2),
    });
  });
  return {
    ClaveProdServ: k.claveProdServ,
    NoIdentificacion: k.noIdentificacion,
    Cantidad: cantidadS,
    ClaveUnidad: k.claveUnidad,
    Unidad: k.unidad,
    Descripcion: k.descripcion,
    ValorUnitario: vuS,
    Importe: fixed(importe, 2),
    Descuento: desc ? fixed(desc, 2) : undefined,
    ObjetoImp: k.objetoImp,
    traslados,
    retenciones,
  };
}

/**
 * Builds the (unsealed) CFDI 4.0 document from business input: checks catalogs and structural rules, computes
 * per-concept taxes rounded to 2 decimals, and totals as sums of the rounded values (SAT rule), so the
 * document always adds up. Throws BILLING.CFDI_INVALID with every issue found (not just the first).
 */
export function buildCfdi(input: CfdiInput): CfdiDocument {
  const issues = new Issues();
  if (input.tipoDeComprobante !== 'I' && input.tipoDeComprobante !== 'E') {
    issues.add('tipoDeComprobante', 'only I (ingreso) and E (egreso) are built here');
  }
  if (!FECHA_RE.test(input.fecha)) issues.add('fecha', 'must be AAAA-MM-DDThh:mm:ss');
  if (!CP_RE.test(input.lugarExpedicion)) issues.add('lugarExpedicion', 'must be a 5-digit postal code');
  const moneda = input.moneda ?? 'MXN';
  issues.catalog('moneda', C_MONEDA, moneda, 'c_Moneda');
  if (moneda !== 'MXN' && input.tipoCambio === undefined) issues.add('tipoCambio', `is required for ${moneda}`);
  const exportacion = input.exportacion ?? '01';
  issues.catalog('exportacion', C_EXPORTACION, exportacion, 'c_Exportacion');
  if (input.formaPago !== undefined) issues.catalog('formaPago', C_FORMA_PAGO, input.formaPago, 'c_FormaPago');
  if (input.metodoPago !== undefined) issues.catalog('metodoPago', C_METODO_PAGO, input.metodoPago, 'c_MetodoPago');
  if (input.metodoPago === 'PPD' && input.formaPago !== undefined && input.formaPago !== '99') {
    issues.add('formaPago', 'must be 99 (por definir) when metodoPago is PPD');
  }
  if (input.metodoPago === 'PUE' && input.formaPago === '99') issues.add('formaPago', 'cannot be 99 with metodoPago PUE');
  if (input.tipoDeComprobante === 'E' && input.metodoPago !== undefined && input.metodoPago !== 'PUE') {
    issues.add('metodoPago', 'an egreso is always PUE');
  }
  issues.text('serie', input.serie, 25, false);
  issues.text('folio', input.folio, 40, false);
  issues.text('condicionesDePago', input.condicionesDePago, 1000, false);

  // Emisor
  const em = input.emisor;
  validateRfc(issues, 'emisor.rfc', em.rfc);
  issues.text('emisor.nombre', em.nombre, 300);
  issues.catalog('emisor.regimenFiscal', C_REGIMEN_FISCAL, em.regimenFiscal, 'c_RegimenFiscal');
  const emisorType = em.rfc.length === 12 ? 'moral' : 'fisica';
  if (isInCatalog(C_REGIMEN_FISCAL, em.regimenFiscal) && !isRegimenValidFor(emisorType, em.regimenFiscal)) {
    issues.add('emisor.regimenFiscal', `${em.regimenFiscal} does not apply to a ${em.rfc.length === 12 ? 'persona moral' : 'persona física'}`);
  }

  // Receptor
  const re = input.receptor;
  validateRfc(issues, 'receptor.rfc', re.rfc);
  issues.text('receptor.nombre', re.nombre, 300);
  if (!CP_RE.test(re.domicilioFiscal)) issues.add('receptor.domicilioFiscal', 'must be a 5-digit postal code');
  issues.catalog('receptor.regimenFiscal', C_REGIMEN_FISCAL, re.regimenFiscal, 'c_RegimenFiscal');
  issues.catalog('receptor.usoCfdi', C_USO_CFDI, re.usoCfdi, 'c_UsoCFDI');
  const isPublicoEnGeneral = re.rfc === PUBLICO_EN_GENERAL.rfc;
  if (isPublicoEnGeneral) {
    if (re.regimenFiscal !== PUBLICO_EN_GENERAL.regimenFiscal) issues.add('receptor.regimenFiscal', 'must be 616 for XAXX010101000');
    if (re.usoCfdi !== PUBLICO_EN_GENERAL.usoCfdi) issues.add('receptor.usoCfdi', 'must be S01 for XAXX010101000');
    if (re.domicilioFiscal !== input.lugarExpedicion) {
      issues.add('receptor.domicilioFiscal', 'must equal lugarExpedicion for XAXX010101000');
    }
  } else if (re.rfc.length === 12 || re.rfc.length === 13) {
    const personType = re.rfc.length === 12 ? 'moral' : 'fisica';
    if (isInCatalog(C_REGIMEN_FISCAL, re.regimenFiscal) && !isRegimenValidFor(personType, re.regimenFiscal)) {
      issues.add('receptor.regimenFiscal', `${re.regimenFiscal} does not apply to this RFC type`);
    } else if (isInCatalog(C_USO_CFDI, re.usoCfdi) && !isUsoCfdiValidFor(personType, re.regimenFiscal, re.usoCfdi)) {
      // SAT rejects the stamp (CFDI40158/CFDI40161) when the use does not fit the receptor's regime.
      issues.add('receptor.usoCfdi', `${re.usoCfdi} is not allowed for a receptor in regime ${re.regimenFiscal}`);
    }
  }
  const isGlobal = isPublicoEnGeneral && re.nombre === PUBLICO_EN_GENERAL.nombre;
  if (isGlobal && !input.informacionGlobal) issues.add('informacionGlobal', 'is required for a global invoice to PUBLICO EN GENERAL');
  if (input.informacionGlobal) {
    const g = input.informacionGlobal;
    if (!isGlobal) issues.add('informacionGlobal', 'only for receptor XAXX010101000 named PUBLICO EN GENERAL');
    issues.catalog('informacionGlobal.periodicidad', C_PERIODICIDAD, g.periodicidad, 'c_Periodicidad');
    issues.catalog('informacionGlobal.meses', C_MESES, g.meses, 'c_Meses');
    if (Number(g.meses) > 12 && g.periodicidad !== '05') issues.add('informacionGlobal.meses', '13–18 only with periodicidad 05 (bimestral)');
    if (Number(g.meses) <= 12 && g.periodicidad === '05') issues.add('informacionGlobal.meses', 'periodicidad 05 needs a two-month key (13–18)');
    const year = Number(input.fecha.slice(0, 4));
    if (!/^[0-9]{4}$/.test(g.anio) || Number(g.anio) > year || Number(g.anio) < year - 1) {
      issues.add('informacionGlobal.anio', 'must be the year of issue or the previous one');
    }
  }

  // Relations
  const relacionados = input.relacionados ?? [];
  relacionados.forEach((rel, i) => {
    issues.catalog(`relacionados[${i}].tipoRelacion`, C_TIPO_RELACION, rel.tipoRelacion, 'c_TipoRelacion');
    if (rel.uuids.length === 0) issues.add(`relacionados[${i}].uuids`, 'needs at least one UUID');
    rel.uuids.forEach((u, j) => {
      if (!UUID_RE.test(u)) issues.add(`relacionados[${i}].uuids[${j}]`, `"${u}" is not a UUID`);
    });
  });
  if (input.tipoDeComprobante === 'E' && relacionados.length === 0) {
    issues.add('relacionados', 'a credit note (egreso) must relate the CFDI it corrects (TipoRelacion 01)');
  }

  // Conceptos
  if (input.conceptos.length === 0) issues.add('conceptos', 'needs at least one concepto');
  const conceptos: CfdiConceptoNode[] = [];
  input.conceptos.forEach((k, i) => {
    const node = conceptoNode(issues, `conceptos[${i}]`, k, isGlobal);
    if (node) conceptos.push(node);
  });

  if (issues.list.length > 0) {
    throw new CfdiError('BILLING.CFDI_INVALID', `CFDI input is invalid: ${issues.list.map((x) => `${x.path} ${x.message}`).join('; ')}`, {
      issues: issues.list,
    });
  }

  // Totals: sums of the already-rounded per-concept values, never re-derived from unrounded partials.
  let subTotal = new Dec(0);
  let descuentoTotal = new Dec(0);
  let anyDescuento = false;
  const trasladoGroups = new Map<string, { node: CfdiTrasladoNode; base: Dec; importe: Dec }>();
  const retencionGroups = new Map<string, Dec>();
  for (const k of conceptos) {
    subTotal = subTotal.plus(k.Importe);
    if (k.Descuento !== undefined) {
      anyDescuento = true;
      descuentoTotal = descuentoTotal.plus(k.Descuento);
    }
    for (const t of k.traslados) {
      const key = `${t.Impuesto}|${t.TipoFactor}|${t.TasaOCuota ?? ''}`;
      let g = trasladoGroups.get(key);
      if (!g) {
        g = { node: { Base: '', Impuesto: t.Impuesto, TipoFactor: t.TipoFactor, TasaOCuota: t.TasaOCuota }, base: new Dec(0), importe: new Dec(0) };
        trasladoGroups.set(key, g);
      }
      g.base = g.base.plus(t.Base);
      if (t.Importe !== undefined) g.importe = g.importe.plus(t.Importe);
    }
    for (const t of k.retenciones) {
      retencionGroups.set(t.Impuesto, (retencionGroups.get(t.Impuesto) ?? new Dec(0)).plus(t.Importe));
    }
  }
  let totalTrasladados = new Dec(0);
  let anyTasaOCuota = false;
  const traslados: CfdiTrasladoNode[] = [];
  for (const g of trasladoGroups.values()) {
    const node: CfdiTrasladoNode = { ...g.node, Base: fixed(g.base, 2) };
    if (g.node.TipoFactor !== 'Exento') {
      node.Importe = fixed(g.importe, 2);
      totalTrasladados = totalTrasladados.plus(g.importe);
      anyTasaOCuota = true;
    }
    traslados.push(node);
  }
  let totalRetenidos = new Dec(0);
  const retenciones = [...retencionGroups.entries()].map(([Impuesto, imp]) => {
    totalRetenidos = totalRetenidos.plus(imp);
    return { Impuesto, Importe: fixed(imp, 2) };
  });
  const impuestos: CfdiImpuestosNode | undefined =
    traslados.length + retenciones.length > 0
      ? {
          TotalImpuestosRetenidos: retenciones.length > 0 ? fixed(totalRetenidos, 2) : undefined,
          // Omitted when every traslado is Exento (SAT rule).
          TotalImpuestosTrasladados: anyTasaOCuota ? fixed(totalTrasladados, 2) : undefined,
          retenciones,
          traslados,
        }
      : undefined;
  const total = subTotal.minus(descuentoTotal).plus(totalTrasladados).minus(totalRetenidos);

  return {
    comprobante: {
      Version: '4.0',
      Serie: input.serie,
      Folio: input.folio,
      Fecha: input.fecha,
      FormaPago: input.formaPago,
      CondicionesDePago: input.condicionesDePago,
      SubTotal: fixed(subTotal, 2),
      Descuento: anyDescuento ? fixed(descuentoTotal, 2) : undefined,
      Moneda: moneda,
      TipoCambio: input.tipoCambio,
      Total: fixed(total, 2),
      TipoDeComprobante: input.tipoDeComprobante,
      Exportacion: exportacion,
      MetodoPago: input.metodoPago,
      LugarExpedicion: input.lugarExpedicion,
    },
    informacionGlobal: input.informacionGlobal
      ? { Periodicidad: input.informacionGlobal.periodicidad, Meses: input.informacionGlobal.meses, Año: input.informacionGlobal.anio }
      : undefined,
    cfdiRelacionados: relacionados.map((r) => ({ TipoRelacion: r.tipoRelacion, uuids: [...r.uuids] })),
    emisor: { Rfc: em.rfc, Nombre: em.nombre, RegimenFiscal: em.regimenFiscal },
    receptor: {
      Rfc: re.rfc,
      Nombre: re.nombre,
      DomicilioFiscalReceptor: re.domicilioFiscal,
      ResidenciaFiscal: re.residenciaFiscal,
      NumRegIdTrib: re.numRegIdTrib,
      RegimenFiscalReceptor: re.regimenFiscal,
      UsoCFDI: re.usoCfdi,
    },
    conceptos,
    impuestos,
    complementos: [],
  };
}

/** What sealing needs from a CSD: the parsed key is reused across invoices (no per-invoice decryption). */
export interface SealingCredentials {
  noCertificado: string;
  certificadoBase64: string;
  privateKey: KeyObject;
}

export interface SealedCfdi {
  document: CfdiDocument;
  xml: string;
  cadenaOriginal: string;
  sello: string;
}

/** Fills NoCertificado/Certificado, builds the cadena original, signs it (SHA256withRSA) and renders the XML. */
export function sealCfdi(doc: CfdiDocument, csd: SealingCredentials): SealedCfdi {
  const document: CfdiDocument = {
    ...doc,
    comprobante: { ...doc.comprobante, NoCertificado: csd.noCertificado, Certificado: csd.certificadoBase64, Sello: undefined },
  };
  const cadena = cadenaOriginal(document);
  const sello = signCadena(cadena, csd.privateKey);
  document.comprobante.Sello = sello;
  return { document, xml: renderCfdiXml(document), cadenaOriginal: cadena, sello };
}

/** buildCfdi + sealCfdi. */
export function buildAndSealCfdi(input: CfdiInput, csd: SealingCredentials): SealedCfdi {
  return sealCfdi(buildCfdi(input), csd);
}

const dtfCache = new Map<string, Intl.DateTimeFormat>();

/** Formats an instant as the CFDI local date-time (AAAA-MM-DDThh:mm:ss) in the issuer's time zone. */
export function cfdiDateTime(instant: Date, timeZone = 'America/Mexico_City'): string {
  let f = dtfCache.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-CA', {
      timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23',
    });
    dtfCache.set(timeZone, f);
  }
  const p: Record<string, string> = {};
  for (const part of f.formatToParts(instant)) p[part.type] = part.value;
  return `${p.year}-${p.month}-${p.day}T${p.hour}:${p.minute}:${p.second}`;
}

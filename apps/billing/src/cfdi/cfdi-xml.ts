import { XMLParser } from 'fast-xml-parser';
import type {
  CfdiComprobanteAttrs,
  CfdiConceptoNode,
  CfdiDocument,
  CfdiEmisorNode,
  CfdiReceptorNode,
  CfdiRetencionNode,
  CfdiTrasladoNode,
} from './cfdi-document';
import { CfdiError } from './cfdi.errors';
import { decodeXmlEntities, escapeAttr } from './xml-text';

export const CFDI_NAMESPACE = 'http://www.sat.gob.mx/cfd/4';
export const CFDI_SCHEMA_LOCATION = 'http://www.sat.gob.mx/cfd/4 http://www.sat.gob.mx/sitio_internet/cfd/4/cfdv40.xsd';

const COMPROBANTE_ORDER: (keyof CfdiComprobanteAttrs)[] = [
  'Version', 'Serie', 'Folio', 'Fecha', 'Sello', 'FormaPago', 'NoCertificado', 'Certificado', 'CondicionesDePago',
  'SubTotal', 'Descuento', 'Moneda', 'TipoCambio', 'Total', 'TipoDeComprobante', 'Exportacion', 'MetodoPago',
  'LugarExpedicion', 'Confirmacion',
];
const EMISOR_ORDER: (keyof CfdiEmisorNode)[] = ['Rfc', 'Nombre', 'RegimenFiscal', 'FacAtrAdquirente'];
const RECEPTOR_ORDER: (keyof CfdiReceptorNode)[] = [
  'Rfc', 'Nombre', 'DomicilioFiscalReceptor', 'ResidenciaFiscal', 'NumRegIdTrib', 'RegimenFiscalReceptor', 'UsoCFDI',
];
const CONCEPTO_ORDER: (keyof CfdiConceptoNode)[] = [
  'ClaveProdServ', 'NoIdentificacion', 'Cantidad', 'ClaveUnidad', 'Unidad', 'Descripcion', 'ValorUnitario', 'Importe',
  'Descuento', 'ObjetoImp',
];
const TRASLADO_ORDER: (keyof CfdiTrasladoNode)[] = ['Base', 'Impuesto', 'TipoFactor', 'TasaOCuota', 'Importe'];
const RETENCION_ORDER: (keyof CfdiRetencionNode)[] = ['Base', 'Impuesto', 'TipoFactor', 'TasaOCuota', 'Importe'];

function attrs<T extends object>(node: T, order: readonly (keyof T)[]): string {
  let s = '';
  for (const k of order) {
    const v = node[k];
    if (v !== undefined) s += ` ${String(k)}="${escapeAttr(v as unknown as string)}"`;
  }
  return s;
}

/** Renders the document as CFDI 4.0 XML (UTF-8, no pretty-printing: what is signed is what is sent). */
export function renderCfdiXml(doc: CfdiDocument): string {
  const parts: string[] = [
    '<?xml version="1.0" encoding="UTF-8"?>\n',
    `<cfdi:Comprobante xmlns:cfdi="${CFDI_NAMESPACE}" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="${CFDI_SCHEMA_LOCATION}"`,
    attrs(doc.comprobante, COMPROBANTE_ORDER),
    '>',
  ];
  if (doc.informacionGlobal) {
    const g = doc.informacionGlobal;
    parts.push(
      `<cfdi:InformacionGlobal Periodicidad="${escapeAttr(g.Periodicidad)}" Meses="${escapeAttr(g.Meses)}" Año="${escapeAttr(g.Año)}"/>`,
    );
  }
  for (const rel of doc.cfdiRelacionados) {
    parts.push(`<cfdi:CfdiRelacionados TipoRelacion="${escapeAttr(rel.TipoRelacion)}">`);
    for (const uuid of rel.uuids) parts.push(`<cfdi:CfdiRelacionado UUID="${escapeAttr(uuid)}"/>`);
    parts.push('</cfdi:CfdiRelacionados>');
  }
  parts.push(`<cfdi:Emisor${attrs(doc.emisor, EMISOR_ORDER)}/>`);
  parts.push(`<cfdi:Receptor${attrs(doc.receptor, RECEPTOR_ORDER)}/>`);
  parts.push('<cfdi:Conceptos>');
  for (const k of doc.conceptos) {
    parts.push(`<cfdi:Concepto${attrs(k, CONCEPTO_ORDER)}`);
    if (k.traslados.length === 0 && k.retenciones.length === 0) {
      parts.push('/>');
      continue;
    }
    parts.push('><cfdi:Impuestos>');
    if (k.traslados.length > 0) {
      parts.push('<cfdi:Traslados>');
      for (const t of k.traslados) parts.push(`<cfdi:Traslado${attrs(t, TRASLADO_ORDER)}/>`);
      parts.push('</cfdi:Traslados>');
    }
    if (k.retenciones.length > 0) {
      parts.push('<cfdi:Retenciones>');
      for (const t of k.retenciones) parts.push(`<cfdi:Retencion${attrs(t, RETENCION_ORDER)}/>`);
      parts.push('</cfdi:Retenciones>');
    }
    parts.push('</cfdi:Impuestos></cfdi:Concepto>');
  }
  parts.push('</cfdi:Conceptos>');
  const i = doc.impuestos;
  if (i) {
    parts.push('<cfdi:Impuestos');
    if (i.TotalImpuestosRetenidos !== undefined) parts.push(` TotalImpuestosRetenidos="${i.TotalImpuestosRetenidos}"`);
    if (i.TotalImpuestosTrasladados !== undefined) parts.push(` TotalImpuestosTrasladados="${i.TotalImpuestosTrasladados}"`);
    parts.push('>');
    // XSD order inside Impuestos: Retenciones, then Traslados.
    if (i.retenciones.length > 0) {
      parts.push('<cfdi:Retenciones>');
      for (const t of i.retenciones) parts.push(`<cfdi:Retencion Impuesto="${t.Impuesto}" Importe="${t.Importe}"/>`);
      parts.push('</cfdi:Retenciones>');
    }
    if (i.traslados.length > 0) {
      parts.push('<cfdi:Traslados>');
      for (const t of i.traslados) parts.push(`<cfdi:Traslado${attrs(t, TRASLADO_ORDER)}/>`);
      parts.push('</cfdi:Traslados>');
    }
    parts.push('</cfdi:Impuestos>');
  }
  if (doc.complementos.length > 0) {
    parts.push('<cfdi:Complemento>', ...doc.complementos, '</cfdi:Complemento>');
  }
  parts.push('</cfdi:Comprobante>');
  return parts.join('');
}

// ---------------------------------------------------------------------------------------------------------------
// Parsing (used by the PAC simulator, credit notes from a stored XML, and tests).

type XNode = { [k: string]: unknown };

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  // Entities are decoded by us (decodeXmlEntities), so character references behave as in a real XML parser.
  processEntities: false,
  parseAttributeValue: false,
  parseTagValue: false,
  trimValues: false,
  removeNSPrefix: false,
  preserveOrder: false,
  isArray: (name) =>
    [
      'cfdi:CfdiRelacionados', 'cfdi:CfdiRelacionado', 'cfdi:Concepto', 'cfdi:Traslado', 'cfdi:Retencion',
    ].includes(name),
});

function malformed(message: string): CfdiError {
  return new CfdiError('BILLING.CFDI_XML_MALFORMED', message);
}

function readAttrs(node: XNode | undefined, where: string, required: string[], optional: string[]): Record<string, string> {
  if (!node || typeof node !== 'object') throw malformed(`Missing ${where}`);
  const out: Record<string, string> = {};
  for (const name of required) {
    const v = node[`@${name}`];
    if (typeof v !== 'string') throw malformed(`${where}: missing attribute ${name}`);
    out[name] = decodeXmlEntities(v);
  }
  for (const name of optional) {
    const v = node[`@${name}`];
    if (typeof v === 'string') out[name] = decodeXmlEntities(v);
  }
  return out;
}

function asArray(v: unknown): XNode[] {
  if (v === undefined) return [];
  return (Array.isArray(v) ? v : [v]) as XNode[];
}

const SUPPORTED_CONCEPTO_CHILDREN = new Set(['cfdi:Impuestos']);

/**
 * Parses a CFDI 4.0 XML back into the document model. Supports what SUPRA issues (no ACuentaTerceros,
 * InformacionAduanera, CuentaPredial or Parte): anything else is rejected rather than silently dropped, since
 * dropping it would produce a wrong cadena.
 */
export function parseCfdiXml(xml: string): CfdiDocument {
  let root: XNode;
  try {
    root = parser.parse(xml, true) as XNode;
  } catch (err) {
    throw malformed(`XML is not well formed: ${(err as Error).message}`);
  }
  const c = root['cfdi:Comprobante'] as XNode | undefined;
  if (!c) throw malformed('Root element is not cfdi:Comprobante');
  if (c['@xmlns:cfdi'] !== CFDI_NAMESPACE) throw malformed('cfdi prefix is not bound to the CFDI 4.0 namespace');
  const comprobante = readAttrs(
    c,
    'Comprobante',
    ['Version', 'Fecha', 'SubTotal', 'Moneda', 'Total', 'TipoDeComprobante', 'Exportacion', 'LugarExpedicion'],
    ['Serie', 'Folio', 'Sello', 'FormaPago', 'NoCertificado', 'Certificado', 'CondicionesDePago', 'Descuento',
      'TipoCambio', 'MetodoPago', 'Confirmacion'],
  ) as unknown as CfdiComprobanteAttrs;
  if (comprobante.Version !== '4.0') throw malformed(`Unsupported CFDI version ${comprobante.Version}`);

  const ig = c['cfdi:InformacionGlobal'] as XNode | undefined;
  const informacionGlobal = ig
    ? (readAttrs(ig, 'InformacionGlobal', ['Periodicidad', 'Meses', 'Año'], []) as unknown as CfdiDocument['informacionGlobal'])
    : undefined;

  const cfdiRelacionados = asArray(c['cfdi:CfdiRelacionados']).map((rel) => ({
    TipoRelacion: readAttrs(rel, 'CfdiRelacionados', ['TipoRelacion'], []).TipoRelacion,
    uuids: asArray(rel['cfdi:CfdiRelacionado']).map((r) => readAttrs(r, 'CfdiRelacionado', ['UUID'], []).UUID),
  }));

  const emisor = readAttrs(c['cfdi:Emisor'] as XNode, 'Emisor', ['Rfc', 'Nombre', 'RegimenFiscal'], ['FacAtrAdquirente']) as unknown as CfdiEmisorNode;
  const receptor = readAttrs(
    c['cfdi:Receptor'] as XNode,
    'Receptor',
    ['Rfc', 'Nombre', 'DomicilioFiscalReceptor', 'RegimenFiscalReceptor', 'UsoCFDI'],
    ['ResidenciaFiscal', 'NumRegIdTrib'],
  ) as unknown as CfdiReceptorNode;

  const conceptosNode = c['cfdi:Conceptos'] as XNode | undefined;
  if (!conceptosNode) throw malformed('Missing Conceptos');
  const conceptos: CfdiConceptoNode[] = asArray(conceptosNode['cfdi:Concepto']).map((k, idx) => {
    for (const key of Object.keys(k)) {
      if (!key.startsWith('@') && key !== '#text' && !SUPPORTED_CONCEPTO_CHILDREN.has(key)) {
        throw malformed(`Concepto ${idx + 1}: unsupported element ${key}`);
      }
    }
    const a = readAttrs(
      k,
      `Concepto ${idx + 1}`,
      ['ClaveProdServ', 'Cantidad', 'ClaveUnidad', 'Descripcion', 'ValorUnitario', 'Importe', 'ObjetoImp'],
      ['NoIdentificacion', 'Unidad', 'Descuento'],
    );
    const imp = k['cfdi:Impuestos'] as XNode | undefined;
    const traslados = asArray((imp?.['cfdi:Traslados'] as XNode | undefined)?.['cfdi:Traslado']).map(
      (t) => readAttrs(t, 'Traslado', ['Base', 'Impuesto', 'TipoFactor'], ['TasaOCuota', 'Importe']) as unknown as CfdiTrasladoNode,
    );
    const retenciones = asArray((imp?.['cfdi:Retenciones'] as XNode | undefined)?.['cfdi:Retencion']).map(
      (t) => readAttrs(t, 'Retencion', ['Base', 'Impuesto', 'TipoFactor', 'TasaOCuota', 'Importe'], []) as unknown as CfdiRetencionNode,
    );
    return { ...(a as unknown as CfdiConceptoNode), traslados, retenciones };
  });
  if (conceptos.length === 0) throw malformed('Conceptos has no Concepto');

  const impNode = c['cfdi:Impuestos'] as XNode | undefined;
  const impuestos = impNode
    ? {
        ...readAttrs(impNode, 'Impuestos', [], ['TotalImpuestosRetenidos', 'TotalImpuestosTrasladados']),
        retenciones: asArray((impNode['cfdi:Retenciones'] as XNode | undefined)?.['cfdi:Retencion']).map(
          (t) => readAttrs(t, 'Retencion', ['Impuesto', 'Importe'], []) as { Impuesto: string; Importe: string },
        ),
        traslados: asArray((impNode['cfdi:Traslados'] as XNode | undefined)?.['cfdi:Traslado']).map(
          (t) => readAttrs(t, 'Traslado', ['Base', 'Impuesto', 'TipoFactor'], ['TasaOCuota', 'Importe']) as unknown as CfdiTrasladoNode,
        ),
      }
    : undefined;

  // Complements are kept as raw text so a stamped XML can be re-rendered without losing the TFD.
  const complementos: string[] = [];
  const compMatch = /<cfdi:Complemento>([\s\S]*)<\/cfdi:Complemento>/.exec(xml);
  if (compMatch && compMatch[1].trim() !== '') complementos.push(compMatch[1]);

  return { comprobante, informacionGlobal, cfdiRelacionados, emisor, receptor, conceptos, impuestos, complementos };
}

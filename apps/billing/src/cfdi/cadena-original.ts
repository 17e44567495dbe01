import type { CfdiDocument } from './cfdi-document';
import { normalizeSpace } from './xml-text';

/**
 * The CFDI 4.0 cadena original, byte-for-byte what SAT's cadenaoriginal_4_0.xslt produces: "||", then each
 * attribute in the stylesheet's order as "|" + normalize-space(value) (optional ones only when present),
 * then "||". The order below follows the XSLT templates literally; a test compares against xsltproc.
 */
export function cadenaOriginal(doc: CfdiDocument): string {
  const out: string[] = ['|'];
  const req = (v: string | undefined): void => {
    out.push('|', normalizeSpace(v ?? ''));
  };
  const opt = (v: string | undefined): void => {
    if (v !== undefined) out.push('|', normalizeSpace(v));
  };

  const c = doc.comprobante;
  req(c.Version);
  opt(c.Serie);
  opt(c.Folio);
  req(c.Fecha);
  opt(c.FormaPago);
  req(c.NoCertificado);
  opt(c.CondicionesDePago);
  req(c.SubTotal);
  opt(c.Descuento);
  req(c.Moneda);
  opt(c.TipoCambio);
  req(c.Total);
  req(c.TipoDeComprobante);
  req(c.Exportacion);
  opt(c.MetodoPago);
  req(c.LugarExpedicion);
  opt(c.Confirmacion);

  if (doc.informacionGlobal) {
    req(doc.informacionGlobal.Periodicidad);
    req(doc.informacionGlobal.Meses);
    req(doc.informacionGlobal.Año);
  }
  for (const rel of doc.cfdiRelacionados) {
    req(rel.TipoRelacion);
    for (const uuid of rel.uuids) req(uuid);
  }

  const e = doc.emisor;
  req(e.Rfc);
  req(e.Nombre);
  req(e.RegimenFiscal);
  opt(e.FacAtrAdquirente);

  const r = doc.receptor;
  req(r.Rfc);
  req(r.Nombre);
  req(r.DomicilioFiscalReceptor);
  opt(r.ResidenciaFiscal);
  opt(r.NumRegIdTrib);
  req(r.RegimenFiscalReceptor);
  req(r.UsoCFDI);

  for (const k of doc.conceptos) {
    req(k.ClaveProdServ);
    opt(k.NoIdentificacion);
    req(k.Cantidad);
    req(k.ClaveUnidad);
    opt(k.Unidad);
    req(k.Descripcion);
    req(k.ValorUnitario);
    req(k.Importe);
    opt(k.Descuento);
    req(k.ObjetoImp);
    for (const t of k.traslados) {
      req(t.Base);
      req(t.Impuesto);
      req(t.TipoFactor);
      opt(t.TasaOCuota);
      opt(t.Importe);
    }
    for (const t of k.retenciones) {
      req(t.Base);
      req(t.Impuesto);
      req(t.TipoFactor);
      req(t.TasaOCuota);
      req(t.Importe);
    }
  }

  const i = doc.impuestos;
  if (i) {
    for (const t of i.retenciones) {
      req(t.Impuesto);
      req(t.Importe);
    }
    opt(i.TotalImpuestosRetenidos);
    for (const t of i.traslados) {
      req(t.Base);
      req(t.Impuesto);
      req(t.TipoFactor);
      opt(t.TasaOCuota);
      opt(t.Importe);
    }
    opt(i.TotalImpuestosTrasladados);
  }
  out.push('||');
  return out.join('');
}

import type { KeyObject } from 'node:crypto';
import { CfdiError } from './cfdi.errors';
import { signCadena } from './csd';
import { decodeXmlEntities, escapeAttr, normalizeSpace } from './xml-text';

export const TFD_NAMESPACE = 'http://www.sat.gob.mx/TimbreFiscalDigital';
const TFD_SCHEMA_LOCATION = `${TFD_NAMESPACE} http://www.sat.gob.mx/sitio_internet/cfd/TimbreFiscalDigital/TimbreFiscalDigitalv11.xsd`;

/** Timbre Fiscal Digital 1.1, the PAC's stamp. */
export interface Tfd {
  Version: '1.1';
  UUID: string;
  /** AAAA-MM-DDThh:mm:ss, Mexico central time. */
  FechaTimbrado: string;
  RfcProvCertif: string;
  Leyenda?: string;
  /** The CFDI's Sello. */
  SelloCFD: string;
  NoCertificadoSAT: string;
  SelloSAT: string;
}

/** TFD cadena original, as cadenaoriginal_TFD_1_1.xslt: ||Version|UUID|FechaTimbrado|RfcProvCertif|[Leyenda|]SelloCFD|NoCertificadoSAT|| */
export function tfdCadenaOriginal(tfd: Omit<Tfd, 'SelloSAT'>): string {
  const parts = ['||', normalizeSpace(tfd.Version), '|', normalizeSpace(tfd.UUID), '|', normalizeSpace(tfd.FechaTimbrado), '|', normalizeSpace(tfd.RfcProvCertif)];
  if (tfd.Leyenda !== undefined) parts.push('|', normalizeSpace(tfd.Leyenda));
  parts.push('|', normalizeSpace(tfd.SelloCFD), '|', normalizeSpace(tfd.NoCertificadoSAT), '||');
  return parts.join('');
}

/** Signs a TFD (what a PAC does with its SAT-issued certificate; the simulator uses its own key). */
export function signTfd(tfd: Omit<Tfd, 'SelloSAT'>, privateKey: KeyObject): Tfd {
  return { ...tfd, SelloSAT: signCadena(tfdCadenaOriginal(tfd), privateKey) };
}

const TFD_ORDER: (keyof Tfd)[] = ['Version', 'UUID', 'FechaTimbrado', 'RfcProvCertif', 'Leyenda', 'SelloCFD', 'NoCertificadoSAT', 'SelloSAT'];

export function renderTfdXml(tfd: Tfd): string {
  let s = `<tfd:TimbreFiscalDigital xmlns:tfd="${TFD_NAMESPACE}" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="${TFD_SCHEMA_LOCATION}"`;
  for (const k of TFD_ORDER) {
    const v = tfd[k];
    if (v !== undefined) s += ` ${k}="${escapeAttr(v)}"`;
  }
  return `${s}/>`;
}

const TFD_ELEMENT_RE = /<([A-Za-z_][\w.-]*:)?TimbreFiscalDigital\b([^>]*?)\/?>/;
const ATTR_RE = /([A-Za-z_][\w.:-]*)\s*=\s*(?:"([^"]*)"|'([^']*)')/g;

/** Extracts the TFD from a stamped CFDI (or a bare TFD element). */
export function parseTfd(xml: string): Tfd {
  const m = TFD_ELEMENT_RE.exec(xml);
  if (!m) throw new CfdiError('BILLING.CFDI_XML_MALFORMED', 'No TimbreFiscalDigital found');
  const a: Record<string, string> = {};
  for (const am of m[2].matchAll(ATTR_RE)) a[am[1]] = decodeXmlEntities(am[2] ?? am[3] ?? '');
  for (const req of ['Version', 'UUID', 'FechaTimbrado', 'RfcProvCertif', 'SelloCFD', 'NoCertificadoSAT', 'SelloSAT']) {
    if (a[req] === undefined) throw new CfdiError('BILLING.CFDI_XML_MALFORMED', `TimbreFiscalDigital lacks ${req}`);
  }
  if (a.Version !== '1.1') throw new CfdiError('BILLING.CFDI_XML_MALFORMED', `Unsupported TFD version ${a.Version}`);
  return {
    Version: '1.1',
    UUID: a.UUID,
    FechaTimbrado: a.FechaTimbrado,
    RfcProvCertif: a.RfcProvCertif,
    Leyenda: a.Leyenda,
    SelloCFD: a.SelloCFD,
    NoCertificadoSAT: a.NoCertificadoSAT,
    SelloSAT: a.SelloSAT,
  };
}

/** Adds the TFD inside cfdi:Complemento (creating it if needed) without touching the signed content. */
export function attachTfd(cfdiXml: string, tfdXml: string): string {
  const close = cfdiXml.indexOf('</cfdi:Complemento>');
  if (close !== -1) return cfdiXml.slice(0, close) + tfdXml + cfdiXml.slice(close);
  const addenda = cfdiXml.indexOf('<cfdi:Addenda');
  const at = addenda !== -1 ? addenda : cfdiXml.lastIndexOf('</cfdi:Comprobante>');
  if (at === -1) throw new CfdiError('BILLING.CFDI_XML_MALFORMED', 'Not a CFDI: no closing cfdi:Comprobante');
  return `${cfdiXml.slice(0, at)}<cfdi:Complemento>${tfdXml}</cfdi:Complemento>${cfdiXml.slice(at)}`;
}

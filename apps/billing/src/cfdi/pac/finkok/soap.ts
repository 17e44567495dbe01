import { decodeXmlEntities } from '../../xml-text';

/**
 * Minimal SOAP 1.1 helpers for Finkok's interface, shared by the adapter and the simulator. Messages are small
 * and their shape is fixed, so leaf elements are read by local name; text is decoded in one pass so an escaped
 * CFDI inside <xml> (with its own &amp;amp; and &amp;#10;) comes back byte-exact.
 */
export const FINKOK_NS = {
  stamp: 'http://facturacion.finkok.com/stamp',
  cancel: 'http://facturacion.finkok.com/cancel',
  soapenv: 'http://schemas.xmlsoap.org/soap/envelope/',
  apps: 'apps.services.soap.core.views',
} as const;

export const FINKOK_PATHS = {
  stamp: '/servicios/soap/stamp.wsdl',
  cancel: '/servicios/soap/cancel.wsdl',
} as const;

export function escapeText(s: string): string {
  return s.replace(/[&<>]/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : '&gt;'));
}

export function escapeAttrValue(s: string): string {
  return s.replace(/[&<>"]/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : c === '>' ? '&gt;' : '&quot;'));
}

export function envelope(nsPrefix: string, ns: string, body: string, extraNs: Record<string, string> = {}): string {
  const extra = Object.entries(extraNs).map(([p, u]) => ` xmlns:${p}="${u}"`).join('');
  return `<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="${FINKOK_NS.soapenv}" xmlns:${nsPrefix}="${ns}"${extra}><soapenv:Header/><soapenv:Body>${body}</soapenv:Body></soapenv:Envelope>`;
}

/** SAT's EstatusUUID codes of a cancellation request (as Finkok relays them). */
export const SAT_CANCEL_CODES: Record<string, string> = {
  '201': 'Solicitud de cancelación recibida',
  '202': 'UUID Previamente cancelado',
  '203': 'UUID no corresponde al RFC del Emisor',
  '204': 'UUID no aplicable para cancelación',
  '205': 'UUID No existe',
  '207': 'No se especificó el motivo de cancelación o el motivo no es válido',
  '208': 'Folio Sustitución invalido',
  '209': 'Folio Sustitución no requerido',
  '212': 'Relación no válida o inexistente',
};

/** The URI a prefix is bound to in a small message (its first declaration; our messages declare each once). */
export function namespaceOf(xml: string, prefix: string): string | undefined {
  const m = new RegExp(`xmlns:${prefix}\\s*=\\s*"([^"]*)"`).exec(xml);
  return m?.[1];
}

/** The prefix an element with this local name is written with ('' when unprefixed). */
export function prefixOf(xml: string, localName: string): string | undefined {
  const m = new RegExp(`<(?:([A-Za-z_][\\w.-]*):)?${localName}[\\s/>]`).exec(xml);
  return m ? (m[1] ?? '') : undefined;
}

function elementRe(localName: string): RegExp {
  return new RegExp(`<(?:[A-Za-z_][\\w.-]*:)?${localName}(\\s[^>]*)?(?:/>|>([\\s\\S]*?)</(?:[A-Za-z_][\\w.-]*:)?${localName}>)`, 'g');
}

/** Inner XML (raw, not decoded) of every element with this local name. */
export function innerAll(xml: string, localName: string): { attrs: string; inner: string }[] {
  return [...xml.matchAll(elementRe(localName))].map((m) => ({ attrs: m[1] ?? '', inner: m[2] ?? '' }));
}

/** Decoded text of the first element with this local name (undefined when absent). */
export function text(xml: string, localName: string): string | undefined {
  const first = innerAll(xml, localName)[0];
  return first === undefined ? undefined : decodeXmlEntities(first.inner);
}

export function attrsOf(attrs: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of attrs.matchAll(/([A-Za-z_][\w.:-]*)\s*=\s*"([^"]*)"/g)) out[m[1]] = decodeXmlEntities(m[2]);
  return out;
}

/** The first child element of soap Body: the operation name and its content. */
export function bodyOperation(xml: string): { name: string; inner: string } | undefined {
  const body = innerAll(xml, 'Body')[0];
  if (!body) return undefined;
  const m = /<(?:[A-Za-z_][\w.-]*:)?([A-Za-z_][\w.-]*)[\s>/]/.exec(body.inner);
  if (!m) return undefined;
  return { name: m[1], inner: body.inner };
}

export function soapFault(faultcode: 'soapenv:Client' | 'soapenv:Server', faultstring: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="${FINKOK_NS.soapenv}"><soapenv:Body><soapenv:Fault><faultcode>${faultcode}</faultcode><faultstring>${escapeText(faultstring)}</faultstring></soapenv:Fault></soapenv:Body></soapenv:Envelope>`;
}

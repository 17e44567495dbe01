import { toDec } from '@supra/domain/money';

export const SAT_VERIFICATION_BASE = 'https://verificacfdi.facturaelectronica.sat.gob.mx/default.aspx';

/**
 * The QR content of a CFDI's printed representation (Anexo 20): id=UUID, re=emisor RFC, rr=receptor RFC,
 * tt=total without non-significant zeros (at least one decimal), fe=last 8 characters of the CFDI Sello.
 */
export function satVerificationUrl(p: { uuid: string; rfcEmisor: string; rfcReceptor: string; total: string; sello: string }): string {
  let tt = toDec(p.total).toFixed(6).replace(/0+$/, '');
  if (tt.endsWith('.')) tt += '0';
  const rfc = (s: string): string => encodeURIComponent(s);
  return `${SAT_VERIFICATION_BASE}?id=${p.uuid}&re=${rfc(p.rfcEmisor)}&rr=${rfc(p.rfcReceptor)}&tt=${tt}&fe=${p.sello.slice(-8)}`;
}

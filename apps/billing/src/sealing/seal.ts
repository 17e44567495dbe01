import { buildAndSealCfdi, type CfdiInput, type SealingCredentials } from '../cfdi';

export type SealOutcome =
  | { ok: true; xml: string; sello: string; subtotal: string; tax: string; total: string }
  | { ok: false; code: string; message: string; details?: Record<string, unknown> };

/** Builds and seals one CFDI; a failure is a value (one bad invoice must not sink its batch). */
export function sealOne(input: CfdiInput, cred: SealingCredentials): SealOutcome {
  try {
    const s = buildAndSealCfdi(input, cred);
    const c = s.document.comprobante;
    return { ok: true, xml: s.xml, sello: s.sello, subtotal: c.SubTotal, tax: s.document.impuestos?.TotalImpuestosTrasladados ?? '0.00', total: c.Total };
  } catch (e) {
    const err = e as { code?: string; message?: string; details?: Record<string, unknown> };
    return { ok: false, code: err.code ?? 'BILLING.SEAL_FAILED', message: err.message ?? String(e), details: err.details };
  }
}

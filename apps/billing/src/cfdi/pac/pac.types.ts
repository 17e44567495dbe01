/** What a PAC (Proveedor Autorizado de Certificación) does for us, whoever the provider is. */

export interface StampResult {
  uuid: string;
  /** The tfd:TimbreFiscalDigital element. */
  tfdXml: string;
  /** The CFDI with the TFD inside cfdi:Complemento — the legal document. */
  stampedXml: string;
  fechaTimbrado: string;
  noCertificadoSAT: string;
  selloSAT: string;
  /** True when the PAC had already stamped this CFDI and returned the original stamp (Finkok code 307). */
  previouslyStamped: boolean;
  /** Which provider stamped it (set by FailoverPac / adapters). */
  provider: string;
}

import type { KeyObject } from 'node:crypto';

export type CancelMotivo = '01' | '02' | '03' | '04';

/** The emisor's CSD: SAT takes a cancellation request signed with it (Finkok signs it for us from these). */
export interface CancelSigner {
  /** The DER certificate, base64 (the CFDI's Certificado). */
  certificadoBase64: string;
  privateKey: KeyObject;
}

export interface CancelResult {
  uuid: string;
  /**
   * Finkok/SAT EstatusUUID: '201' request accepted, '202' already cancelled. The SAT may still require the
   * receptor's acceptance: `estatusCancelacion` says so.
   */
  estatusUuid: string;
  estatusCancelacion: string;
  acuse?: string;
  fecha?: string;
}

export interface StatusResult {
  uuid: string;
  /** SAT's Estado: 'Vigente' | 'Cancelado' | 'No Encontrado'. */
  estado: string;
  esCancelable?: string;
  estatusCancelacion?: string;
  codigoEstatus?: string;
}

/** Extra data some PACs need to query SAT (Finkok's get_sat_status asks for the receptor and total). */
export interface StatusQuery {
  rfcEmisor?: string;
  rfcReceptor?: string;
  total?: string;
}

export interface PacProvider {
  readonly name: string;
  /** Stamps a sealed CFDI. Idempotent on the same CFDI: a second call returns the first stamp. */
  stamp(xml: string): Promise<StampResult>;
  cancel(uuid: string, rfcEmisor: string, motivo: CancelMotivo, folioSustitucion?: string, signer?: CancelSigner): Promise<CancelResult>;
  status(uuid: string, query?: StatusQuery): Promise<StatusResult>;
}

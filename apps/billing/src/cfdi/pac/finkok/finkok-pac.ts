import { parseTfd } from '../../tfd';
import { PacRejectedError, PacUnavailableError } from '../pac.errors';
import type { CancelMotivo, CancelResult, CancelSigner, PacProvider, StampResult, StatusQuery, StatusResult } from '../pac.types';
import { envelope, escapeAttrValue, escapeText, FINKOK_NS, FINKOK_PATHS, innerAll, SAT_CANCEL_CODES, text } from './soap';

export interface FinkokPacConfig {
  /** e.g. https://demo-facturacion.finkok.com (sandbox) or the simulator's URL. */
  baseUrl: string;
  username: string;
  password: string;
  /** Per-request timeout; a timeout is a transient failure. Default 30 s. */
  timeoutMs?: number;
  /** Name used in errors and results. Default "finkok". */
  name?: string;
  /**
   * The CSD Finkok needs to sign a cancellation on our behalf: certificate and key as PEM (the key encrypted
   * with the Finkok account password, as Finkok's cancel operation expects), both base64-encoded. Used when a
   * cancel call brings no signer (the tenant's CSD, which billing passes).
   */
  cancelCredentials?: { cerPemBase64: string; keyPemBase64: string };
  fetch?: typeof fetch;
}

/**
 * Finkok's `cer` and `key` of a cancellation: the CSD certificate as PEM and its private key as an encrypted PEM
 * (PKCS#8, 3DES) whose passphrase is the Finkok account password, each base64-encoded (Finkok signs SAT's
 * cancellation request with them).
 */
export function finkokCancelCredentials(signer: CancelSigner, finkokPassword: string): { cerPemBase64: string; keyPemBase64: string } {
  const cerPem = `-----BEGIN CERTIFICATE-----\n${signer.certificadoBase64.replace(/(.{64})/g, '$1\n').replace(/\n$/, '')}\n-----END CERTIFICATE-----\n`;
  const keyPem = signer.privateKey.export({ type: 'pkcs8', format: 'pem', cipher: 'des-ede3-cbc', passphrase: finkokPassword }) as string;
  return { cerPemBase64: Buffer.from(cerPem, 'utf8').toString('base64'), keyPemBase64: Buffer.from(keyPem, 'utf8').toString('base64') };
}

/** Finkok codes that mean "this PAC cannot serve us now", not "this CFDI is wrong". */
const TRANSIENT_CODES = new Set(['702', '703', '704', '705', '708', '2001']);
/** OpenSSL's messages for a cer/key it cannot read, decrypt or pair (what Finkok's fault string carries). */
const CSD_FAULT = /PEM routines|PEM_read_bio|asn1 encoding routines|ASN1_|bad decrypt|EVP_DecryptFinal|X509_check_private_key|key values mismatch/i;

/** Adapter for Finkok's SOAP stamping and cancellation services, over HTTP with fetch. */
export class FinkokPac implements PacProvider {
  readonly name: string;
  private readonly fetchFn: typeof fetch;

  constructor(private readonly config: FinkokPacConfig) {
    this.name = config.name ?? 'finkok';
    this.fetchFn = config.fetch ?? fetch;
  }

  private async call(path: string, body: string): Promise<string> {
    let res: Response;
    try {
      res = await this.fetchFn(`${this.config.baseUrl.replace(/\/$/, '')}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'text/xml; charset=utf-8', soapaction: '' },
        body,
        signal: AbortSignal.timeout(this.config.timeoutMs ?? 30_000),
      });
    } catch (err) {
      const e = err as Error & { cause?: { code?: string } };
      throw new PacUnavailableError(`${this.name} unreachable: ${e.cause?.code ?? e.name}`, this.name);
    }
    let payload: string;
    try {
      payload = await res.text();
    } catch (err) {
      throw new PacUnavailableError(`${this.name} response interrupted: ${(err as Error).name}`, this.name);
    }
    if (res.status >= 500 || res.status === 429 || res.status === 408) {
      const fault = text(payload, 'faultstring');
      // A SOAP Client fault is about our message, not about the PAC being down.
      if (fault !== undefined && /Client/.test(text(payload, 'faultcode') ?? '')) {
        throw new PacRejectedError('SOAP-Client', fault, this.name);
      }
      // Finkok answers an unusable cer/key (cancel) with a Server fault carrying OpenSSL's message: retrying
      // or another PAC gives the same answer, so it is permanent and names the CSD, not an outage.
      if (fault !== undefined && /Server/.test(text(payload, 'faultcode') ?? '') && CSD_FAULT.test(fault)) {
        throw new PacRejectedError('CSD', fault, this.name, 'BILLING.PAC_CSD_UNUSABLE');
      }
      throw new PacUnavailableError(`${this.name} answered HTTP ${res.status}${fault ? `: ${fault.slice(0, 200)}` : ''}`, this.name);
    }
    if (res.status >= 400) throw new PacRejectedError(`HTTP-${res.status}`, payload.slice(0, 200), this.name);
    return payload;
  }

  async stamp(xml: string): Promise<StampResult> {
    const body = envelope(
      'stam',
      FINKOK_NS.stamp,
      `<stam:stamp><stam:xml>${Buffer.from(xml, 'utf8').toString('base64')}</stam:xml><stam:username>${escapeText(this.config.username)}</stam:username><stam:password>${escapeText(this.config.password)}</stam:password></stam:stamp>`,
    );
    const res = await this.call(FINKOK_PATHS.stamp, body);
    const incidencia = innerAll(res, 'Incidencia')[0];
    const code = incidencia ? text(incidencia.inner, 'CodigoError') ?? '' : '';
    const stampedXml = text(res, 'xml') ?? '';
    const previouslyStamped = code === '307';
    if (incidencia && !previouslyStamped) {
      const message = text(incidencia.inner, 'MensajeIncidencia') ?? '';
      if (TRANSIENT_CODES.has(code)) throw new PacUnavailableError(`${this.name}: ${code} ${message}`, this.name);
      throw new PacRejectedError(code, message, this.name);
    }
    if (stampedXml === '') {
      // 307 without the document (Finkok's older behaviour) cannot be completed here; nothing was decided.
      throw new PacUnavailableError(`${this.name}: stamp response without XML (${text(res, 'CodEstatus') ?? 'no status'})`, this.name);
    }
    const tfd = parseTfd(stampedXml);
    return {
      uuid: tfd.UUID,
      tfdXml: /<(?:[\w.-]+:)?TimbreFiscalDigital\b[^>]*\/>/.exec(stampedXml)?.[0] ?? '',
      stampedXml,
      fechaTimbrado: tfd.FechaTimbrado,
      noCertificadoSAT: tfd.NoCertificadoSAT,
      selloSAT: tfd.SelloSAT,
      previouslyStamped,
      provider: this.name,
    };
  }

  /**
   * Finkok's `cancel` (CFDI 4.0 cancellation): one `apps:UUID` element (namespace apps.services.soap.core.views,
   * not the cancel service's) with the SAT reason in `Motivo` and, for 01 only, the substitute's UUID in
   * `FolioSustitucion` (sent empty for 02-04, as Finkok's own clients do). A 01 without a substitute is refused
   * here, before anything is sent: SAT would answer 208.
   */
  async cancel(uuid: string, rfcEmisor: string, motivo: CancelMotivo, folioSustitucion?: string, signer?: CancelSigner): Promise<CancelResult> {
    if (motivo === '01' && !folioSustitucion) throw new PacRejectedError('208', 'Motivo 01 requires FolioSustitucion (the substitute CFDI UUID)', this.name);
    if (motivo !== '01' && folioSustitucion) throw new PacRejectedError('209', `Motivo ${motivo} takes no FolioSustitucion`, this.name);
    const creds = signer ? finkokCancelCredentials(signer, this.config.password) : this.config.cancelCredentials;
    const body = envelope(
      'can',
      FINKOK_NS.cancel,
      `<can:cancel><can:UUIDS><apps:UUID UUID="${escapeAttrValue(uuid.toUpperCase())}" FolioSustitucion="${escapeAttrValue((folioSustitucion ?? '').toUpperCase())}" Motivo="${motivo}"/></can:UUIDS><can:username>${escapeText(this.config.username)}</can:username><can:password>${escapeText(this.config.password)}</can:password><can:taxpayer_id>${escapeText(rfcEmisor)}</can:taxpayer_id><can:cer>${creds?.cerPemBase64 ?? ''}</can:cer><can:key>${creds?.keyPemBase64 ?? ''}</can:key><can:store_pending>false</can:store_pending></can:cancel>`,
      { apps: FINKOK_NS.apps },
    );
    const res = await this.call(FINKOK_PATHS.cancel, body);
    const folioNode = innerAll(res, 'Folio')[0];
    if (!folioNode) {
      const status = text(res, 'CodEstatus') ?? 'no Folio in response';
      // Finkok answers bad credentials with CodEstatus only: this PAC cannot serve us, another may.
      if (/usuario|username|password|contrase/i.test(status)) throw new PacUnavailableError(`${this.name}: ${status}`, this.name);
      throw new PacRejectedError('CANCEL', status, this.name);
    }
    const estatusUuid = text(folioNode.inner, 'EstatusUUID') ?? '';
    if (estatusUuid !== '201' && estatusUuid !== '202') {
      throw new PacRejectedError(estatusUuid, `cancellation of ${uuid} (motivo ${motivo}) refused: ${SAT_CANCEL_CODES[estatusUuid] ?? 'unknown SAT code'}`, this.name);
    }
    return {
      uuid: (text(folioNode.inner, 'UUID') ?? uuid).toUpperCase(),
      estatusUuid,
      estatusCancelacion: text(folioNode.inner, 'EstatusCancelacion') ?? '',
      acuse: text(res, 'Acuse'),
      fecha: text(res, 'Fecha'),
    };
  }

  async status(uuid: string, query: StatusQuery = {}): Promise<StatusResult> {
    const body = envelope(
      'can',
      FINKOK_NS.cancel,
      `<can:get_sat_status><can:username>${escapeText(this.config.username)}</can:username><can:password>${escapeText(this.config.password)}</can:password><can:taxpayer_id>${escapeText(query.rfcEmisor ?? '')}</can:taxpayer_id><can:rtaxpayer_id>${escapeText(query.rfcReceptor ?? '')}</can:rtaxpayer_id><can:uuid>${escapeText(uuid)}</can:uuid><can:total>${escapeText(query.total ?? '')}</can:total></can:get_sat_status>`,
    );
    const res = await this.call(FINKOK_PATHS.cancel, body);
    const estado = text(res, 'Estado');
    if (estado === undefined) throw new PacUnavailableError(`${this.name}: get_sat_status without Estado`, this.name);
    return {
      uuid: uuid.toUpperCase(),
      estado,
      esCancelable: text(res, 'EsCancelable'),
      estatusCancelacion: text(res, 'EstatusCancelacion'),
      codigoEstatus: text(res, 'CodigoEstatus'),
    };
  }
}


import { createPrivateKey, createPublicKey, generateKeyPairSync, randomUUID, X509Certificate, type KeyObject } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { cfdiDateTime } from '../../cfdi-builder';
import { cadenaOriginal } from '../../cadena-original';
import { CfdiError } from '../../cfdi.errors';
import { parseCfdiXml } from '../../cfdi-xml';
import { noCertificadoFromSerial, verifySello } from '../../csd';
import { attachTfd, renderTfdXml, signTfd, type Tfd } from '../../tfd';
import { attrsOf, bodyOperation, escapeAttrValue, escapeText, FINKOK_NS, innerAll, namespaceOf, prefixOf, soapFault, text } from '../finkok/soap';

/** 'up': normal; 'unavailable': HTTP 503; 'reset': connection destroyed; 'hang': never answers (timeouts). */
export type SimulatorMode = 'up' | 'unavailable' | 'reset' | 'hang';

export interface PacSimulatorOptions {
  /** 0 = any free port. Always bound to 127.0.0.1. */
  port?: number;
  /** Credentials the simulator accepts; omitted = any. */
  username?: string;
  password?: string;
  rfcProvCertif?: string;
  noCertificadoSAT?: string;
  /** Reject CFDIs whose Fecha is older than this (SAT: 72 h). Off by default so fixtures with fixed dates work. */
  maxAgeHours?: number;
  now?: () => Date;
}

interface StoredStamp {
  tfd: Tfd;
  stampedXml: string;
  rfcEmisor: string;
  rfcReceptor: string;
  total: string;
  fecha: string;
  /** UUIDs this CFDI substitutes (CfdiRelacionados TipoRelacion 04), upper case. */
  substitutes: string[];
  cancelled: boolean;
  cancelMotivo?: string;
}

/** Finkok/SAT incidence codes the simulator produces. */
export const SIM_CODES = {
  XML_MALFORMED: ['301', 'XML mal formado'],
  SELLO_INVALIDO: ['302', 'Sello mal formado o inválido'],
  SELLO_NO_EMISOR: ['303', 'Sello no corresponde a emisor'],
  CERT_FUERA_VIGENCIA: ['305', 'La fecha de emisión no está dentro de la vigencia del CSD del Emisor'],
  PREVIAMENTE: ['307', 'Comprobante timbrado previamente'],
  NO_CERT: ['308', 'Certificado no expedido por el SAT'],
  FECHA_FUERA_RANGO: ['401', 'Fecha y hora de generación fuera de rango'],
} as const;

/**
 * A local PAC speaking Finkok's SOAP interface (stamp service: stamp; cancel service: cancel, get_sat_status).
 * It validates what SAT/the PAC would (structure, certificate, seal, dates), signs a TFD 1.1 with a key generated
 * at start, remembers what it stamped (idempotent, code 307) and can be switched down for failover tests.
 * For development and tests only: never a substitute for a real PAC's legal stamp.
 */
export class PacSimulator {
  private server?: Server;
  private readonly sockets = new Set<Socket>();
  private readonly hanging = new Set<ServerResponse>();
  private readonly bySello = new Map<string, StoredStamp>();
  private readonly byUuid = new Map<string, StoredStamp>();
  private readonly key: KeyObject;
  readonly publicKey: KeyObject;
  mode: SimulatorMode = 'up';
  /** Requests received per operation, for assertions. */
  readonly calls: Record<string, number> = {};

  constructor(private readonly options: PacSimulatorOptions = {}) {
    const pair = generateKeyPairSync('rsa', { modulusLength: 2048 });
    this.key = pair.privateKey;
    this.publicKey = pair.publicKey;
  }

  get url(): string {
    const addr = this.server?.address() as AddressInfo | null;
    if (!addr) throw new Error('PAC simulator is not listening');
    return `http://127.0.0.1:${addr.port}`;
  }

  get stampedCount(): number {
    return this.byUuid.size;
  }

  async start(): Promise<string> {
    this.server = createServer((req, res) => void this.handle(req, res));
    this.server.on('connection', (s) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
    await new Promise<void>((resolve, reject) => {
      this.server!.once('error', reject);
      this.server!.listen(this.options.port ?? 0, '127.0.0.1', () => resolve());
    });
    return this.url;
  }

  async stop(): Promise<void> {
    if (!this.server) return;
    for (const res of this.hanging) res.destroy();
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.server!.close(() => resolve()));
    this.server = undefined;
  }

  setMode(mode: SimulatorMode): void {
    this.mode = mode;
  }

  private now(): Date {
    return this.options.now?.() ?? new Date();
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (this.mode === 'reset') {
      req.socket.destroy();
      return;
    }
    if (this.mode === 'hang') {
      this.hanging.add(res);
      res.on('close', () => this.hanging.delete(res));
      return;
    }
    if (this.mode === 'unavailable') {
      res.writeHead(503, { 'content-type': 'text/plain', 'retry-after': '30' }).end('Service Unavailable');
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of req) {
      size += (chunk as Buffer).length;
      if (size > 20 * 1024 * 1024) {
        res.writeHead(413).end();
        return;
      }
      chunks.push(chunk as Buffer);
    }
    const body = Buffer.concat(chunks).toString('utf8');
    const send = (status: number, xml: string): void => {
      res.writeHead(status, { 'content-type': 'text/xml; charset=utf-8' }).end(xml);
    };
    if (req.method !== 'POST') return send(405, soapFault('soapenv:Client', 'Only POST'));
    const op = bodyOperation(body);
    if (!op) return send(500, soapFault('soapenv:Client', 'No SOAP body'));
    this.calls[op.name] = (this.calls[op.name] ?? 0) + 1;
    const path = (req.url ?? '').replace(/\.wsdl$/, '');
    if (!this.authorised(op.inner)) {
      return send(200, this.stampResponse({ codEstatus: 'Usuario o contraseña inválidos', incidencia: ['702', 'Usuario o contraseña inválidos'] }));
    }
    if (path === '/servicios/soap/stamp' && (op.name === 'stamp' || op.name === 'sign_stamp')) return send(200, this.stamp(op.inner));
    if (path === '/servicios/soap/cancel' && op.name === 'cancel') {
      const reply = this.cancel(body, op.inner);
      return send(reply.includes(':Fault>') ? 500 : 200, reply);
    }
    if (path === '/servicios/soap/cancel' && op.name === 'get_sat_status') return send(200, this.satStatus(op.inner));
    return send(500, soapFault('soapenv:Client', `Unknown operation ${op.name} at ${path}`));
  }

  private authorised(inner: string): boolean {
    const { username, password } = this.options;
    if (username === undefined && password === undefined) return true;
    return text(inner, 'username') === username && text(inner, 'password') === password;
  }

  // ------------------------------------------------------------------ stamp
  private stamp(inner: string): string {
    const b64 = text(inner, 'xml');
    if (!b64) return this.stampResponse({ incidencia: SIM_CODES.XML_MALFORMED });
    const xml = Buffer.from(b64.replace(/\s+/g, ''), 'base64').toString('utf8');
    let doc;
    try {
      doc = parseCfdiXml(xml);
    } catch (err) {
      return this.stampResponse({ incidencia: [SIM_CODES.XML_MALFORMED[0], `${SIM_CODES.XML_MALFORMED[1]}: ${err instanceof CfdiError ? err.message : 'parse error'}`] });
    }
    const c = doc.comprobante;
    if (!c.Sello || !c.Certificado || !c.NoCertificado) return this.stampResponse({ incidencia: SIM_CODES.SELLO_INVALIDO });

    let cert: X509Certificate;
    try {
      cert = new X509Certificate(Buffer.from(c.Certificado, 'base64'));
    } catch {
      return this.stampResponse({ incidencia: SIM_CODES.NO_CERT });
    }
    if (noCertificadoFromSerial(cert.serialNumber) !== c.NoCertificado) return this.stampResponse({ incidencia: SIM_CODES.SELLO_NO_EMISOR });
    if (!verifySello(cadenaOriginal(doc), c.Sello, cert)) return this.stampResponse({ incidencia: SIM_CODES.SELLO_INVALIDO });
    // Same signed CFDI again (a retry after a lost response): the original stamp, as Finkok does (307).
    const previous = this.bySello.get(c.Sello);
    if (previous) {
      return this.stampResponse({ stored: previous, codEstatus: 'Comprobante timbrado previamente', incidencia: SIM_CODES.PREVIAMENTE });
    }
    const holder = /x500UniqueIdentifier=([A-Z&Ñ0-9]+)/.exec(cert.subject)?.[1];
    if (holder !== doc.emisor.Rfc) return this.stampResponse({ incidencia: SIM_CODES.SELLO_NO_EMISOR });
    const from = cfdiDateTime(new Date(cert.validFrom));
    const to = cfdiDateTime(new Date(cert.validTo));
    if (c.Fecha < from || c.Fecha > to) return this.stampResponse({ incidencia: SIM_CODES.CERT_FUERA_VIGENCIA });
    const nowLocal = cfdiDateTime(this.now());
    if (this.options.maxAgeHours !== undefined) {
      const oldest = cfdiDateTime(new Date(this.now().getTime() - this.options.maxAgeHours * 3600_000));
      if (c.Fecha < oldest || c.Fecha > nowLocal) return this.stampResponse({ incidencia: SIM_CODES.FECHA_FUERA_RANGO });
    }

    const tfd = signTfd(
      {
        Version: '1.1',
        UUID: randomUUID().toUpperCase(),
        FechaTimbrado: nowLocal,
        RfcProvCertif: this.options.rfcProvCertif ?? 'SIM010101AA1',
        SelloCFD: c.Sello,
        NoCertificadoSAT: this.options.noCertificadoSAT ?? '00001000000500000001',
      },
      this.key,
    );
    const stored: StoredStamp = {
      tfd,
      stampedXml: attachTfd(xml, renderTfdXml(tfd)),
      rfcEmisor: doc.emisor.Rfc,
      rfcReceptor: doc.receptor.Rfc,
      total: c.Total,
      fecha: c.Fecha,
      substitutes: doc.cfdiRelacionados.filter((r) => r.TipoRelacion === '04').flatMap((r) => r.uuids.map((u) => u.toUpperCase())),
      cancelled: false,
    };
    this.bySello.set(c.Sello, stored);
    this.byUuid.set(tfd.UUID, stored);
    return this.stampResponse({ stored, codEstatus: 'Comprobante timbrado satisfactoriamente' });
  }

  private stampResponse(r: { stored?: StoredStamp; codEstatus?: string; incidencia?: readonly [string, string] }): string {
    const s = r.stored;
    const inc = r.incidencia
      ? `<s0:Incidencias><s0:Incidencia><s0:IdIncidencia>${randomUUID()}</s0:IdIncidencia><s0:RfcEmisor/><s0:Uuid>${s?.tfd.UUID ?? ''}</s0:Uuid><s0:CodigoError>${r.incidencia[0]}</s0:CodigoError><s0:WorkProcessId/><s0:MensajeIncidencia>${escapeText(r.incidencia[1])}</s0:MensajeIncidencia><s0:ExtraInfo/><s0:NoCertificadoPac/><s0:FechaRegistro>${cfdiDateTime(this.now())}</s0:FechaRegistro></s0:Incidencia></s0:Incidencias>`
      : '<s0:Incidencias/>';
    const result = `<tns:stampResult><s0:xml>${s ? escapeText(s.stampedXml) : ''}</s0:xml><s0:UUID>${s?.tfd.UUID ?? ''}</s0:UUID><s0:faultstring/><s0:Fecha>${s?.tfd.FechaTimbrado ?? ''}</s0:Fecha><s0:CodEstatus>${escapeText(r.codEstatus ?? '')}</s0:CodEstatus><s0:faultcode/><s0:SatSeal>${s?.tfd.SelloSAT ?? ''}</s0:SatSeal>${inc}<s0:NoCertificadoSAT>${s?.tfd.NoCertificadoSAT ?? ''}</s0:NoCertificadoSAT></tns:stampResult>`;
    return `<?xml version="1.0" encoding="UTF-8"?><senv:Envelope xmlns:senv="${FINKOK_NS.soapenv}" xmlns:tns="${FINKOK_NS.stamp}" xmlns:s0="${FINKOK_NS.apps}"><senv:Body><tns:stampResponse>${result}</tns:stampResponse></senv:Body></senv:Envelope>`;
  }

  // ------------------------------------------------------------------ cancel
  /**
   * Finkok's cancel as SAT decides it, per UUID: the element must be `UUID` in apps.services.soap.core.views
   * (a client that puts it in the cancel namespace gets a SOAP fault, as from Finkok's parser); 01 needs a
   * FolioSustitucion that is a live CFDI of the same emisor relating this UUID with TipoRelacion 04; 02-04 take
   * none. Codes are SAT's EstatusUUID (SAT_CANCEL_CODES).
   */
  private cancel(envelopeXml: string, inner: string): string {
    const prefix = prefixOf(inner, 'UUID');
    if (prefix === undefined || (prefix === '' ? undefined : namespaceOf(envelopeXml, prefix)) !== FINKOK_NS.apps) {
      return soapFault('soapenv:Client', `UUIDS/UUID must be in namespace ${FINKOK_NS.apps}`);
    }
    const signerProblem = this.cancelSignerProblem(inner);
    // Finkok answers an unusable cer/key with a server fault carrying OpenSSL's message.
    if (signerProblem) return soapFault('soapenv:Server', signerProblem);
    const rfc = text(inner, 'taxpayer_id') ?? '';
    const folios: Array<{ uuid: string; estatus: string }> = [];
    for (const u of innerAll(inner, 'UUID')) {
      const a = attrsOf(u.attrs);
      const uuid = (a.UUID ?? '').toUpperCase();
      const motivo = a.Motivo ?? '';
      const folio = (a.FolioSustitucion ?? '').toUpperCase();
      const stored = this.byUuid.get(uuid);
      const substitute = folio ? this.byUuid.get(folio) : undefined;
      let estatus: string;
      if (!stored) estatus = '205';
      else if (stored.rfcEmisor !== rfc) estatus = '203';
      else if (!['01', '02', '03', '04'].includes(motivo)) estatus = '207';
      else if (motivo !== '01' && folio) estatus = '209';
      else if (motivo === '01' && !folio) estatus = '208';
      else if (motivo === '01' && (!substitute || substitute.cancelled || substitute.rfcEmisor !== rfc || substitute.fecha < stored.fecha)) estatus = '207';
      else if (motivo === '01' && !substitute!.substitutes.includes(uuid)) estatus = '212';
      else if (stored.cancelled) estatus = '202';
      else {
        stored.cancelled = true;
        stored.cancelMotivo = motivo;
        estatus = '201';
      }
      folios.push({ uuid, estatus });
    }
    const fecha = cfdiDateTime(this.now());
    // As Finkok answers: per folio UUID, EstatusUUID, EstatusCancelacion; the Acuse is SAT's CancelaCFDResponse
    // (signed by SAT; the simulator's carries the same folios, unsigned).
    const cancelacion = (e: string): string => (e === '201' || e === '202' ? 'Cancelado sin aceptación' : '');
    const folioXml = folios
      .map((f) => `<s0:Folio><s0:UUID>${escapeText(f.uuid)}</s0:UUID><s0:EstatusUUID>${f.estatus}</s0:EstatusUUID><s0:EstatusCancelacion>${cancelacion(f.estatus)}</s0:EstatusCancelacion></s0:Folio>`)
      .join('');
    const acuseFolios = folios.map((f) => `<Folios><UUID>${escapeText(f.uuid)}</UUID><EstatusUUID>${f.estatus}</EstatusUUID></Folios>`).join('');
    const acuse = `<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body><CancelaCFDResponse xmlns="http://cancelacfd.sat.gob.mx"><CancelaCFDResult Fecha="${fecha}" RfcEmisor="${escapeAttrValue(rfc)}">${acuseFolios}</CancelaCFDResult></CancelaCFDResponse></s:Body></s:Envelope>`;
    return `<?xml version="1.0" encoding="UTF-8"?><senv:Envelope xmlns:senv="${FINKOK_NS.soapenv}" xmlns:tns="${FINKOK_NS.cancel}" xmlns:s0="${FINKOK_NS.apps}"><senv:Body><tns:cancelResponse><tns:cancelResult><s0:Folios>${folioXml}</s0:Folios><s0:Acuse>${escapeText(acuse)}</s0:Acuse><s0:Fecha>${fecha}</s0:Fecha><s0:RfcEmisor>${escapeText(rfc)}</s0:RfcEmisor></tns:cancelResult></tns:cancelResponse></senv:Body></senv:Envelope>`;
  }

  /**
   * `cer` must be the CSD certificate as PEM and `key` its private key as a PEM encrypted with the account
   * password (both base64), the key matching the certificate: Finkok signs SAT's request with them.
   */
  private cancelSignerProblem(inner: string): string | undefined {
    const cer = Buffer.from(text(inner, 'cer') ?? '', 'base64').toString('utf8');
    const key = Buffer.from(text(inner, 'key') ?? '', 'base64').toString('utf8');
    if (!cer.includes('-----BEGIN CERTIFICATE-----')) return 'PEM routines:PEM_read_bio:no start line:Expecting: CERTIFICATE';
    let cert: X509Certificate;
    try {
      cert = new X509Certificate(cer);
    } catch {
      return 'asn1 encoding routines: the certificate does not parse';
    }
    let privateKey: KeyObject;
    try {
      privateKey = createPrivateKey({ key, format: 'pem', passphrase: text(inner, 'password') ?? '' });
    } catch {
      return 'EVP_DecryptFinal_ex:bad decrypt: the key must be a PEM encrypted with the account password';
    }
    const spki = (k: KeyObject): Buffer => k.export({ type: 'spki', format: 'der' });
    if (!spki(createPublicKey(privateKey)).equals(spki(cert.publicKey))) return 'X509_check_private_key:key values mismatch';
    return undefined;
  }

  /** The SAT reason a UUID was cancelled with here (tests assert the wire carried it). */
  cancelMotivoOf(uuid: string): string | undefined {
    return this.byUuid.get(uuid.toUpperCase())?.cancelMotivo;
  }

  private satStatus(inner: string): string {
    const uuid = (text(inner, 'uuid') ?? '').toUpperCase();
    const stored = this.byUuid.get(uuid);
    const estado = !stored ? 'No Encontrado' : stored.cancelled ? 'Cancelado' : 'Vigente';
    const codigo = stored ? 'S - Comprobante obtenido satisfactoriamente.' : 'N - 602: Comprobante no encontrado.';
    return `<?xml version="1.0" encoding="UTF-8"?><senv:Envelope xmlns:senv="${FINKOK_NS.soapenv}" xmlns:tns="${FINKOK_NS.cancel}" xmlns:s0="${FINKOK_NS.apps}"><senv:Body><tns:get_sat_statusResponse><tns:get_sat_statusResult><s0:sat><s0:EstatusCancelacion>${stored?.cancelled ? 'Cancelado sin aceptación' : ''}</s0:EstatusCancelacion><s0:EsCancelable>${stored ? 'Cancelable sin aceptación' : ''}</s0:EsCancelable><s0:CodigoEstatus>${codigo}</s0:CodigoEstatus><s0:Estado>${estado}</s0:Estado></s0:sat></tns:get_sat_statusResult></tns:get_sat_statusResponse></senv:Body></senv:Envelope>`;
  }
}

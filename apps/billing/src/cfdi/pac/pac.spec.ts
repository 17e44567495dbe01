import { spawn } from 'node:child_process';
import { createPrivateKey, generateKeyPairSync, verify } from 'node:crypto';
import path from 'node:path';
import { buildCfdi, sealCfdi, type SealedCfdi } from '../cfdi-builder';
import { cadenaOriginal } from '../cadena-original';
import { parseCfdiXml } from '../cfdi-xml';
import { parseTfd, tfdCadenaOriginal } from '../tfd';
import { CfdiInputBuilder } from '../testing/cfdi-input.builder';
import { demoCsd, REPO_ROOT } from '../testing/sat-dir';
import { FailoverPac } from './failover-pac';
import { FinkokPac, finkokCancelCredentials } from './finkok/finkok-pac';
import { soapFault } from './finkok/soap';
import { PacRejectedError, PacUnavailableError } from './pac.errors';
import { PacSimulator } from './simulator/pac-simulator';

let folio = 0;
function sealedInvoice(patch: (b: CfdiInputBuilder) => CfdiInputBuilder = (b) => b): SealedCfdi {
  folio += 1;
  return sealCfdi(buildCfdi(patch(CfdiInputBuilder.invoice().with({ folio: `T${folio}` }).concepto()).build()), demoCsd());
}

async function rejection(p: Promise<unknown>): Promise<PacRejectedError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(PacRejectedError);
  return err as PacRejectedError;
}

async function unavailable(p: Promise<unknown>): Promise<PacUnavailableError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(PacUnavailableError);
  return err as PacUnavailableError;
}

describe('Finkok adapter against the PAC simulator', () => {
  const sim = new PacSimulator({ username: 'demo', password: 's3cret' });
  const csd = demoCsd();
  let pac: FinkokPac;
  beforeAll(async () => {
    pac = new FinkokPac({ baseUrl: await sim.start(), username: 'demo', password: 's3cret', timeoutMs: 2000 });
  });
  afterAll(() => sim.stop());
  afterEach(() => sim.setMode('up'));

  it('stamps a sealed CFDI and returns a TFD 1.1 signed by the PAC over the CFDI seal', async () => {
    const sealed = sealedInvoice((b) => b.receptor({ nombre: 'JOSÉ PEÑA & ASOCIADOS "LA NORIA"' }));
    const r = await pac.stamp(sealed.xml);
    expect(r.uuid).toMatch(/^[0-9A-F]{8}-[0-9A-F]{4}-4[0-9A-F]{3}-[89AB][0-9A-F]{3}-[0-9A-F]{12}$/);
    expect(r.previouslyStamped).toBe(false);
    expect(r.provider).toBe('finkok');
    const tfd = parseTfd(r.stampedXml);
    expect(tfd).toMatchObject({ UUID: r.uuid, SelloCFD: sealed.sello, NoCertificadoSAT: r.noCertificadoSAT, SelloSAT: r.selloSAT });
    expect(r.tfdXml).toContain(`UUID="${r.uuid}"`);
    expect(verify('sha256', Buffer.from(tfdCadenaOriginal(tfd)), sim.publicKey, Buffer.from(r.selloSAT, 'base64'))).toBe(true);
    // The signed part is untouched: the stamped document is the sealed one plus the complement.
    expect(r.stampedXml.replace(/<cfdi:Complemento>.*<\/cfdi:Complemento>/, '')).toBe(sealed.xml);
    expect(cadenaOriginal(parseCfdiXml(r.stampedXml))).toBe(sealed.cadenaOriginal);
  });

  it('is idempotent: the same CFDI gets the same UUID (Finkok 307)', async () => {
    const sealed = sealedInvoice();
    const before = sim.stampedCount;
    const first = await pac.stamp(sealed.xml);
    const again = await pac.stamp(sealed.xml);
    expect(again.uuid).toBe(first.uuid);
    expect(again.stampedXml).toBe(first.stampedXml);
    expect(again.previouslyStamped).toBe(true);
    expect(sim.stampedCount).toBe(before + 1);
  });

  it('rejects a CFDI altered after sealing with 302 Sello mal formado o inválido', async () => {
    const sealed = sealedInvoice();
    const tampered = sealed.xml.replace(/ Total="([0-9.]+)"/, ' Total="1.00"');
    const err = await rejection(pac.stamp(tampered));
    expect(err.satCode).toBe('302');
    expect(err.satMessage).toBe('Sello mal formado o inválido');
    expect(err.code).toBe('BILLING.PAC_REJECTED');
  });

  it('rejects a seal whose certificate is not the emisor\'s (303) and malformed XML (301)', async () => {
    const other = sealedInvoice((b) => b.emisor({ rfc: 'AAA010101AAA', nombre: 'OTRA SA' }));
    expect((await rejection(pac.stamp(other.xml))).satCode).toBe('303');
    expect((await rejection(pac.stamp('<cfdi:Comprobante'))).satCode).toBe('301');
  });

  it('treats bad credentials as this PAC being unusable (transient, so failover can move on)', async () => {
    const wrong = new FinkokPac({ baseUrl: sim.url, username: 'demo', password: 'nope' });
    const err = await unavailable(wrong.stamp(sealedInvoice().xml));
    expect(err.message).toContain('702');
  });

  it.each(['unavailable', 'reset', 'hang'] as const)('reports a PAC that is %s as transient', async (mode) => {
    sim.setMode(mode);
    const quick = new FinkokPac({ baseUrl: sim.url, username: 'demo', password: 's3cret', timeoutMs: 300 });
    const err = await unavailable(quick.stamp(sealedInvoice().xml));
    expect(err.transient).toBe(true);
    expect(err.code).toBe('BILLING.PAC_UNAVAILABLE');
  });

  it('cancels (201, then 202 already cancelled) and reports the SAT status', async () => {
    const sealed = sealedInvoice();
    const { uuid } = await pac.stamp(sealed.xml);
    expect(await pac.status(uuid, { rfcEmisor: 'EKU9003173C9' })).toMatchObject({ uuid, estado: 'Vigente' });
    expect(await pac.cancel(uuid, 'EKU9003173C9', '02', undefined, csd)).toMatchObject({ uuid, estatusUuid: '201' });
    expect(await pac.cancel(uuid, 'EKU9003173C9', '02', undefined, csd)).toMatchObject({ estatusUuid: '202' });
    expect((await pac.status(uuid)).estado).toBe('Cancelado');
    expect((await pac.status('00000000-0000-4000-8000-000000000000')).estado).toBe('No Encontrado');
  });

  it.each(['02', '03', '04'] as const)('cancels with reason %s: the UUID element in the apps namespace, FolioSustitucion empty', async (motivo) => {
    const { uuid } = await pac.stamp(sealedInvoice().xml);
    const bodies: string[] = [];
    const spy = new FinkokPac({
      baseUrl: sim.url,
      username: 'demo',
      password: 's3cret',
      fetch: (url, init) => {
        bodies.push(String(init?.body));
        return fetch(url, init);
      },
    });
    const r = await spy.cancel(uuid, 'EKU9003173C9', motivo, undefined, csd);
    expect(r).toMatchObject({ uuid, estatusUuid: '201', estatusCancelacion: 'Cancelado sin aceptación' });
    expect(sim.cancelMotivoOf(uuid)).toBe(motivo);
    // Finkok's wire format: <can:UUIDS><apps:UUID UUID=".." FolioSustitucion="" Motivo=".."/></can:UUIDS>.
    expect(bodies[0]).toContain(`xmlns:apps="apps.services.soap.core.views"`);
    expect(bodies[0]).toContain(`<can:UUIDS><apps:UUID UUID="${uuid}" FolioSustitucion="" Motivo="${motivo}"/></can:UUIDS>`);
    // cer: the CSD certificate as PEM; key: its private key as a PEM encrypted with the Finkok password; both base64.
    const field = (name: string) => Buffer.from(new RegExp(`<can:${name}>([^<]*)</can:${name}>`).exec(bodies[0])![1], 'base64').toString('utf8');
    expect(field('cer')).toMatch(/^-----BEGIN CERTIFICATE-----\n/);
    expect(field('key')).toMatch(/^-----BEGIN ENCRYPTED PRIVATE KEY-----\n/);
    expect(createPrivateKey({ key: field('key'), passphrase: 's3cret' }).asymmetricKeyType).toBe('rsa');
    expect(() => createPrivateKey({ key: field('key'), passphrase: 'other' })).toThrow();
    expect(r.acuse).toContain('CancelaCFDResult');
    expect(r.acuse).toContain(`<UUID>${uuid}</UUID><EstatusUUID>201</EstatusUUID>`);
  });

  it('cancels with reason 01 citing the substitute that relates the UUID with TipoRelacion 04', async () => {
    const { uuid } = await pac.stamp(sealedInvoice().xml);
    const substitute = await pac.stamp(sealedInvoice((b) => b.with({ relacionados: [{ tipoRelacion: '04', uuids: [uuid] }] })).xml);
    expect(await pac.cancel(uuid, 'EKU9003173C9', '01', substitute.uuid, csd)).toMatchObject({ estatusUuid: '201' });
    expect(sim.cancelMotivoOf(uuid)).toBe('01');
    expect((await pac.status(uuid)).estado).toBe('Cancelado');
    expect((await pac.status(substitute.uuid)).estado).toBe('Vigente');
  });

  it('refuses 01 without a substitute before sending anything (SAT 208), and a substitute on 02-04 (209)', async () => {
    const { uuid } = await pac.stamp(sealedInvoice().xml);
    const calls = sim.calls.cancel ?? 0;
    const no01 = await rejection(pac.cancel(uuid, 'EKU9003173C9', '01', undefined, csd));
    expect(no01.satCode).toBe('208');
    expect(no01.message).toMatch(/FolioSustitucion/);
    expect((await rejection(pac.cancel(uuid, 'EKU9003173C9', '02', uuid, csd))).satCode).toBe('209');
    expect(sim.calls.cancel ?? 0).toBe(calls);
    expect((await pac.status(uuid)).estado).toBe('Vigente');
  });

  it('answers as SAT does to cancellations it refuses', async () => {
    const { uuid } = await pac.stamp(sealedInvoice().xml);
    const unrelated = await pac.stamp(sealedInvoice().xml);
    // A client that skips the adapter's checks, to see the PAC's own answers on the wire.
    const creds = finkokCancelCredentials(csd, 's3cret');
    const raw = async (attrs: string, rfc = 'EKU9003173C9', ns = 'apps.services.soap.core.views'): Promise<{ status: number; body: string }> => {
      const res = await fetch(`${sim.url}/servicios/soap/cancel.wsdl`, {
        method: 'POST',
        headers: { 'content-type': 'text/xml' },
        body: `<?xml version="1.0"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:can="http://facturacion.finkok.com/cancel" xmlns:x="${ns}"><soapenv:Body><can:cancel><can:UUIDS><x:UUID ${attrs}/></can:UUIDS><can:username>demo</can:username><can:password>s3cret</can:password><can:taxpayer_id>${rfc}</can:taxpayer_id><can:cer>${creds.cerPemBase64}</can:cer><can:key>${creds.keyPemBase64}</can:key></can:cancel></soapenv:Body></soapenv:Envelope>`,
      });
      return { status: res.status, body: await res.text() };
    };
    const code = async (attrs: string, rfc?: string): Promise<string | undefined> => /<s0:EstatusUUID>(\d+)</.exec((await raw(attrs, rfc)).body)?.[1];
    expect(await code(`UUID="${uuid}" FolioSustitucion="" Motivo="01"`)).toBe('208');
    expect(await code(`UUID="${uuid}" FolioSustitucion="${unrelated.uuid}" Motivo="02"`)).toBe('209');
    expect(await code(`UUID="${uuid}" FolioSustitucion="${unrelated.uuid}" Motivo="01"`)).toBe('212'); // does not relate it with 04
    expect(await code(`UUID="${uuid}" FolioSustitucion="00000000-0000-4000-8000-000000000000" Motivo="01"`)).toBe('207'); // substitute unknown
    expect(await code(`UUID="${uuid}" FolioSustitucion="" Motivo="05"`)).toBe('207');
    expect(await code(`UUID="${uuid}" FolioSustitucion="" Motivo="02"`, 'AAA010101AAA')).toBe('203');
    expect(await code(`UUID="00000000-0000-4000-8000-000000000000" FolioSustitucion="" Motivo="02"`)).toBe('205');
    const wrongNs = await raw(`UUID="${uuid}" FolioSustitucion="" Motivo="02"`, 'EKU9003173C9', 'http://facturacion.finkok.com/cancel');
    expect(wrongNs.status).toBe(500);
    expect(wrongNs.body).toContain('soapenv:Client');
    expect((await pac.status(uuid)).estado).toBe('Vigente');
    // Through the adapter, the SAT code is the error's.
    expect((await rejection(pac.cancel(uuid, 'AAA010101AAA', '03', undefined, csd))).satCode).toBe('203');
  });

  it('needs the CSD to cancel: no cer/key, a key under another password or another key are permanent CSD rejections, nothing cancelled', async () => {
    const { uuid } = await pac.stamp(sealedInvoice().xml);
    const noSigner = await rejection(pac.cancel(uuid, 'EKU9003173C9', '02'));
    expect(noSigner.code).toBe('BILLING.PAC_CSD_UNUSABLE');
    expect(noSigner.transient).toBe(false);
    expect(noSigner.satMessage).toContain('Expecting: CERTIFICATE');
    const otherPassword = new FinkokPac({ baseUrl: sim.url, username: 'demo', password: 's3cret', cancelCredentials: finkokCancelCredentials(csd, 'not-the-account-password') });
    const badDecrypt = await rejection(otherPassword.cancel(uuid, 'EKU9003173C9', '02'));
    expect([badDecrypt.code, badDecrypt.satMessage]).toEqual(['BILLING.PAC_CSD_UNUSABLE', expect.stringContaining('bad decrypt')]);
    const stranger = { certificadoBase64: csd.certificadoBase64, privateKey: generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey };
    const mismatch = await rejection(pac.cancel(uuid, 'EKU9003173C9', '02', undefined, stranger));
    expect([mismatch.code, mismatch.satMessage]).toEqual(['BILLING.PAC_CSD_UNUSABLE', expect.stringContaining('key values mismatch')]);
    // Failover does not move on to another PAC with the same unusable CSD.
    expect((await rejection(new FailoverPac([pac, pac]).cancel(uuid, 'EKU9003173C9', '02'))).code).toBe('BILLING.PAC_CSD_UNUSABLE');
    expect((await pac.status(uuid)).estado).toBe('Vigente');
  });

  it('keeps a Server fault that is not about the CSD (an outage behind Finkok) transient', async () => {
    const fault = soapFault('soapenv:Server', 'Error interno: no fue posible conectar con el SAT');
    const outage = new FinkokPac({ baseUrl: sim.url, username: 'demo', password: 's3cret', fetch: async () => new Response(fault, { status: 500 }) });
    const err = await unavailable(outage.cancel('0E5B2D6C-0000-4000-8000-000000000001', 'EKU9003173C9', '02', undefined, csd));
    expect(err.code).toBe('BILLING.PAC_UNAVAILABLE');
    expect(err.message).toContain('no fue posible conectar');
  });
});

describe('FailoverPac', () => {
  const a = new PacSimulator();
  const b = new PacSimulator();
  let pacA: FinkokPac;
  let pacB: FinkokPac;
  beforeAll(async () => {
    pacA = new FinkokPac({ name: 'pac-a', baseUrl: await a.start(), username: 'u', password: 'p', timeoutMs: 1000 });
    pacB = new FinkokPac({ name: 'pac-b', baseUrl: await b.start(), username: 'u', password: 'p', timeoutMs: 1000 });
  });
  afterAll(async () => {
    await a.stop();
    await b.stop();
  });
  beforeEach(() => {
    a.setMode('up');
    b.setMode('up');
  });

  it('uses the first provider when it is up', async () => {
    const r = await new FailoverPac([pacA, pacB]).stamp(sealedInvoice().xml);
    expect(r.provider).toBe('pac-a');
  });

  it('moves to the next provider on a transient failure', async () => {
    a.setMode('unavailable');
    const before = b.stampedCount;
    const r = await new FailoverPac([pacA, pacB]).stamp(sealedInvoice().xml);
    expect(r.provider).toBe('pac-b');
    expect(b.stampedCount).toBe(before + 1);
  });

  it('does not retry a rejection on another provider', async () => {
    const bCalls = b.calls.stamp ?? 0;
    const tampered = sealedInvoice().xml.replace(/ SubTotal="/, ' SubTotal="9');
    const err = await rejection(new FailoverPac([pacA, pacB]).stamp(tampered));
    expect(err.provider).toBe('pac-a');
    expect(b.calls.stamp ?? 0).toBe(bCalls);
  });

  it('throws one transient error listing every attempt when all are down, and stamps once when one returns', async () => {
    a.setMode('reset');
    b.setMode('unavailable');
    const failover = new FailoverPac([pacA, pacB]);
    const sealed = sealedInvoice();
    const err = await unavailable(failover.stamp(sealed.xml));
    expect(err.attempts.map((x) => x.provider)).toEqual(['pac-a', 'pac-b']);
    // The retry queue tries again later: same XML, stamped exactly once even when retried twice.
    b.setMode('up');
    const first = await failover.stamp(sealed.xml);
    const retry = await failover.stamp(sealed.xml);
    expect(first.provider).toBe('pac-b');
    expect(retry.uuid).toBe(first.uuid);
    expect(retry.previouslyStamped).toBe(true);
  });

  it('fails over cancel and status too', async () => {
    const failover = new FailoverPac([pacA, pacB]);
    const { uuid } = await pacB.stamp(sealedInvoice().xml);
    a.setMode('unavailable');
    expect(await failover.status(uuid)).toMatchObject({ estado: 'Vigente' });
    expect(await failover.cancel(uuid, 'EKU9003173C9', '03', undefined, demoCsd())).toMatchObject({ estatusUuid: '201' });
  });
});

describe('standalone simulator', () => {
  it('starts with node -r @swc-node/register and stamps', async () => {
    const child = spawn(process.execPath, ['-r', '@swc-node/register', path.join(__dirname, 'simulator/main.ts')], {
      cwd: REPO_ROOT,
      env: { ...process.env, PAC_SIM_PORT: '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let out = '';
        const timer = setTimeout(() => reject(new Error(`simulator did not start: ${out}`)), 20_000);
        child.stdout.on('data', (d: Buffer) => {
          out += d.toString();
          const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
          if (m) {
            clearTimeout(timer);
            resolve(m[1]);
          }
        });
        child.on('exit', (code) => reject(new Error(`simulator exited ${code}`)));
      });
      const r = await new FinkokPac({ baseUrl: url, username: 'x', password: 'y' }).stamp(sealedInvoice().xml);
      expect(r.uuid).toHaveLength(36);
    } finally {
      child.kill('SIGTERM');
    }
  }, 30_000);
});

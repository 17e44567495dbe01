// The demo's main job, meter to cash, run by `npm start` (and `--once`) after the seed, through the
// gateway as the demo admin, the way an operator would:
//   1. billing setup: the tenant's fiscal data with the public test CSD (apps/billing/csd-test) and the
//      demo tariff schedule (POST /billing/settings, POST /tariffs/import);
//   2. readings: a handheld-terminal CSV with the closing reading of the last closed month/bimester for
//      the first DEMO_METERS demo meters (POST /readings/import);
//   3. metering closes those periods (POST /consumption/close-period): billable consumption events;
//   4. once billing holds them, a bill run per period (POST /bill-runs, GET /bill-runs/:id);
//   5. stamping through the local PAC simulator (billing's stamp queue), then a summary with one
//      invoice's UUID and PDF URL (the PDF is fetched to prove it is served).
// Idempotent: a re-run finds the settings, the same schedule version, the readings and closed periods,
// and the invoices (the bill run skips them as `exists`); the summary reports what is there.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import { periodFor, previousPeriod, type BillingPeriod } from '@supra/domain/periods';

const ROOT = join(__dirname, '..', '..');
const CSD_DIR = join(ROOT, 'apps', 'billing', 'csd-test');
const TENANT = 'demo';
const TIME_ZONE = 'America/Mexico_City';
/** Meters that get a closing reading: enough to show a cycle, few enough for a laptop's start-up. */
const DEMO_METERS = Number(process.env.SUPRA_DEMO_BILLED_METERS ?? 200);
const WAIT_MS = Number(process.env.SUPRA_DEMO_WAIT_MS ?? 120_000);

const out = (line: string): void => void process.stdout.write(`[meter-to-cash] ${line}\n`);
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

class Api {
  private token = '';
  constructor(private readonly base: string) {}

  async login(password: string): Promise<void> {
    const r = await this.raw('POST', '/auth/login', { tenant: TENANT, email: `admin@${TENANT}.supra.local`, password });
    this.token = (r as { accessToken: string }).accessToken;
  }

  /** A tenant route (`/{tenant}/v1…`); problem details become errors carrying their `code`. */
  call<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
    return this.raw(method, `/${TENANT}/v1${path}`, body) as Promise<T>;
  }

  async fetchFile(path: string): Promise<{ status: number; contentType: string; bytes: number }> {
    const res = await fetch(`${this.base}/${TENANT}/v1${path}`, { headers: { authorization: `Bearer ${this.token}` }, signal: AbortSignal.timeout(30_000) });
    return { status: res.status, contentType: res.headers.get('content-type') ?? '', bytes: (await res.arrayBuffer()).byteLength };
  }

  private async raw(method: string, path: string, body?: unknown): Promise<unknown> {
    const res = await fetch(`${this.base}${path}`, {
      method,
      headers: { 'content-type': 'application/json', ...(this.token ? { authorization: `Bearer ${this.token}` } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(60_000),
    });
    const text = await res.text();
    const json = text ? (JSON.parse(text) as Record<string, unknown>) : {};
    if (!res.ok) {
      const err = new Error(`${method} ${path}: HTTP ${res.status} ${String(json.code ?? '')} ${String(json.detail ?? json.title ?? text.slice(0, 200))}`);
      (err as Error & { code?: unknown; status?: number }).code = json.code;
      (err as Error & { status?: number }).status = res.status;
      throw err;
    }
    return json;
  }
}

async function until<T>(what: string, fn: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + WAIT_MS;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${WAIT_MS / 1000}s waiting for ${what}`);
    await sleep(500);
  }
}

/** 10:00 local on the period's last day, as an instant (Mexico City has had no DST since 2022: UTC-6). */
const closingReadAt = (p: BillingPeriod): string => new Date(p.end.getTime() - 14 * 3600_000).toISOString();

/** A plausible register for meter i at the closing reading: 6–45 m³ since installation, litre resolution. */
const registerOf = (i: number, extra: number): string => (6 + ((i * 37) % 40) + extra + ((i * 113) % 1000) / 1000).toFixed(3);

async function setUpBilling(api: Api): Promise<void> {
  const current = await api.call<{ csd: unknown }>('GET', '/billing/settings').catch((e: { code?: string }) => {
    if (e.code === 'BILLING.FISCAL_SETTINGS_MISSING') return undefined;
    throw e;
  });
  if (!current?.csd) {
    await api.call('POST', '/billing/settings', {
      // The SAT's public test taxpayer: its CSD is the only one a sandbox PAC (and our simulator) accepts for it.
      rfc: 'EKU9003173C9',
      nombre: 'ESCUELA KEMPER URGATE',
      regimenFiscal: '601',
      lugarExpedicion: '76000',
      dueDays: 15,
      csd: {
        cer: readFileSync(join(CSD_DIR, 'EKU9003173C9.cer')).toString('base64'),
        key: readFileSync(join(CSD_DIR, 'EKU9003173C9.key')).toString('base64'),
        password: readFileSync(join(CSD_DIR, 'EKU9003173C9.password.bin'), 'utf8').replace(/\r?\n$/, ''),
      },
    });
    out('billing: fiscal data and test CSD EKU9003173C9 stored (key encrypted at rest)');
  } else {
    out('billing: fiscal data and CSD already set');
  }
  const schedule = JSON.parse(readFileSync(join(ROOT, 'apps/billing/src/tariffs/rating/fixtures/demo-schedule.json'), 'utf8')) as Record<string, unknown>;
  const imported = await api.call<{ outcome: string; scheduleId: string; version: number }>('POST', '/tariffs/import', { document: schedule }).catch((e: { code?: string }) => {
    // A database billed with an earlier edit of the fixture keeps that version: used versions are immutable.
    if (e.code === 'BILLING.TARIFF_VERSION_IN_USE') return { outcome: 'kept: already used to bill', scheduleId: String(schedule.id), version: Number(schedule.version) };
    throw e;
  });
  out(`billing: tariff schedule ${imported.scheduleId} v${imported.version} (${imported.outcome})`);
}

async function main(): Promise<void> {
  const gateway = process.env.SUPRA_GATEWAY_URL ?? 'http://127.0.0.1:3000';
  const db = new Client({ connectionString: process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/supra' });
  await db.connect();
  try {
    const tenantId = ((await db.query(`SELECT id FROM identity.tenants WHERE slug = $1`, [TENANT])).rows[0] as { id: string } | undefined)?.id;
    if (!tenantId) throw new Error(`tenant ${TENANT} is not seeded`);
    const count = async (sql: string, params: unknown[]): Promise<number> => Number(((await db.query(sql, params)).rows[0] as { n: string }).n);

    const api = new Api(gateway);
    await api.login(process.env.SUPRA_DEMO_PASSWORD ?? 'supra-demo');

    // The read models are fed by events: wait until metering and billing know the demo's contracts.
    const contracts = await count(`SELECT count(*) AS n FROM customer.contracts WHERE tenant_id = $1`, [tenantId]);
    await until('metering and billing to receive the demo contracts', async () =>
      (await count(`SELECT count(*) AS n FROM metering.contracts WHERE tenant_id = $1`, [tenantId])) >= contracts &&
      (await count(`SELECT count(*) AS n FROM billing.contracts WHERE tenant_id = $1`, [tenantId])) >= contracts
        ? true
        : undefined,
    );

    // The last closed month and bimester in the tenant's zone (their closing readings may be the same day).
    const now = new Date();
    const periods = [previousPeriod(periodFor(now, TIME_ZONE, 'monthly')), previousPeriod(periodFor(now, TIME_ZONE, 'bimonthly'))];
    const keys = periods.map((p) => p.key);
    out(`closed periods: ${keys.join(' (monthly contracts), ')} (bimonthly contracts)`);

    // Readings first, billing set up after the consumption arrived, so the bill run (not the event path) issues.
    const ends = [...new Map(periods.map((p) => [closingReadAt(p), p])).keys()].sort();
    const lines = ['serial,read_at,value_m3,reader'];
    for (let i = 0; i < DEMO_METERS; i++) {
      const serial = `SIM-${String(i + 1).padStart(6, '0')}`;
      ends.forEach((at, k) => lines.push(`${serial},${at},${registerOf(i, k * 15)},demo-reader`));
    }
    const imp = await api.call<{ accepted: number; flagged: number; rejected: unknown[] }>('POST', '/readings/import', { csv: `${lines.join('\n')}\n`, fileName: `demo-${keys.join('-')}.csv` });
    out(`metering: reading file of ${lines.length - 1} lines: ${imp.accepted} accepted, ${imp.flagged} flagged, ${imp.rejected.length} rejected${imp.rejected.length ? ' (read on an earlier run)' : ''}`);
    for (const p of periods) {
      const closed = await api.call<{ computed: number; alreadyClosed: number; estimated: number; skipped: unknown[] }>('POST', '/consumption/close-period', { period: p.key, timeZone: TIME_ZONE });
      out(`metering: close ${p.key}: ${closed.computed} billable consumptions emitted, ${closed.alreadyClosed} already closed, ${closed.skipped.length} tomas without readings`);
    }
    const emitted = await count(`SELECT count(*) AS n FROM metering.billable_consumptions WHERE tenant_id = $1 AND period = ANY($2)`, [tenantId, keys]);
    await until(`billing to receive ${emitted} billable consumptions`, async () =>
      (await count(`SELECT count(*) AS n FROM billing.consumptions WHERE tenant_id = $1 AND period = ANY($2)`, [tenantId, keys])) >= emitted ? true : undefined,
    );
    out(`billing: ${emitted} billable consumptions received`);

    await setUpBilling(api);

    let issued = 0;
    let failed = 0;
    for (const key of keys) {
      const started = await api.call<{ id: string }>('POST', '/bill-runs', { period: key });
      const run = await until(`bill run ${key}`, async () => {
        const r = await api.call<{ status: string; processed: number; issued: number; held: number; skips: Record<string, number>; failed: number; failures: Array<{ contractId: string; code: string; message: string }>; totalAmount: string; error: string | null }>('GET', `/bill-runs/${started.id}`);
        return r.status === 'running' ? undefined : r;
      });
      if (run.status !== 'completed') throw new Error(`bill run ${key} ${run.status}: ${run.error ?? ''}`);
      issued += run.issued;
      out(`billing: bill run ${key}: ${run.processed} contracts, ${run.issued} issued ($${run.totalAmount}), ${run.held} held for review, ${run.failed} failed, skipped ${JSON.stringify(run.skips)}`);
      for (const f of run.failures ?? []) out(`  failed: contract ${f.contractId}: ${f.code} ${f.message}`);
      failed += run.failed;
      // A contract the demo tariff cannot price is a defect of the demo, not a detail.
      if (run.skips.no_tariff) throw new Error(`bill run ${key}: ${run.skips.no_tariff} contracts have no class in the demo tariff`);
    }

    type InvoicePage = { data: Array<{ id: string; uuid: string | null; serie: string | null; folio: string | null; total: string; status: string }>; page: { total: number } };
    const totals = async (): Promise<{ all: number; stamped: number }> => {
      let all = 0;
      let stamped = 0;
      for (const period of keys) {
        all += (await api.call<InvoicePage>('GET', `/invoices?kind=I&period=${period}&size=1`)).page.total;
        stamped += (await api.call<InvoicePage>('GET', `/invoices?kind=I&period=${period}&status=stamped&size=1`)).page.total;
      }
      return { all, stamped };
    };
    // Drafts held for review are not stamped; everything else leaves the queue through the PAC simulator.
    const held = await count(`SELECT count(*) AS n FROM billing.invoices WHERE tenant_id = $1 AND period = ANY($2) AND status = 'draft'`, [tenantId, keys]);
    const t = await until('stamping through the PAC simulator', async () => {
      const x = await totals();
      return x.stamped + held >= x.all ? x : undefined;
    });
    out(`billing: ${t.all} invoices for ${keys.join(' and ')} (${issued} issued by this run), ${t.stamped} stamped through the local PAC simulator, ${held} held for review`);

    const sample = (await api.call<InvoicePage>('GET', `/invoices?kind=I&period=${keys[0]}&status=stamped&size=1`)).data[0]
      ?? (await api.call<InvoicePage>('GET', `/invoices?kind=I&period=${keys[1]}&status=stamped&size=1`)).data[0];
    if (!sample) throw new Error('no stamped invoice to show');
    const pdfPath = `/invoices/${sample.id}/pdf`;
    const pdf = await api.fetchFile(pdfPath);
    if (pdf.status !== 200 || !pdf.contentType.startsWith('application/pdf')) throw new Error(`GET ${pdfPath}: HTTP ${pdf.status} ${pdf.contentType}`);
    out(`invoice ${sample.serie ?? ''}-${sample.folio ?? ''} total $${sample.total}: UUID ${sample.uuid}`);
    out(`  PDF: ${gateway}/${TENANT}/v1${pdfPath} (${pdf.bytes} bytes, ${pdf.contentType}; needs the admin's bearer token)`);
    if (failed) throw new Error(`${failed} contracts failed in the bill runs (listed above): the demo must bill every contract`);
  } finally {
    await db.end();
  }
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    process.stderr.write(`[meter-to-cash] failed: ${(e as Error).message}\n`);
    process.exit(1);
  },
);

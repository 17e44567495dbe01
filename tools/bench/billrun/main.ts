/**
 * Bill-run benchmark: `npm run bench:billrun -- --contracts 100000 [--workers 2] [--batch 500]`.
 *
 * (a) ceiling: rate, build and seal the same number of CFDIs in memory (no database), on the same sealer pool
 *     (worker threads) the service uses, pipelined as the service pipelines its pages;
 * (b) a full bill run of that many contracts end to end on PostgreSQL: cursor over the cycle, rating, CFDI
 *     build, cadena, seal, invoice and line rows, stamping-queue rows and outbox events (PAC stamping excluded:
 *     the stamping worker is off; the outbox relay drains afterwards unless --relay-during).
 * Options: --relay-during, --no-analyze, --explain-slow <ms>, --phase ceiling|full (see docs/services/billing.md).
 * Prints `RESULT billrun invoices_per_s=<> ceiling_per_s=<> ratio=<> rss_mb=<peak> relay=<> relay_per_s=<>` last.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Client } from 'pg';
import { Dec } from '@supra/domain/money';
import { bootstrapService } from '@supra/platform/runtime';
import { createTestDatabase, testInfra, testNamespace } from '@supra/platform/testing';
import { OutboxRelay, RpcClient, Streams } from '@supra/platform/messaging';
import { loadCsd, cfdiDateTime, type CfdiInput } from '../../../apps/billing/src/cfdi';
import { BillRunsService } from '../../../apps/billing/src/bill-runs/bill-runs.service';
import type { ContractProfile } from '../../../apps/billing/src/directory/directory.service';
import { cfdiInputFor, composeInvoice, toConcepto } from '../../../apps/billing/src/invoices/invoice-composer';
import { SealerPool } from '../../../apps/billing/src/sealing/sealer-pool';
import { billingService } from '../../../apps/billing/src/service.definition';
import { parseSchedule } from '../../../apps/billing/src/tariffs/rating';
import demo from '../../../apps/billing/src/tariffs/rating/fixtures/demo-schedule.json';

const arg = (name: string, def: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : def;
};
const N = arg('contracts', 20_000);
const WORKERS = arg('workers', 2);
const BATCH = arg('batch', 500);
/** `--phase ceiling|full` runs one half only (profiling); the RESULT line needs both. */
const PHASE = process.argv.includes('--phase') ? process.argv[process.argv.indexOf('--phase') + 1] : 'both';
/**
 * Publication of the outbox (the relay, platform code measured by bench:events) is reported separately, like PAC
 * stamping: by default the relay is off during the run and then drains the outbox alone (`relay_per_s`);
 * `--relay-during` runs it concurrently, as a service does, and then `invoices_per_s` includes its cost.
 */
const RELAY_DURING = process.argv.includes('--relay-during');
/** `--explain-slow <ms>`: log the plans of slower statements (auto_explain) to diagnose a slowdown. */
const EXPLAIN_MS = arg('explain-slow', 0);
const CSD_DIR = path.join(__dirname, '../../../apps/billing/csd-test');

let peakRss = 0;
/** CPU per invoice of each phase: their ratio does not depend on what else the machine runs (wall rates do). */
let ceilingCpuUs = NaN;
let fullCpuUs = NaN;
const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 50);
sampler.unref();

const emisor = { emisor: { rfc: 'EKU9003173C9', nombre: 'ESCUELA KEMPER URGATE', regimenFiscal: '601' }, lugarExpedicion: '76000', holdFactor: '3' };
const m3Of = (i: number): string => new Dec((i * 7919) % 4500).div(100).toFixed(3); // 0 .. 45 m3, deterministic

function profile(i: number): ContractProfile {
  return {
    contractId: randomUUID(), contractNumber: `C-${i}`, status: 'activo', tariffCategory: 'domestica_media', billingPeriod: 'mensual', endDate: null,
    tomaId: randomUUID(), tomaNumber: `T-${i}`, billingType: 'medido', unitsServed: 1, personId: randomUUID(),
    person: i % 3 === 0
      ? { name: 'INGRID XODAR JIMENEZ', rfc: 'XOJI740919U48', regimenFiscal: '612', usoCfdi: 'G03', postalCode: '76028' }
      : { name: `USUARIO ${i}`, rfc: null, regimenFiscal: null, usoCfdi: null, postalCode: null },
  };
}

async function ceiling(): Promise<number> {
  const csd = loadCsd({
    cer: readFileSync(path.join(CSD_DIR, 'EKU9003173C9.cer')),
    key: readFileSync(path.join(CSD_DIR, 'EKU9003173C9.key')),
    password: readFileSync(path.join(CSD_DIR, 'EKU9003173C9.password.bin'), 'utf8').replace(/\r?\n$/, ''),
  });
  const cred = { noCertificado: csd.noCertificado, certificadoBase64: csd.certificadoBase64, privateKey: csd.privateKey };
  const schedule = parseSchedule(demo);
  const pool = new SealerPool(WORKERS);
  await pool.seal([], cred);
  // Warm the workers (module load, JIT) outside the measurement, as the service's pool is warm.
  let fecha = cfdiDateTime(new Date()); // the service formats it once per page too
  const warm = (i: number): CfdiInput => build(i);
  const build = (i: number): CfdiInput => {
    const c = composeInvoice({ tenant: emisor, profile: profile(i), period: '2026-11', ratingDate: '2026-11-01', schedule: { rowId: 'x', document: schedule, tariffClass: 'domestica' },
      consumption: { billableId: randomUUID(), m3: m3Of(i), adjustmentM3: '0.000', estimated: false, provenance: {} }, overdue: [], history: [] });
    return cfdiInputFor({ tenant: emisor, receptor: c.receptor, conceptos: c.lines.map((l) => toConcepto(l.rated)), serie: 'A', folio: String(i + 1), fecha, condiciones: 'Periodo 2026-11' });
  };
  await pool.seal(Array.from({ length: 200 }, (_, i) => warm(i)), cred);
  // Same parallelism as the service's bill run: the main thread builds batch k+1 while the workers seal batch k.
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  let sealed = 0;
  let inFlight: Promise<void> = Promise.resolve();
  for (let i = 0; i < N; i += BATCH) {
    fecha = cfdiDateTime(new Date());
    const inputs = Array.from({ length: Math.min(BATCH, N - i) }, (_, k) => build(i + k));
    const prev = inFlight;
    const job = pool.seal(inputs, cred).then((out) => void (sealed += out.filter((o) => o.ok).length));
    await prev;
    inFlight = job;
  }
  await inFlight;
  const s = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  ceilingCpuUs = (cpu.user + cpu.system) / N;
  process.stdout.write(`ceiling cpu per invoice: ${ceilingCpuUs.toFixed(0)} us (main + sealing workers); wall ${((s * 1e6) / N).toFixed(0)} us\n`);
  await pool.close();
  if (sealed !== N) throw new Error(`ceiling sealed ${sealed} of ${N}`);
  return N / s;
}

async function fullRun(): Promise<{ perS: number; issued: number; relayPerS: number }> {
  const tdb = await createTestDatabase('supra_bench');
  const ns = testNamespace();
  if (EXPLAIN_MS > 0) {
    // Diagnosis: plans of statements slower than this go to the PostgreSQL server log.
    const su = new Client({ connectionString: tdb.url });
    await su.connect();
    const db = (await su.query<{ d: string }>('SELECT current_database() AS d')).rows[0].d;
    await su.query(`ALTER DATABASE "${db}" SET session_preload_libraries = 'auto_explain'`);
    await su.query(`ALTER DATABASE "${db}" SET auto_explain.log_min_duration = '${EXPLAIN_MS}ms'`);
    await su.end();
  }
  const rt = await bootstrapService(RELAY_DURING ? billingService : { ...billingService, relay: false }, {
    envOverrides: {
      DATABASE_URL: tdb.url, SUPRA_NAMESPACE: ns, NATS_URL: (await testInfra()).natsUrl, HTTP_PORT: '0', LOG_LEVEL: 'warn',
      BILLING_SEAL_WORKERS: String(WORKERS), BILLING_BATCH_SIZE: String(BATCH), BILLING_STAMP_INTERVAL_MS: '0', BILLING_PAST_DUE_INTERVAL_MS: '0',
    },
  });
  try {
    const tenantId = randomUUID();
    const ctx = { tenantId, tenantSlug: 'bench', permissions: ['billing.*'] };
    const rpc = new RpcClient(rt.nats, ns, 60_000);
    await rpc.request('billing', 'settings.update', {
      rfc: 'EKU9003173C9', nombre: 'ESCUELA KEMPER URGATE', regimenFiscal: '601', lugarExpedicion: '76000',
      csd: {
        cer: readFileSync(path.join(CSD_DIR, 'EKU9003173C9.cer')).toString('base64'),
        key: readFileSync(path.join(CSD_DIR, 'EKU9003173C9.key')).toString('base64'),
        password: readFileSync(path.join(CSD_DIR, 'EKU9003173C9.password.bin'), 'utf8').replace(/\r?\n$/, ''),
      },
    }, ctx);
    await rpc.request('billing', 'tariffs.import', { document: demo }, ctx);
    // Setup (not measured): the read model and the period's consumptions, as customer and metering events would leave them.
    const t0 = performance.now();
    for (let i = 0; i < N; i += 10_000) {
      const ps = Array.from({ length: Math.min(10_000, N - i) }, (_, k) => profile(i + k));
      await rt.db.withTenant(ctx, async (em) => {
        await em.query(`INSERT INTO billing.persons (id, tenant_id, person_type, name, rfc, regimen_fiscal, uso_cfdi, postal_code)
          SELECT u.id, $1, 'fisica', u.name, u.rfc, u.reg, u.uso, u.cp FROM unnest($2::uuid[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[]) AS u(id, name, rfc, reg, uso, cp)`,
          [tenantId, ps.map((p) => p.personId), ps.map((p) => p.person!.name), ps.map((p) => p.person!.rfc), ps.map((p) => p.person!.regimenFiscal), ps.map((p) => p.person!.usoCfdi), ps.map((p) => p.person!.postalCode)]);
        await em.query(`INSERT INTO billing.tomas (id, tenant_id, toma_number, toma_type, status, billing_type, units_served, sector, route, postal_code)
          SELECT u.id, $1, u.n, 'domestica_media', 'activa', 'medido', 1, 'S1', 'R1', '76028' FROM unnest($2::uuid[], $3::text[]) AS u(id, n)`,
          [tenantId, ps.map((p) => p.tomaId), ps.map((p) => p.tomaNumber)]);
        await em.query(`INSERT INTO billing.contracts (id, tenant_id, contract_number, toma_id, person_id, status, tariff_category, billing_period, start_date)
          SELECT u.id, $1, u.n, u.t, u.p, 'activo', 'domestica_media', 'mensual', '2025-01-01' FROM unnest($2::uuid[], $3::text[], $4::uuid[], $5::uuid[]) AS u(id, n, t, p)`,
          [tenantId, ps.map((p) => p.contractId), ps.map((p) => p.contractNumber), ps.map((p) => p.tomaId), ps.map((p) => p.personId)]);
        await em.query(`INSERT INTO billing.consumptions (tenant_id, contract_id, period, billable_id, toma_id, consumption_m3, estimated, period_start, period_end, provenance)
          SELECT $1, u.c, '2026-11', gen_random_uuid(), u.t, u.m, false, '2026-11-01T06:00:00Z', '2026-12-01T06:00:00Z', '{"method":"difference"}'
            FROM unnest($2::uuid[], $3::uuid[], $4::numeric[]) AS u(c, t, m)`,
          [tenantId, ps.map((p) => p.contractId), ps.map((p) => p.tomaId), ps.map((_, k) => m3Of(i + k))]);
      });
    }
    // As the owner: the service's roles may not ANALYZE (PostgreSQL skips it with a warning), and without
    // statistics the planner joins consumptions through the wrong index (a scan per contract: O(n²)).
    // Autovacuum does the same after a real bulk load.
    // `--no-analyze` skips it: the bill run's lookups must stay one index probe per contract without statistics.
    if (!process.argv.includes('--no-analyze')) {
      const owner = new Client({ connectionString: tdb.url });
      await owner.connect();
      await owner.query('ANALYZE billing.contracts; ANALYZE billing.consumptions; ANALYZE billing.tomas; ANALYZE billing.persons; ANALYZE billing.invoices');
      await owner.end();
    }
    process.stdout.write(`setup: ${N} contracts in ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
    const runs = rt.app.get(BillRunsService, { strict: false });
    peakRss = process.memoryUsage().rss;
    const pg0 = await backendCpu(tdb.url);
    const cpu0 = process.cpuUsage();
    const t1 = performance.now();
    // Throughput and PostgreSQL CPU every 10 s: flat lines show the run does not slow down as invoices accumulate.
    let last = { t: t1, n: 0, pg: pg0 };
    const meter = setInterval(() => {
      void (async () => {
        const c = new Client({ connectionString: tdb.url });
        await c.connect();
        const n = Number((await c.query<{ n: string }>(`SELECT count(*) AS n FROM billing.invoices`)).rows[0].n);
        await c.end();
        const pg = await backendCpu(tdb.url);
        const now = performance.now();
        const pgMs = [...pg].reduce((sum, [pid, ms]) => sum + ms - (last.pg.get(pid) ?? 0), 0);
        const dn = n - last.n;
        process.stdout.write(
          `  ${((now - t1) / 1000).toFixed(0).padStart(4)} s: ${String(n).padStart(7)} invoices, ${((dn * 1000) / (now - last.t)).toFixed(0)}/s, postgres ${dn ? ((pgMs * 1000) / dn).toFixed(0) : '-'} us/invoice, rss ${(process.memoryUsage().rss / 1048576).toFixed(0)} MB\n`,
        );
        last = { t: now, n, pg };
      })().catch(() => undefined);
    }, 10_000);
    const p = await rt.db.withTenant(ctx, () => Promise.resolve()).then(() =>
      (async () => {
        const { TenantContext } = await import('@supra/platform/tenancy');
        return TenantContext.run(ctx, () => runs.runSync({ period: '2026-11' }, randomUUID()));
      })(),
    );
    const s = (performance.now() - t1) / 1000;
    clearInterval(meter);
    const cpu = process.cpuUsage(cpu0);
    const pg1 = await backendCpu(tdb.url);
    const pgMs = [...pg1].reduce((sum, [pid, ms]) => sum + ms - (pg0.get(pid) ?? 0), 0);
    const perInv = (ms: number) => ((ms * 1000) / N).toFixed(0);
    fullCpuUs = ((cpu.user + cpu.system) / 1000 + pgMs) * 1000 / N;
    process.stdout.write(
      `cpu per invoice: node ${perInv((cpu.user + cpu.system) / 1000)} us (main + sealing workers + relay), postgres backends ${perInv(pgMs)} us; wall ${((s * 1e6) / N).toFixed(0)} us\n`,
    );
    if (p.issued !== N) throw new Error(`bill run issued ${p.issued} of ${N} (failed ${p.failed}, skips ${JSON.stringify(p.skips)})`);
    const [{ n }] = (await rt.db.asSystem((em) => em.query(`SELECT count(*) AS n FROM billing.outbox WHERE type = 'billing.invoice.issued.v1'`))) as Array<{ n: string }>;
    process.stdout.write(`full run: ${p.issued} invoices in ${s.toFixed(1)} s, ${n} issued events in the outbox\n`);
    let relayPerS = NaN;
    if (!RELAY_DURING) {
      const relay = new OutboxRelay(rt.db, rt.nats, { service: 'billing', ns, batchSize: 1000 });
      const t2 = performance.now();
      let published = 0;
      for (let k; (k = await relay.drainOnce()) > 0; ) published += k;
      const r = (performance.now() - t2) / 1000;
      relayPerS = published / r;
      process.stdout.write(`relay afterwards: ${published} events published to JetStream in ${r.toFixed(1)} s (${relayPerS.toFixed(0)}/s)\n`);
    }
    return { perS: N / s, issued: p.issued, relayPerS };
  } finally {
    // The published events are not needed afterwards, and the shared JetStream storage is limited.
    for (const context of ['billing']) await rt.nats.jsm.streams.delete(Streams.forContext(ns, context)).catch(() => undefined);
    await rt.close();
    await tdb.drop();
  }
}

/** CPU milliseconds used so far by each PostgreSQL backend of the database (from /proc; Linux, same host). */
async function backendCpu(url: string): Promise<Map<number, number>> {
  const c = new Client({ connectionString: url });
  await c.connect();
  const { rows } = await c.query<{ pid: number }>(`SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()`);
  await c.end();
  const out = new Map<number, number>();
  for (const { pid } of rows) {
    try {
      const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
      out.set(pid, ((Number(f[11]) + Number(f[12])) * 1000) / 100); // utime + stime, in clock ticks of 10 ms
    } catch {
      // the backend ended meanwhile
    }
  }
  return out;
}

async function main(): Promise<void> {
  process.stdout.write(`bench billrun: ${N} contracts, ${WORKERS} sealing workers, batches of ${BATCH}\n`);
  const ceil = PHASE === 'full' ? NaN : await ceiling();
  process.stdout.write(`ceiling: ${ceil.toFixed(0)} CFDIs/s built and sealed in memory\n`);
  const ceilRss = peakRss;
  const full = PHASE === 'ceiling' ? { perS: NaN, relayPerS: NaN } : await fullRun();
  const rss = Math.max(peakRss, ceilRss) / 1024 / 1024;
  process.stdout.write(`RESULT billrun invoices_per_s=${full.perS.toFixed(0)} ceiling_per_s=${ceil.toFixed(0)} ratio=${(full.perS / ceil).toFixed(2)} rss_mb=${rss.toFixed(0)} cpu_ratio=${(ceilingCpuUs / fullCpuUs).toFixed(2)} relay=${RELAY_DURING ? 'during' : 'after'} relay_per_s=${full.relayPerS.toFixed(0)}\n`);
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    process.stderr.write(`bench failed: ${(e as Error).stack ?? String(e)}\n`);
    process.exit(1);
  },
);

import { Inject, Injectable, Logger } from '@nestjs/common';
import { v7 as uuidv7 } from 'uuid';
import type { BillRunFailureView, BillRunView, StartBillRunRequest } from '@supra/contracts';
import { Dec, fixed } from '@supra/domain/money';
import { parsePeriodKey } from '@supra/domain/periods';
import { ServiceDatabase } from '@supra/platform/database';
import { SERVICE_ENV } from '@supra/platform/runtime';
import { TenantContext } from '@supra/platform/tenancy';
import { PROFILE_FROM, PROFILE_SELECT, profileFromRow } from '../directory/directory.service';
import { IssuingService, type Candidate, type IssueOutcome } from '../invoices/issuing.service';
import type { BillingEnv } from '../shared/billing.env';
import { BillingErrors, mapErrors } from '../shared/billing.errors';
import { isoOrNull } from '../shared/sql';

/** Pages being rated and sealed at once: enough to keep the sealing workers fed while the main thread writes. */
const PREPARE_WINDOW = 3;

interface Progress {
  processed: number;
  issued: number;
  held: number;
  skipped: number;
  failed: number;
  skips: Record<string, number>;
  total: Dec;
  /** Dry runs keep them here; a real run stores them in bill_run_failures. */
  failures: BillRunFailureView[];
}

/** Failed contracts GET /bill-runs/:id lists (the count covers all). */
const FAILURES_LISTED = 100;

/**
 * Bill runs over a cycle: every contract billed by the period's frequency (mensual for "2026-11", bimestral
 * for "2026-B6"), optionally one sector or route. Contracts are read with a keyset cursor in batches
 * (memory stays flat in the number of contracts); each batch goes through the issuing pipeline (rate,
 * build, seal on worker threads, one transaction with multi-row inserts and its outbox events). A re-run
 * skips what is already invoiced; a dry run does all but the writing.
 */
@Injectable()
export class BillRunsService {
  private readonly log = new Logger('BillRuns');
  private readonly active = new Set<Promise<unknown>>();

  constructor(
    private readonly db: ServiceDatabase,
    private readonly issuing: IssuingService,
    @Inject(SERVICE_ENV) private readonly env: BillingEnv,
  ) {}

  start(dto: StartBillRunRequest): Promise<BillRunView> {
    return mapErrors(async () => {
      if (dto.dryRun) return this.dryRun(dto);
      const ctx = await this.issuing.context(); // fails fast (409) when the tenant cannot issue
      const id = uuidv7();
      await this.db.tx((em) =>
        em.query(`INSERT INTO billing.bill_runs (id, tenant_id, period, sector, route, status) VALUES ($1,$2,$3,$4,$5,'running')`, [
          id, TenantContext.tenantId(), dto.period, dto.sector ?? null, dto.route ?? null,
        ]),
      );
      const request = TenantContext.require();
      const job = TenantContext.run(request, () => this.execute(id, dto, ctx));
      this.active.add(job);
      void job.finally(() => this.active.delete(job));
      return this.get(id);
    });
  }

  /** Waits for the runs started by this process (tests, shutdown). */
  async idle(): Promise<void> {
    await Promise.allSettled([...this.active]);
  }

  /** Runs a whole cycle synchronously and returns its totals (benchmarks, dry runs). */
  async runSync(dto: StartBillRunRequest, billRunId?: string): Promise<Progress> {
    const ctx = await this.issuing.context();
    return this.loop(dto, ctx, billRunId, dto.dryRun ?? false);
  }

  get(id: string): Promise<BillRunView> {
    return this.db.tx(async (em) => {
      const rows = (await em.query(`SELECT * FROM billing.bill_runs WHERE id = $1`, [id])) as Array<Record<string, unknown>>;
      const r = rows[0];
      if (!r) throw BillingErrors.billRunNotFound(id);
      return {
        id,
        period: r.period as string,
        sector: (r.sector as string | null) ?? null,
        route: (r.route as string | null) ?? null,
        dryRun: false,
        status: r.status as BillRunView['status'],
        processed: Number(r.processed),
        issued: Number(r.issued),
        held: Number(r.held),
        skipped: Number(r.skipped),
        failed: Number(r.failed),
        skips: r.skips as Record<string, number>,
        failures: (
          (await em.query(`SELECT contract_id, code, message FROM billing.bill_run_failures WHERE bill_run_id = $1 ORDER BY contract_id LIMIT ${FAILURES_LISTED}`, [id])) as Array<Record<string, string>>
        ).map((f) => ({ contractId: f.contract_id, code: f.code, message: f.message })),
        totalAmount: fixed(String(r.total_amount), 2),
        startedAt: new Date(r.started_at as string).toISOString(),
        finishedAt: isoOrNull(r.finished_at),
        error: (r.error as string | null) ?? null,
      };
    });
  }

  private async dryRun(dto: StartBillRunRequest): Promise<BillRunView> {
    const startedAt = new Date();
    const p = await this.runSync({ ...dto, dryRun: true });
    return {
      id: null,
      period: dto.period,
      sector: dto.sector ?? null,
      route: dto.route ?? null,
      dryRun: true,
      status: 'completed',
      processed: p.processed,
      issued: p.issued,
      held: p.held,
      skipped: p.skipped,
      failed: p.failed,
      skips: p.skips,
      failures: p.failures.slice(0, FAILURES_LISTED),
      totalAmount: fixed(p.total, 2),
      startedAt: startedAt.toISOString(),
      finishedAt: new Date().toISOString(),
      error: null,
    };
  }

  private async execute(id: string, dto: StartBillRunRequest, ctx: Awaited<ReturnType<IssuingService['context']>>): Promise<void> {
    try {
      await this.loop(dto, ctx, id, false);
      await this.db.tx((em) => em.query(`UPDATE billing.bill_runs SET status = 'completed', finished_at = now() WHERE id = $1`, [id]));
    } catch (e) {
      this.log.error(`bill run ${id} failed: ${(e as Error).message}`);
      await this.db
        .tx((em) => em.query(`UPDATE billing.bill_runs SET status = 'failed', error = $2, finished_at = now() WHERE id = $1`, [id, (e as Error).message.slice(0, 2000)]))
        .catch(() => undefined);
    }
  }

  private async loop(dto: StartBillRunRequest, ctx: Awaited<ReturnType<IssuingService['context']>>, billRunId: string | undefined, dryRun: boolean): Promise<Progress> {
    const period = parsePeriodKey(dto.period, ctx.tenant.timeZone);
    const kind = period.frequency === 'monthly' ? 'mensual' : 'bimestral';
    const progress: Progress = { processed: 0, issued: 0, held: 0, skipped: 0, failed: 0, skips: {}, total: new Dec(0), failures: [] };
    const batchSize = this.env.BILLING_BATCH_SIZE;
    let after = '00000000-0000-0000-0000-000000000000';
    // Prefetch the next page while the current ones are prepared and written.
    let next = this.fetch(kind, dto, period.firstDay, period.lastDay, after, batchSize);
    // Pipeline: up to PREPARE_WINDOW pages are rated and sealed at once (the main thread composes page k+1 while
    // the workers sign page k, so no core waits for the other), and commits follow one another in page order.
    let committed: Promise<void> = Promise.resolve();
    const inFlight: Array<Promise<void>> = [];
    for (;;) {
      const rows = await next;
      if (!rows.length) break;
      after = rows[rows.length - 1].contract_id as string;
      next = rows.length === batchSize ? this.fetch(kind, dto, period.firstDay, period.lastDay, after, batchSize) : Promise.resolve([]);
      next.catch(() => undefined); // awaited next turn; a failure then ends the run
      const candidates: Candidate[] = [];
      const skip = (reason: string) => {
        progress.skipped++;
        progress.skips[reason] = (progress.skips[reason] ?? 0) + 1;
      };
      for (const r of rows) {
        progress.processed++;
        if (r.invoiced) {
          skip('exists');
          continue;
        }
        const profile = profileFromRow(r);
        if (r.billable_id) {
          candidates.push({
            profile,
            period: dto.period,
            consumption: {
              billableId: r.billable_id as string,
              m3: String(r.consumption_m3),
              adjustmentM3: String(r.adjustment_m3),
              estimated: Boolean(r.estimated),
              provenance: r.provenance as Record<string, unknown>,
            },
          });
        } else if (profile.billingType === 'cuota_fija' && profile.status === 'activo') {
          candidates.push({ profile, period: dto.period, consumption: null });
        } else {
          skip('no_consumption');
        }
      }
      const prepared = this.issuing.prepareBatch(ctx, candidates, { billRunId, dryRun });
      const previous = committed;
      committed = Promise.all([prepared, previous]).then(([batch]) => batch.commit().then((out) => this.record(out, progress, billRunId, dryRun)));
      committed.catch(() => undefined); // awaited below or by the next page
      inFlight.push(committed);
      if (inFlight.length >= PREPARE_WINDOW) await inFlight.shift();
    }
    await committed;
    return progress;
  }

  private async record(out: IssueOutcome, progress: Progress, billRunId: string | undefined, dryRun: boolean): Promise<void> {
    {
      progress.issued += out.issued.length;
      progress.held += out.held.length;
      progress.failed += out.failed.length;
      progress.total = progress.total.plus(out.totalAmount);
      for (const [k, v] of Object.entries(out.skipped)) {
        progress.skipped += v;
        progress.skips[k] = (progress.skips[k] ?? 0) + v;
      }
      for (const f of out.failed.slice(0, 3)) this.log.warn(`contract ${f.contractId}: ${f.code} ${f.message}`);
      if (dryRun && progress.failures.length < FAILURES_LISTED) progress.failures.push(...out.failed.map(({ contractId, code, message }) => ({ contractId, code, message })));
      if (billRunId && !dryRun) {
        await this.db.tx(async (em) => {
          if (out.failed.length) {
            await em.query(
              `INSERT INTO billing.bill_run_failures (tenant_id, bill_run_id, contract_id, code, message)
               SELECT $1, $2, f.contract_id, f.code, left(f.message, 2000) FROM jsonb_to_recordset($3::jsonb) AS f(contract_id uuid, code text, message text)
               ON CONFLICT (bill_run_id, contract_id) DO UPDATE SET code = excluded.code, message = excluded.message`,
              [TenantContext.tenantId(), billRunId, JSON.stringify(out.failed.map((f) => ({ contract_id: f.contractId, code: f.code, message: f.message })))],
            );
          }
          await em.query(
            `UPDATE billing.bill_runs SET processed = $2, issued = $3, held = $4, skipped = $5, failed = $6, skips = $7, total_amount = $8 WHERE id = $1`,
            [billRunId, progress.processed, progress.issued, progress.held, progress.skipped, progress.failed, JSON.stringify(progress.skips), fixed(progress.total, 2)],
          );
        });
      }
    }
  }

  /**
   * One page of the cycle (keyset on contract id) with this period's consumption and whether it is already
   * invoiced. Both are LATERAL lookups with LIMIT 1, i.e. one primary-key probe per contract whatever the
   * statistics say: a plain join let the planner, with this month's rows not yet analyzed, scan the tenant's
   * whole index per page (a run that slowed down quadratically).
   */
  private fetch(kind: string, dto: StartBillRunRequest, firstDay: string, lastDay: string, after: string, limit: number): Promise<Array<Record<string, unknown>>> {
    const params: unknown[] = [kind, after, limit, dto.period, firstDay, lastDay];
    let filter = '';
    if (dto.sector) {
      params.push(dto.sector);
      filter += ` AND t.sector = $${params.length}`;
    }
    if (dto.route) {
      params.push(dto.route);
      filter += ` AND t.route = $${params.length}`;
    }
    return this.db.tx(
      async (em) =>
        (await em.query(
          `SELECT ${PROFILE_SELECT}, k.billable_id, k.consumption_m3, k.adjustment_m3, k.estimated, k.provenance, inv.one IS NOT NULL AS invoiced
             FROM ${PROFILE_FROM}
             LEFT JOIN LATERAL (
               SELECT k.billable_id, k.consumption_m3, k.adjustment_m3, k.estimated, k.provenance FROM billing.consumptions k
                WHERE k.contract_id = c.id AND k.period = $4 LIMIT 1) k ON true
             LEFT JOIN LATERAL (
               SELECT 1 AS one FROM billing.invoices i
                WHERE i.contract_id = c.id AND i.period = $4 AND i.kind = 'I' AND i.substitutes_id IS NULL AND i.status <> 'rejected' LIMIT 1) inv ON true
            WHERE c.billing_period = $1 AND c.id > $2 AND c.start_date <= $6 AND (c.status <> 'baja' OR c.end_date >= $5) ${filter}
            ORDER BY c.id LIMIT $3`,
          params,
        )) as Array<Record<string, unknown>>,
    );
  }
}

import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { BillingEvents, type InvoiceStampedData } from '@supra/contracts';
import { fixed } from '@supra/domain/money';
import { ServiceDatabase } from '@supra/platform/database';
import { Outbox } from '@supra/platform/messaging';
import { SERVICE_ENV } from '@supra/platform/runtime';
import { isTransientPacError, PacRejectedError } from '../cfdi/pac';
import type { BillingEnv } from '../shared/billing.env';
import { Clock } from '../shared/clock';
import { PacGateway } from './pac-gateway';

export interface StampPassResult {
  stamped: number;
  waiting: number;
  rejected: number;
}

/** Backoff while every PAC is down: 1 s doubling to 5 min (invoices wait, nothing is dropped). */
const backoffMs = (attempts: number): number => Math.min(300_000, 1_000 * 2 ** Math.min(attempts, 9));

/**
 * Stamping queue worker. Issued CFDIs wait in `stamp_queue`; each pass claims due rows (FOR UPDATE SKIP
 * LOCKED, so several replicas share the queue without stamping one twice), sends each to the PACs through
 * FailoverPac and, in one transaction per invoice, stores the TFD, sets `stamped`, deletes the queue row and
 * writes billing.invoice.stamped.v1. When every PAC is down the row gets a later attempt time and stays.
 * If the process dies between the PAC's answer and the commit, the next pass sends the same sealed XML
 * again and the PAC returns the original stamp (Finkok 307): the invoice keeps one UUID.
 */
@Injectable()
export class StampingService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly log = new Logger('Stamping');
  private timer?: NodeJS.Timeout;
  private running?: Promise<unknown>;
  private stopped = false;

  constructor(
    private readonly db: ServiceDatabase,
    private readonly outbox: Outbox,
    private readonly pacs: PacGateway,
    private readonly clock: Clock,
    @Inject(SERVICE_ENV) private readonly env: BillingEnv,
  ) {}

  onApplicationBootstrap(): void {
    const every = this.env.BILLING_STAMP_INTERVAL_MS;
    if (every <= 0) return;
    const tick = (): void => {
      if (this.stopped) return;
      this.running = this.runOnce()
        .catch((e: unknown) => this.log.warn(`stamping pass failed: ${(e as Error).message}`))
        .finally(() => {
          if (!this.stopped) this.timer = setTimeout(tick, every);
        });
    };
    this.timer = setTimeout(tick, every);
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
  }

  /** One pass over the due part of the queue (all tenants: machinery, so the system role claims). */
  async runOnce(limit = 200): Promise<StampPassResult> {
    const result: StampPassResult = { stamped: 0, waiting: 0, rejected: 0 };
    const due = (await this.db.asSystem((em) =>
      em.query(
        `SELECT q.invoice_id, q.tenant_id, q.attempts FROM billing.stamp_queue q
          WHERE q.next_attempt_at <= now() ORDER BY q.enqueued_at LIMIT $1`,
        [limit],
      ),
    )) as Array<{ invoice_id: string; tenant_id: string; attempts: number }>;
    for (const row of due) {
      const outcome = await this.db.withTenant(row.tenant_id, () => this.stampOne(row.invoice_id));
      result[outcome]++;
      if (outcome === 'waiting') break; // every PAC is down: the rest would wait too
    }
    return result;
  }

  /** Stamps one queued invoice now (used by the worker and by cancellations that need a substitute's UUID). */
  async stampOne(invoiceId: string): Promise<'stamped' | 'waiting' | 'rejected'> {
    const claim = await this.db.tx(async (em) => {
      const rows = (await em.query(
        `SELECT q.attempts, i.xml FROM billing.stamp_queue q JOIN billing.invoices i ON i.id = q.invoice_id
          WHERE q.invoice_id = $1 FOR UPDATE OF q SKIP LOCKED`,
        [invoiceId],
      )) as Array<{ attempts: number; xml: string }>;
      return rows[0];
    });
    if (!claim) return 'stamped'; // already stamped (or being stamped) by someone else
    try {
      const r = await this.pacs.provider.stamp(claim.xml);
      await this.db.tx(async (em) => {
        // The queue row is the claim: deleting it decides who records the stamp.
        // TypeORM answers DELETE/UPDATE ... RETURNING with [rows, affected].
        const [, affected] = (await em.query(`DELETE FROM billing.stamp_queue WHERE invoice_id = $1`, [invoiceId])) as [unknown[], number];
        if (affected === 0) return;
        const now = this.clock.now();
        const [rows] = (await em.query(
          `UPDATE billing.invoices SET uuid = $2, stamped_xml = $3, stamped_at = $4, pac_provider = $5,
                  status = CASE WHEN status = 'issued' THEN 'stamped' ELSE status END
            WHERE id = $1 RETURNING contract_id, kind, total`,
          [invoiceId, r.uuid.toLowerCase(), r.stampedXml, now, r.provider],
        )) as [Array<{ contract_id: string; kind: 'I' | 'E'; total: string }>, number];
        const inv = rows[0];
        await this.outbox.add(
          {
            type: BillingEvents.invoiceStamped.type,
            subject: invoiceId,
            data: {
              invoiceId,
              contractId: inv.contract_id,
              uuid: r.uuid.toLowerCase(),
              kind: inv.kind,
              total: fixed(String(inv.total), 2),
              stampedAt: now.toISOString(),
              provider: r.provider,
            } satisfies InvoiceStampedData,
          },
          em,
        );
      });
      return 'stamped';
    } catch (e) {
      if (isTransientPacError(e)) {
        await this.db.tx((em) =>
          em.query(
            `UPDATE billing.stamp_queue SET attempts = attempts + 1, last_error = $2, next_attempt_at = now() + ($3 || ' milliseconds')::interval
              WHERE invoice_id = $1`,
            [invoiceId, (e as Error).message.slice(0, 1000), String(backoffMs(claim.attempts))],
          ),
        );
        return 'waiting';
      }
      if (e instanceof PacRejectedError) {
        // A person must look at it: it stays queued far in the future with the PAC's reason.
        await this.db.tx((em) =>
          em.query(`UPDATE billing.stamp_queue SET attempts = attempts + 1, last_error = $2, next_attempt_at = 'infinity' WHERE invoice_id = $1`, [
            invoiceId,
            `${e.satCode} ${e.satMessage}`.slice(0, 1000),
          ]),
        );
        this.log.error(`invoice ${invoiceId} rejected by PAC: ${e.message}`);
        return 'rejected';
      }
      throw e;
    }
  }
}

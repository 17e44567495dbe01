import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { ServiceDatabase } from '@supra/platform/database';
import { SERVICE_ENV } from '@supra/platform/runtime';
import type { BillingEnv } from '../shared/billing.env';
import { InvoicesService } from './invoices.service';

/** Flags past-due invoices of every tenant periodically (BILLING_PAST_DUE_INTERVAL_MS; 0 = only on request). */
@Injectable()
export class PastDueScheduler implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly log = new Logger('PastDue');
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly db: ServiceDatabase,
    private readonly invoices: InvoicesService,
    @Inject(SERVICE_ENV) private readonly env: BillingEnv,
  ) {}

  onApplicationBootstrap(): void {
    const every = this.env.BILLING_PAST_DUE_INTERVAL_MS;
    if (every > 0) {
      this.timer = setInterval(() => void this.runOnce().catch((e: unknown) => this.log.warn(`past-due pass failed: ${(e as Error).message}`)), every);
      this.timer.unref();
    }
  }

  onApplicationShutdown(): void {
    if (this.timer) clearInterval(this.timer);
  }

  async runOnce(): Promise<number> {
    let marked = 0;
    for (const tenantId of await this.invoices.tenantsWithPastDue()) {
      marked += (await this.db.withTenant(tenantId, () => this.invoices.markPastDue())).marked;
    }
    return marked;
  }
}

import { Inject, Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { SERVICE_ENV } from '@supra/platform/runtime';
import { FailoverPac, FinkokPac, PacSimulator, type PacProvider } from '../cfdi/pac';
import type { BillingEnv } from '../shared/billing.env';

/**
 * The PACs of this deployment, in priority order (env PAC_PROVIDERS): `simulator` starts a local PAC simulator
 * in-process (Finkok's SOAP dialect on 127.0.0.1) and talks to it through the Finkok adapter, exactly as to a
 * real PAC; `finkok:<url>` is a Finkok endpoint. Failover between them is FailoverPac's.
 */
@Injectable()
export class PacGateway implements OnModuleInit, OnModuleDestroy {
  readonly simulators: PacSimulator[] = [];
  private pac?: FailoverPac;

  constructor(@Inject(SERVICE_ENV) private readonly env: BillingEnv) {}

  async onModuleInit(): Promise<void> {
    const providers: PacProvider[] = [];
    const entries = this.env.PAC_PROVIDERS.split(',').map((s) => s.trim()).filter(Boolean);
    for (const [i, entry] of entries.entries()) {
      if (entry === 'simulator') {
        const sim = new PacSimulator();
        const url = await sim.start();
        this.simulators.push(sim);
        providers.push(new FinkokPac({ baseUrl: url, username: 'supra', password: 'supra', name: `simulator-${i + 1}`, timeoutMs: 5_000 }));
      } else if (entry.startsWith('finkok:')) {
        providers.push(
          new FinkokPac({ baseUrl: entry.slice('finkok:'.length), username: this.env.FINKOK_USERNAME ?? '', password: this.env.FINKOK_PASSWORD ?? '', name: `finkok-${i + 1}` }),
        );
      } else {
        throw new Error(`PAC_PROVIDERS: unknown entry "${entry}" (use "simulator" or "finkok:<url>")`);
      }
    }
    if (providers.length) this.pac = new FailoverPac(providers);
  }

  async onModuleDestroy(): Promise<void> {
    for (const s of this.simulators) await s.stop().catch(() => undefined);
  }

  get provider(): PacProvider {
    if (!this.pac) throw new Error('No PAC configured (PAC_PROVIDERS is empty)');
    return this.pac;
  }
}

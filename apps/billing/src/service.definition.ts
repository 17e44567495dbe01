import type { ServiceDefinition } from '@supra/platform/runtime';
import { validateEventData } from '@supra/contracts';
import { BillingModule } from './billing.module';
import { Messaging1764100000000 } from './migrations/1764100000000-messaging';
import { Billing1764100100000 } from './migrations/1764100100000-billing';
import { FinalInvoice1764100300000 } from './migrations/1764100300000-final-invoice';
import { BillRunFailures1764100400000 } from './migrations/1764100400000-bill-run-failures';
import { BillingEnv } from './shared/billing.env';

export { BillingEnv };

/** The billing service: tariffs, invoices (event driven and bill runs), CFDI 4.0 sealing and PAC stamping, credit notes. */
export const billingService: ServiceDefinition<BillingEnv> = {
  service: 'billing',
  schema: 'billing',
  env: BillingEnv,
  imports: [BillingModule],
  migrations: [Messaging1764100000000, Billing1764100100000, FinalInvoice1764100300000, BillRunFailures1764100400000],
  validateEvent: validateEventData,
};

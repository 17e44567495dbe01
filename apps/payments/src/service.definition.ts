import { BaseServiceEnv } from '@supra/platform/config';
import type { ServiceDefinition } from '@supra/platform/runtime';
import { validateEventData } from '@supra/contracts';
import { Messaging1763900000000 } from './migrations/1763900000000-messaging';

export class PaymentsEnv extends BaseServiceEnv {}

/** The payments service. Its domain arrives with its own issue; today it boots, migrates and reports health. */
export const paymentsService: ServiceDefinition<PaymentsEnv> = {
  service: 'payments',
  schema: 'payments',
  env: PaymentsEnv,
  imports: [],
  migrations: [Messaging1763900000000],
  validateEvent: validateEventData,
};

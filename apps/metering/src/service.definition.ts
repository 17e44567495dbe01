import { BaseServiceEnv } from '@supra/platform/config';
import type { ServiceDefinition } from '@supra/platform/runtime';
import { validateEventData } from '@supra/contracts';
import { MeteringModule } from './metering.module';
import { Messaging1763900000000 } from './migrations/1763900000000-messaging';
import { Metering1763900100000 } from './migrations/1763900100000-metering';
import { EstimationFinalReadings1763900200000 } from './migrations/1763900200000-estimation-final-readings';

export class MeteringEnv extends BaseServiceEnv {}

/** The metering service: meters, readings, VEE, billable consumption per period, anomalies. */
export const meteringService: ServiceDefinition<MeteringEnv> = {
  service: 'metering',
  schema: 'metering',
  env: MeteringEnv,
  imports: [MeteringModule],
  migrations: [Messaging1763900000000, Metering1763900100000, EstimationFinalReadings1763900200000],
  validateEvent: validateEventData,
};

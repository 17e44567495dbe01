import type { ServiceDefinition } from '@supra/platform/runtime';
import { validateEventData } from '@supra/contracts';
import { IngestionEnv } from './ingestion.env';
import { IngestionModule } from './ingestion.module';
import { Messaging1763900000000 } from './migrations/1763900000000-messaging';
import { Telemetry1763900100000 } from './migrations/1763900100000-telemetry';
import { SummarySettle1763900200000 } from './migrations/1763900200000-summary-settle';
import { MeterState1763900300000 } from './migrations/1763900300000-meter-state';
import { HourKey1763900400000 } from './migrations/1763900400000-hour-key';
import { storageReadiness } from './storage/storage-mode';

export { IngestionEnv };

/** Telemetry from NATS into telemetry.readings, exactly once; quarantine, dead letters, quotas, daily summaries. */
export const ingestionService: ServiceDefinition<IngestionEnv> = {
  service: 'ingestion',
  schema: 'telemetry',
  env: IngestionEnv,
  imports: [IngestionModule],
  migrations: [Messaging1763900000000, Telemetry1763900100000, SummarySettle1763900200000, MeterState1763900300000, HourKey1763900400000],
  validateEvent: validateEventData,
  readiness: [storageReadiness],
};

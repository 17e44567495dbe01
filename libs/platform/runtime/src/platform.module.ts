import { Global, Module, type DynamicModule } from '@nestjs/common';
import { ServiceDatabase } from '@supra/platform/database';
import { NatsClient, Outbox, RpcClient } from '@supra/platform/messaging';
import { Metrics } from '@supra/platform/telemetry';

export const SERVICE_NAME = Symbol('SERVICE_NAME');
export const SERVICE_ENV = Symbol('SERVICE_ENV');
export const READINESS_CHECKS = Symbol('READINESS_CHECKS');

/** A named readiness check a feature can add (e.g. ingestion's storage mode). */
export interface ReadinessCheck {
  name: string;
  check(): Promise<{ ok: boolean; detail?: unknown }>;
}

export interface PlatformProviders {
  service: string;
  env: object;
  db: ServiceDatabase;
  nats: NatsClient;
  outbox: Outbox;
  rpc: RpcClient;
  metrics: Metrics;
  readiness: ReadinessCheck[];
}

/** Makes the process-wide platform objects injectable by class in every feature module. */
@Global()
@Module({})
export class PlatformModule {
  static forRoot(p: PlatformProviders): DynamicModule {
    return {
      module: PlatformModule,
      providers: [
        { provide: SERVICE_NAME, useValue: p.service },
        { provide: SERVICE_ENV, useValue: p.env },
        { provide: ServiceDatabase, useValue: p.db },
        { provide: NatsClient, useValue: p.nats },
        { provide: Outbox, useValue: p.outbox },
        { provide: RpcClient, useValue: p.rpc },
        { provide: Metrics, useValue: p.metrics },
        { provide: READINESS_CHECKS, useValue: p.readiness },
      ],
      exports: [SERVICE_NAME, SERVICE_ENV, ServiceDatabase, NatsClient, Outbox, RpcClient, Metrics, READINESS_CHECKS],
    };
  }
}

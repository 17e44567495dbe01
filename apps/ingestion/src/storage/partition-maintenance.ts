import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { ServiceDatabase } from '@supra/platform/database';
import { SERVICE_ENV } from '@supra/platform/runtime';
import type { IngestionEnv } from '../ingestion.env';
import { Clock } from '../pipeline/clock';
import { storageStatus, type StorageMode } from './storage-mode';

/**
 * Finds the storage mode of telemetry.readings and, in native mode, keeps daily partitions created
 * ahead and dropped by retention (telemetry.maintain_partitions, SECURITY DEFINER because DDL
 * needs the owner). TimescaleDB runs its own policies.
 */
@Injectable()
export class PartitionMaintenance implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly log = new Logger('TelemetryStorage');
  private timer?: NodeJS.Timeout;
  private running?: Promise<unknown>;

  constructor(
    @Inject(SERVICE_ENV) private readonly env: IngestionEnv,
    private readonly db: ServiceDatabase,
    private readonly clock: Clock,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const rows = (await this.db.asSystem((em) =>
      em.query(`SELECT c.relkind FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'telemetry' AND c.relname = 'readings'`),
    )) as Array<{ relkind: string }>;
    const mode: StorageMode = rows[0]?.relkind === 'p' ? 'native' : 'timescaledb';
    storageStatus.mode = mode;
    this.log.log(
      mode === 'native'
        ? 'telemetry storage: native PostgreSQL range partitioning (daily partitions, maintenance loop)'
        : 'telemetry storage: TimescaleDB hypertable (compression, retention, continuous aggregates)',
    );
    await this.maintain();
    this.timer = setInterval(() => void this.maintain(), this.env.TELEMETRY_MAINTENANCE_INTERVAL_S * 1000);
    this.timer.unref();
  }

  async onModuleDestroy(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }

  /** Creates partitions up to N days ahead (and for days that landed in the default), drops those past retention. */
  async maintain(now = this.clock.now()): Promise<unknown> {
    const run = (async () => {
      try {
        const rows = (await this.db.asSystem((em) =>
          em.query(`SELECT telemetry.maintain_partitions($1, $2, $3) AS r`, [
            this.env.TELEMETRY_PARTITION_DAYS_AHEAD,
            this.env.TELEMETRY_RETENTION_DAYS,
            new Date(now).toISOString(),
          ]),
        )) as Array<{ r: unknown }>;
        storageStatus.lastMaintenance = { at: new Date(now).toISOString(), result: rows[0].r };
        storageStatus.error = undefined;
        return rows[0].r;
      } catch (e) {
        storageStatus.error = (e as Error).message;
        this.log.error(`partition maintenance failed: ${(e as Error).message}`);
        return undefined;
      }
    })();
    this.running = run;
    return run;
  }
}

import { Module } from '@nestjs/common';
import { MetersModule } from './meters/meters.module';
import { Clock } from './pipeline/clock';
import { TelemetryConsumer } from './pipeline/telemetry-consumer';
import { PartitionMaintenance } from './storage/partition-maintenance';
import { MeterDaySummaries } from './summaries/meter-day-summaries';

@Module({
  imports: [MetersModule],
  providers: [Clock, TelemetryConsumer, PartitionMaintenance, MeterDaySummaries],
  exports: [Clock, TelemetryConsumer, PartitionMaintenance, MeterDaySummaries],
})
export class IngestionModule {}

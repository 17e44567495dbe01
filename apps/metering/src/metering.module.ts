import { Module } from '@nestjs/common';
import { ConsumptionHandler } from './consumption/consumption.handler';
import { ConsumptionService } from './consumption/consumption.service';
import { DirectoryHandler, DirectoryService } from './directory/directory.handler';
import { FinalReadingsHandler } from './final-readings/final-readings.handler';
import { FinalReadingsService } from './final-readings/final-readings.service';
import { MetersHandler } from './meters/meters.handler';
import { MetersService } from './meters/meters.service';
import { ReadingsHandler } from './readings/readings.handler';
import { ReadingsService } from './readings/readings.service';
import { Clock } from './shared/clock';
import { SettingsHandler, SettingsService } from './settings/settings.service';

@Module({
  controllers: [MetersHandler, ReadingsHandler, ConsumptionHandler, DirectoryHandler, FinalReadingsHandler, SettingsHandler],
  providers: [Clock, SettingsService, MetersService, ReadingsService, ConsumptionService, FinalReadingsService, DirectoryService],
  exports: [Clock, SettingsService, MetersService, ReadingsService, ConsumptionService, FinalReadingsService],
})
export class MeteringModule {}

import { Module } from '@nestjs/common';
import { ConsumptionHandler } from './consumption/consumption.handler';
import { ConsumptionService } from './consumption/consumption.service';
import { DirectoryHandler, DirectoryService } from './directory/directory.handler';
import { MetersHandler } from './meters/meters.handler';
import { MetersService } from './meters/meters.service';
import { ReadingsHandler } from './readings/readings.handler';
import { ReadingsService } from './readings/readings.service';
import { Clock } from './shared/clock';

@Module({
  controllers: [MetersHandler, ReadingsHandler, ConsumptionHandler, DirectoryHandler],
  providers: [Clock, MetersService, ReadingsService, ConsumptionService, DirectoryService],
  exports: [Clock, MetersService, ReadingsService, ConsumptionService],
})
export class MeteringModule {}

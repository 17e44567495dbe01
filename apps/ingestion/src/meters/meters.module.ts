import { Module } from '@nestjs/common';
import { MetersHandler } from './meters.handler';
import { MetersService } from './meters.service';
import { TenantDirectory } from './tenant-directory';

@Module({
  controllers: [MetersHandler],
  providers: [MetersService, TenantDirectory],
  exports: [MetersService, TenantDirectory],
})
export class MetersModule {}

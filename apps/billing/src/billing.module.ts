import { Module } from '@nestjs/common';
import { BillRunsHandler } from './bill-runs/bill-runs.handler';
import { BillRunsService } from './bill-runs/bill-runs.service';
import { DirectoryHandler } from './directory/directory.handler';
import { DirectoryService } from './directory/directory.service';
import { InvoicesHandler } from './invoices/invoices.handler';
import { InvoicesService } from './invoices/invoices.service';
import { IssuingService } from './invoices/issuing.service';
import { PastDueScheduler } from './invoices/past-due.scheduler';
import { SettingsHandler } from './settings/settings.handler';
import { SettingsService } from './settings/settings.service';
import { Clock } from './shared/clock';
import { PacGateway } from './stamping/pac-gateway';
import { StampingService } from './stamping/stamping.service';
import { TariffsHandler } from './tariffs/tariffs.handler';
import { TariffsService } from './tariffs/tariffs.service';

@Module({
  controllers: [TariffsHandler, SettingsHandler, DirectoryHandler, InvoicesHandler, BillRunsHandler],
  providers: [
    Clock, SettingsService, TariffsService, DirectoryService, IssuingService, InvoicesService, PacGateway, StampingService,
    PastDueScheduler, BillRunsService,
  ],
  exports: [Clock, IssuingService, InvoicesService, StampingService, PacGateway, BillRunsService, PastDueScheduler, SettingsService],
})
export class BillingModule {}

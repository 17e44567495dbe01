import { Controller, Injectable } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { CustomerEvents, type ContractSnapshotData, type ContractTerminatedData, type TomaSnapshotData } from '@supra/contracts';
import { ServiceDatabase } from '@supra/platform/database';
import { TenantContext } from '@supra/platform/tenancy';
import { FinalReadingsService } from '../final-readings/final-readings.service';

/** Metering's read model of tomas and contracts, kept from customer events (it never reads customer's schema). */
@Injectable()
export class DirectoryService {
  constructor(
    private readonly db: ServiceDatabase,
    private readonly finalReadings: FinalReadingsService,
  ) {}

  upsertToma(d: TomaSnapshotData): Promise<void> {
    return this.db.tx(async (em) => {
      await em.query(
        `INSERT INTO metering.tomas (id, tenant_id, toma_number, toma_type, status, units_served) VALUES ($1,$2,$3,$4,$5,$6)
         ON CONFLICT (id) DO UPDATE SET toma_number = EXCLUDED.toma_number, toma_type = EXCLUDED.toma_type, status = EXCLUDED.status,
           units_served = EXCLUDED.units_served, updated_at = now()`,
        [d.tomaId, TenantContext.tenantId(), d.tomaNumber, d.tomaType, d.status, d.unitsServed],
      );
    });
  }

  upsertContract(d: ContractSnapshotData): Promise<void> {
    return this.db.tx(async (em) => {
      await em.query(
        `INSERT INTO metering.contracts (id, tenant_id, toma_id, contract_number, status, billing_period, start_date) VALUES ($1,$2,$3,$4,$5,$6,$7)
         ON CONFLICT (id) DO UPDATE SET toma_id = EXCLUDED.toma_id, status = EXCLUDED.status, billing_period = EXCLUDED.billing_period,
           start_date = EXCLUDED.start_date, updated_at = now()
           WHERE contracts.status <> 'baja'`,
        [d.contractId, TenantContext.tenantId(), d.tomaId, d.contractNumber, d.status, d.billingPeriod, d.startDate],
      );
    });
  }

  /** Baja or change of holder: the contract ends on its effective date and its final reading is requested (taken now if it exists). */
  terminate(d: ContractTerminatedData): Promise<void> {
    return this.db.tx(async (em) => {
      await em.query(
        `INSERT INTO metering.contracts (id, tenant_id, toma_id, contract_number, status, billing_period, start_date, end_date, final_reading_requested)
         VALUES ($1,$2,$3,$4,'baja','mensual',$5,$5,$6)
         ON CONFLICT (id) DO UPDATE SET status = 'baja', end_date = EXCLUDED.end_date, final_reading_requested = EXCLUDED.final_reading_requested, updated_at = now()`,
        [d.contractId, TenantContext.tenantId(), d.tomaId, d.contractNumber, d.effectiveDate, d.finalReadingRequested],
      );
      if (d.finalReadingRequested) await this.finalReadings.request(em, d);
    });
  }
}

@Controller()
export class DirectoryHandler {
  constructor(private readonly directory: DirectoryService) {}

  @EventPattern<Record<string, TomaSnapshotData>>(CustomerEvents.tomaCreated.type)
  onTomaCreated(@Payload() d: TomaSnapshotData) {
    return this.directory.upsertToma(d);
  }

  @EventPattern<Record<string, TomaSnapshotData>>(CustomerEvents.tomaUpdated.type)
  onTomaUpdated(@Payload() d: TomaSnapshotData) {
    return this.directory.upsertToma(d);
  }

  @EventPattern<Record<string, ContractSnapshotData>>(CustomerEvents.contractCreated.type)
  onContractCreated(@Payload() d: ContractSnapshotData) {
    return this.directory.upsertContract(d);
  }

  @EventPattern<Record<string, ContractSnapshotData>>(CustomerEvents.contractUpdated.type)
  onContractUpdated(@Payload() d: ContractSnapshotData) {
    return this.directory.upsertContract(d);
  }

  @EventPattern<Record<string, ContractTerminatedData>>(CustomerEvents.contractTerminated.type)
  onContractTerminated(@Payload() d: ContractTerminatedData) {
    return this.directory.terminate(d);
  }
}

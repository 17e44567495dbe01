import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import {
  CustomerEvents,
  type ContractReactivatedData,
  type ContractSnapshotData,
  type ContractSuspendedData,
  type ContractTerminatedData,
  type PersonSnapshotData,
  type TomaSnapshotData,
} from '@supra/contracts';
import { OnEvent } from '@supra/platform/messaging';
import { InvoicesService } from '../invoices/invoices.service';
import { DirectoryService } from './directory.service';

/** Customer events feeding billing's read model (inside the consumer's transaction, with the inbox record). */
@Controller()
export class DirectoryHandler {
  constructor(
    private readonly directory: DirectoryService,
    private readonly invoices: InvoicesService,
  ) {}

  @OnEvent(CustomerEvents.personCreated.type)
  onPersonCreated(@Payload() d: PersonSnapshotData) {
    return this.directory.upsertPerson(d);
  }

  @OnEvent(CustomerEvents.personUpdated.type)
  onPersonUpdated(@Payload() d: PersonSnapshotData) {
    return this.directory.upsertPerson(d);
  }

  @OnEvent(CustomerEvents.tomaCreated.type)
  onTomaCreated(@Payload() d: TomaSnapshotData) {
    return this.directory.upsertToma(d);
  }

  @OnEvent(CustomerEvents.tomaUpdated.type)
  onTomaUpdated(@Payload() d: TomaSnapshotData) {
    return this.directory.upsertToma(d);
  }

  @OnEvent(CustomerEvents.contractCreated.type)
  onContractCreated(@Payload() d: ContractSnapshotData) {
    return this.directory.upsertContract(d);
  }

  @OnEvent(CustomerEvents.contractUpdated.type)
  onContractUpdated(@Payload() d: ContractSnapshotData) {
    return this.directory.upsertContract(d);
  }

  /** Baja: the read model, and the final invoice of an unmetered toma (a metered one waits for its final reading). */
  @OnEvent(CustomerEvents.contractTerminated.type)
  onContractTerminated(@Payload() d: ContractTerminatedData) {
    return this.invoices.onContractTerminated(d);
  }

  @OnEvent(CustomerEvents.contractSuspended.type)
  onContractSuspended(@Payload() d: ContractSuspendedData) {
    return this.directory.setStatus(d.contractId, 'suspendido');
  }

  @OnEvent(CustomerEvents.contractReactivated.type)
  onContractReactivated(@Payload() d: ContractReactivatedData) {
    return this.directory.setStatus(d.contractId, 'activo');
  }
}

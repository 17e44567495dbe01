import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import {
  ChangeHolderRequest,
  CreateContractRequest,
  CustomerIdParam,
  CustomerRpc,
  ListContractsQuery,
  ReactivateContractRequest,
  SuspendContractRequest,
  TerminateContractRequest,
  UpdateContractRequest,
} from '@supra/contracts';
import { CustomerOperation } from '../shared/permission';
import { ContractsService } from './contracts.service';

/** NATS door: `rpc.customer.contracts.*`. */
@Controller()
export class ContractsHandler {
  constructor(private readonly contracts: ContractsService) {}

  @CustomerOperation(CustomerRpc.createContract)
  create(@Payload() dto: CreateContractRequest) {
    return this.contracts.create(dto);
  }

  @CustomerOperation(CustomerRpc.getContract)
  get(@Payload() dto: CustomerIdParam) {
    return this.contracts.get(dto.id);
  }

  @CustomerOperation(CustomerRpc.listContracts)
  list(@Payload() dto: ListContractsQuery) {
    return this.contracts.list(dto);
  }

  @CustomerOperation(CustomerRpc.updateContract)
  update(@Payload() dto: UpdateContractRequest) {
    return this.contracts.update(dto);
  }

  @CustomerOperation(CustomerRpc.terminateContract)
  terminate(@Payload() dto: TerminateContractRequest) {
    return this.contracts.terminate(dto);
  }

  @CustomerOperation(CustomerRpc.changeHolder)
  changeHolder(@Payload() dto: ChangeHolderRequest) {
    return this.contracts.changeHolder(dto);
  }

  @CustomerOperation(CustomerRpc.suspendContract)
  suspend(@Payload() dto: SuspendContractRequest) {
    return this.contracts.suspend(dto);
  }

  @CustomerOperation(CustomerRpc.reactivateContract)
  reactivate(@Payload() dto: ReactivateContractRequest) {
    return this.contracts.reactivate(dto.id);
  }
}

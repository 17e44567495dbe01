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
import { RpcOperation } from '@supra/platform/runtime';
import { ContractsService } from './contracts.service';

/** NATS door: `rpc.customer.contracts.*`. */
@Controller()
export class ContractsHandler {
  constructor(private readonly contracts: ContractsService) {}

  @RpcOperation(CustomerRpc.createContract)
  create(@Payload() dto: CreateContractRequest) {
    return this.contracts.create(dto);
  }

  @RpcOperation(CustomerRpc.getContract)
  get(@Payload() dto: CustomerIdParam) {
    return this.contracts.get(dto.id);
  }

  @RpcOperation(CustomerRpc.listContracts)
  list(@Payload() dto: ListContractsQuery) {
    return this.contracts.list(dto);
  }

  @RpcOperation(CustomerRpc.updateContract)
  update(@Payload() dto: UpdateContractRequest) {
    return this.contracts.update(dto);
  }

  @RpcOperation(CustomerRpc.terminateContract)
  terminate(@Payload() dto: TerminateContractRequest) {
    return this.contracts.terminate(dto);
  }

  @RpcOperation(CustomerRpc.changeHolder)
  changeHolder(@Payload() dto: ChangeHolderRequest) {
    return this.contracts.changeHolder(dto);
  }

  @RpcOperation(CustomerRpc.suspendContract)
  suspend(@Payload() dto: SuspendContractRequest) {
    return this.contracts.suspend(dto);
  }

  @RpcOperation(CustomerRpc.reactivateContract)
  reactivate(@Payload() dto: ReactivateContractRequest) {
    return this.contracts.reactivate(dto.id);
  }
}

import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { CreateTomaRequest, CustomerIdParam, CustomerRpc, ListTomasQuery, UpdateTomaRequest } from '@supra/contracts';
import { RpcOperation } from '@supra/platform/runtime';
import { TomasService } from './tomas.service';

/** NATS door: `rpc.customer.tomas.*`. */
@Controller()
export class TomasHandler {
  constructor(private readonly tomas: TomasService) {}

  @RpcOperation(CustomerRpc.createToma)
  create(@Payload() dto: CreateTomaRequest) {
    return this.tomas.create(dto);
  }

  @RpcOperation(CustomerRpc.getToma)
  get(@Payload() dto: CustomerIdParam) {
    return this.tomas.get(dto.id);
  }

  @RpcOperation(CustomerRpc.updateToma)
  update(@Payload() dto: UpdateTomaRequest) {
    return this.tomas.update(dto);
  }

  @RpcOperation(CustomerRpc.listTomas)
  list(@Payload() dto: ListTomasQuery) {
    return this.tomas.list(dto);
  }
}

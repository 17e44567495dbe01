import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { CreateArcoRequest, CustomerIdParam, CustomerRpc, ListArcoQuery, UpdateArcoRequest } from '@supra/contracts';
import { RpcOperation } from '@supra/platform/runtime';
import { ArcoService } from './arco.service';

/** NATS door: `rpc.customer.arco.*`. */
@Controller()
export class ArcoHandler {
  constructor(private readonly arco: ArcoService) {}

  @RpcOperation(CustomerRpc.createArcoRequest)
  create(@Payload() dto: CreateArcoRequest) {
    return this.arco.create(dto);
  }

  @RpcOperation(CustomerRpc.getArcoRequest)
  get(@Payload() dto: CustomerIdParam) {
    return this.arco.get(dto.id);
  }

  @RpcOperation(CustomerRpc.updateArcoRequest)
  update(@Payload() dto: UpdateArcoRequest) {
    return this.arco.update(dto);
  }

  @RpcOperation(CustomerRpc.listArcoRequests)
  list(@Payload() dto: ListArcoQuery) {
    return this.arco.list(dto);
  }
}

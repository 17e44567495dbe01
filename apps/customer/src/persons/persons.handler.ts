import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import {
  AddVulnerabilityRequest,
  CreatePersonRequest,
  CustomerIdParam,
  CustomerRpc,
  ListPersonsQuery,
  SearchPersonsQuery,
  UpdatePersonRequest,
} from '@supra/contracts';
import { RpcOperation } from '@supra/platform/runtime';
import { PersonsService } from './persons.service';

/** NATS door: `rpc.customer.persons.*`. */
@Controller()
export class PersonsHandler {
  constructor(private readonly persons: PersonsService) {}

  @RpcOperation(CustomerRpc.createPerson)
  create(@Payload() dto: CreatePersonRequest) {
    return this.persons.create(dto);
  }

  @RpcOperation(CustomerRpc.getPerson)
  get(@Payload() dto: CustomerIdParam) {
    return this.persons.get(dto.id);
  }

  @RpcOperation(CustomerRpc.updatePerson)
  update(@Payload() dto: UpdatePersonRequest) {
    return this.persons.update(dto);
  }

  @RpcOperation(CustomerRpc.addVulnerability)
  addVulnerability(@Payload() dto: AddVulnerabilityRequest) {
    return this.persons.addVulnerability(dto);
  }

  @RpcOperation(CustomerRpc.searchPersons)
  search(@Payload() dto: SearchPersonsQuery) {
    return this.persons.search(dto);
  }

  @RpcOperation(CustomerRpc.listPersons)
  list(@Payload() dto: ListPersonsQuery) {
    return this.persons.list(dto);
  }
}

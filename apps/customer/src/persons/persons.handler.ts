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
import { CustomerOperation } from '../shared/permission';
import { PersonsService } from './persons.service';

/** NATS door: `rpc.customer.persons.*`. */
@Controller()
export class PersonsHandler {
  constructor(private readonly persons: PersonsService) {}

  @CustomerOperation(CustomerRpc.createPerson)
  create(@Payload() dto: CreatePersonRequest) {
    return this.persons.create(dto);
  }

  @CustomerOperation(CustomerRpc.getPerson)
  get(@Payload() dto: CustomerIdParam) {
    return this.persons.get(dto.id);
  }

  @CustomerOperation(CustomerRpc.updatePerson)
  update(@Payload() dto: UpdatePersonRequest) {
    return this.persons.update(dto);
  }

  @CustomerOperation(CustomerRpc.addVulnerability)
  addVulnerability(@Payload() dto: AddVulnerabilityRequest) {
    return this.persons.addVulnerability(dto);
  }

  @CustomerOperation(CustomerRpc.searchPersons)
  search(@Payload() dto: SearchPersonsQuery) {
    return this.persons.search(dto);
  }

  @CustomerOperation(CustomerRpc.listPersons)
  list(@Payload() dto: ListPersonsQuery) {
    return this.persons.list(dto);
  }
}

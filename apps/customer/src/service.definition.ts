import { validateEventData } from '@supra/contracts';
import { BaseServiceEnv } from '@supra/platform/config';
import type { ServiceDefinition } from '@supra/platform/runtime';
import { ArcoModule } from './arco/arco.module';
import { ArcoRequestEntity } from './arco/entities/arco-request.entity';
import { ContractsModule } from './contracts/contracts.module';
import { ContractEntity } from './contracts/entities/contract.entity';
import { HolderChangeEntity } from './contracts/entities/holder-change.entity';
import { Messaging1763900000000 } from './migrations/1763900000000-messaging';
import { CustomerCore1763900100000 } from './migrations/1763900100000-customer-core';
import { PersonEntity } from './persons/entities/person.entity';
import { PersonVulnerabilityEntity } from './persons/entities/person-vulnerability.entity';
import { PersonsModule } from './persons/persons.module';
import { CustomerSharedModule } from './shared/shared.module';
import { AddressEntity } from './tomas/entities/address.entity';
import { TomaEntity } from './tomas/entities/toma.entity';
import { TomasModule } from './tomas/tomas.module';

export class CustomerEnv extends BaseServiceEnv {}

export const customerEntities = [PersonEntity, PersonVulnerabilityEntity, AddressEntity, TomaEntity, ContractEntity, HolderChangeEntity, ArcoRequestEntity];

/** The customer service: persons, tomas, contracts and ARCO requests (schema `customer`). */
export const customerService: ServiceDefinition<CustomerEnv> = {
  service: 'customer',
  schema: 'customer',
  env: CustomerEnv,
  imports: [CustomerSharedModule, PersonsModule, TomasModule, ContractsModule, ArcoModule],
  entities: customerEntities,
  migrations: [Messaging1763900000000, CustomerCore1763900100000],
  validateEvent: validateEventData,
};

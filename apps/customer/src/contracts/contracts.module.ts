import { Module } from '@nestjs/common';
import { PersonsModule } from '../persons/persons.module';
import { TomasModule } from '../tomas/tomas.module';
import { ContractRepository } from './contract.repository';
import { ContractsHandler } from './contracts.handler';
import { ContractsService } from './contracts.service';

@Module({ imports: [PersonsModule, TomasModule], controllers: [ContractsHandler], providers: [ContractsService, ContractRepository] })
export class ContractsModule {}

import { Module } from '@nestjs/common';
import { PersonRepository } from './person.repository';
import { PersonsHandler } from './persons.handler';
import { PersonsService } from './persons.service';

@Module({ controllers: [PersonsHandler], providers: [PersonsService, PersonRepository], exports: [PersonsService, PersonRepository] })
export class PersonsModule {}

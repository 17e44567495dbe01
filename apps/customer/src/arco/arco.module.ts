import { Module } from '@nestjs/common';
import { PersonsModule } from '../persons/persons.module';
import { ArcoHandler } from './arco.handler';
import { ArcoService } from './arco.service';

@Module({ imports: [PersonsModule], controllers: [ArcoHandler], providers: [ArcoService] })
export class ArcoModule {}

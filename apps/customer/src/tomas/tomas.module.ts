import { Module } from '@nestjs/common';
import { TomaRepository } from './toma.repository';
import { TomasHandler } from './tomas.handler';
import { TomasService } from './tomas.service';

@Module({ controllers: [TomasHandler], providers: [TomasService, TomaRepository], exports: [TomasService] })
export class TomasModule {}

import { RpcOperation } from '@supra/platform/runtime';
import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { EstimateFinalReadingRequest, ListFinalReadingsQuery, MeteringRpc, RecordFinalReadingRequest } from '@supra/contracts';
import { FinalReadingsService } from './final-readings.service';

@Controller()
export class FinalReadingsHandler {
  constructor(private readonly finalReadings: FinalReadingsService) {}

  @RpcOperation(MeteringRpc.listFinalReadings)
  list(@Payload() dto: ListFinalReadingsQuery) {
    return this.finalReadings.list(dto);
  }

  @RpcOperation(MeteringRpc.estimateFinalReading)
  estimate(@Payload() dto: EstimateFinalReadingRequest) {
    return this.finalReadings.estimate(dto);
  }

  @RpcOperation(MeteringRpc.recordFinalReading)
  record(@Payload() dto: RecordFinalReadingRequest) {
    return this.finalReadings.recordReading(dto);
  }
}

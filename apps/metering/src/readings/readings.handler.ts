import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import {
  ApproveReadingRequest,
  EditReadingRequest,
  ImportReadingsRequest,
  ListReviewQueueQuery,
  ListTomaReadingsRequest,
  MeteringRpc,
  RecordReadingRequest,
  RejectReadingRequest,
} from '@supra/contracts';
import { ReadingsService } from './readings.service';

@Controller()
export class ReadingsHandler {
  constructor(private readonly readings: ReadingsService) {}

  @MessagePattern(MeteringRpc.recordReading.operation)
  record(@Payload() dto: RecordReadingRequest) {
    const { id, ...body } = dto;
    return this.readings.record(id, body);
  }

  @MessagePattern(MeteringRpc.importReadings.operation)
  import(@Payload() dto: ImportReadingsRequest) {
    return this.readings.import(dto);
  }

  @MessagePattern(MeteringRpc.listTomaReadings.operation)
  listForToma(@Payload() dto: ListTomaReadingsRequest) {
    return this.readings.listForToma(dto);
  }

  @MessagePattern(MeteringRpc.listReviewQueue.operation)
  reviewQueue(@Payload() dto: ListReviewQueueQuery) {
    return this.readings.reviewQueue(dto);
  }

  @MessagePattern(MeteringRpc.approveReading.operation)
  approve(@Payload() dto: ApproveReadingRequest) {
    return this.readings.approve(dto);
  }

  @MessagePattern(MeteringRpc.editReading.operation)
  edit(@Payload() dto: EditReadingRequest) {
    return this.readings.edit(dto);
  }

  @MessagePattern(MeteringRpc.rejectReading.operation)
  reject(@Payload() dto: RejectReadingRequest) {
    return this.readings.reject(dto);
  }
}

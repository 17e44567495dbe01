import { RpcOperation } from '@supra/platform/runtime';
import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
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

  @RpcOperation(MeteringRpc.recordReading)
  record(@Payload() dto: RecordReadingRequest) {
    const { id, ...body } = dto;
    return this.readings.record(id, body);
  }

  @RpcOperation(MeteringRpc.importReadings)
  import(@Payload() dto: ImportReadingsRequest) {
    return this.readings.import(dto);
  }

  @RpcOperation(MeteringRpc.listTomaReadings)
  listForToma(@Payload() dto: ListTomaReadingsRequest) {
    return this.readings.listForToma(dto);
  }

  @RpcOperation(MeteringRpc.listReviewQueue)
  reviewQueue(@Payload() dto: ListReviewQueueQuery) {
    return this.readings.reviewQueue(dto);
  }

  @RpcOperation(MeteringRpc.approveReading)
  approve(@Payload() dto: ApproveReadingRequest) {
    return this.readings.approve(dto);
  }

  @RpcOperation(MeteringRpc.editReading)
  edit(@Payload() dto: EditReadingRequest) {
    return this.readings.edit(dto);
  }

  @RpcOperation(MeteringRpc.rejectReading)
  reject(@Payload() dto: RejectReadingRequest) {
    return this.readings.reject(dto);
  }
}

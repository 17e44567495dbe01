import { RpcOperation } from '@supra/platform/runtime';
import { Controller } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { ClosePeriodRequest, ListTomaReadingsRequest, MeterDaySummarizedV1, MeteringRpc, TomaConsumptionRequest, type MeterDaySummarizedData } from '@supra/contracts';
import { ConsumptionService } from './consumption.service';

@Controller()
export class ConsumptionHandler {
  constructor(private readonly consumption: ConsumptionService) {}

  @RpcOperation(MeteringRpc.closePeriod)
  closePeriod(@Payload() dto: ClosePeriodRequest) {
    return this.consumption.closePeriod(dto);
  }

  @RpcOperation(MeteringRpc.tomaBillable)
  billable(@Payload() dto: ListTomaReadingsRequest) {
    return this.consumption.billableOf(dto);
  }

  @RpcOperation(MeteringRpc.tomaAnomalies)
  anomalies(@Payload() dto: ListTomaReadingsRequest) {
    return this.consumption.anomaliesOf(dto);
  }

  @RpcOperation(MeteringRpc.tomaConsumption)
  series(@Payload() dto: TomaConsumptionRequest) {
    return this.consumption.series(dto);
  }

  /** Runs inside the consumer's transaction: the summary, its smart reading and anomalies commit with the inbox record. */
  @EventPattern<Record<string, MeterDaySummarizedData>>(MeterDaySummarizedV1.type)
  onDaySummary(@Payload() data: MeterDaySummarizedData) {
    return this.consumption.onDaySummary(data);
  }
}

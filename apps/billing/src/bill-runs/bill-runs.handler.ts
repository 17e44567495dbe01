import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { BillingIdParam, BillingRpc, StartBillRunRequest } from '@supra/contracts';
import { RpcOperation } from '@supra/platform/runtime';
import { BillRunsService } from './bill-runs.service';

/** NATS door: `rpc.billing.bill-runs.*`. */
@Controller()
export class BillRunsHandler {
  constructor(private readonly runs: BillRunsService) {}

  @RpcOperation(BillingRpc.startBillRun)
  start(@Payload() dto: StartBillRunRequest) {
    return this.runs.start(dto);
  }

  @RpcOperation(BillingRpc.getBillRun)
  get(@Payload() dto: BillingIdParam) {
    return this.runs.get(dto.id);
  }
}

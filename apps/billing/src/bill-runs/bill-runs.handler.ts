import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { BillingIdParam, BillingRpc, StartBillRunRequest } from '@supra/contracts';
import { BillingOperation } from '../shared/permission';
import { BillRunsService } from './bill-runs.service';

/** NATS door: `rpc.billing.bill-runs.*`. */
@Controller()
export class BillRunsHandler {
  constructor(private readonly runs: BillRunsService) {}

  @BillingOperation(BillingRpc.startBillRun)
  start(@Payload() dto: StartBillRunRequest) {
    return this.runs.start(dto);
  }

  @BillingOperation(BillingRpc.getBillRun)
  get(@Payload() dto: BillingIdParam) {
    return this.runs.get(dto.id);
  }
}

import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { BillingIdParam, BillingRpc, ImportTariffRequest, ListTariffsQuery, RateCheckRequest } from '@supra/contracts';
import { RpcOperation } from '@supra/platform/runtime';
import { TariffsService } from './tariffs.service';

/** NATS door: `rpc.billing.tariffs.*`. */
@Controller()
export class TariffsHandler {
  constructor(private readonly tariffs: TariffsService) {}

  @RpcOperation(BillingRpc.importTariff)
  import(@Payload() dto: ImportTariffRequest) {
    return this.tariffs.import(dto.document);
  }

  @RpcOperation(BillingRpc.listTariffs)
  list(@Payload() dto: ListTariffsQuery) {
    return this.tariffs.list(dto);
  }

  @RpcOperation(BillingRpc.exportTariff)
  export(@Payload() dto: BillingIdParam) {
    return this.tariffs.export(dto.id);
  }

  @RpcOperation(BillingRpc.rateCheck)
  rateCheck(@Payload() dto: RateCheckRequest) {
    return this.tariffs.rateCheck(dto);
  }
}

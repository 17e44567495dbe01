import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { BillingRpc, UpdateFiscalSettingsRequest } from '@supra/contracts';
import { RpcOperation } from '@supra/platform/runtime';
import { SettingsService } from './settings.service';

/** NATS door: `rpc.billing.settings.*`. */
@Controller()
export class SettingsHandler {
  constructor(private readonly settings: SettingsService) {}

  @RpcOperation(BillingRpc.getSettings)
  get() {
    return this.settings.get();
  }

  @RpcOperation(BillingRpc.updateSettings)
  update(@Payload() dto: UpdateFiscalSettingsRequest) {
    return this.settings.update(dto);
  }
}

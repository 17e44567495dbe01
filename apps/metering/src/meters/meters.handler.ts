import { RpcOperation } from '@supra/platform/runtime';
import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { CreateMeterRequest, InstallMeterRequest, MeteringIdParam, MeteringRpc, RemoveMeterRequest, ReplaceMeterRequest } from '@supra/contracts';
import { MetersService } from './meters.service';

@Controller()
export class MetersHandler {
  constructor(private readonly meters: MetersService) {}

  @RpcOperation(MeteringRpc.createMeter)
  create(@Payload() dto: CreateMeterRequest) {
    return this.meters.create(dto);
  }

  @RpcOperation(MeteringRpc.getMeter)
  get(@Payload() dto: MeteringIdParam) {
    return this.meters.get(dto.id);
  }

  @RpcOperation(MeteringRpc.installMeter)
  install(@Payload() dto: InstallMeterRequest) {
    return this.meters.install(dto);
  }

  @RpcOperation(MeteringRpc.removeMeter)
  remove(@Payload() dto: RemoveMeterRequest) {
    return this.meters.remove(dto);
  }

  @RpcOperation(MeteringRpc.replaceMeter)
  replace(@Payload() dto: ReplaceMeterRequest) {
    return this.meters.replace(dto);
  }
}

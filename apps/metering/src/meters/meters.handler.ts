import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { CreateMeterRequest, InstallMeterRequest, MeteringIdParam, MeteringRpc, RemoveMeterRequest, ReplaceMeterRequest } from '@supra/contracts';
import { MetersService } from './meters.service';

@Controller()
export class MetersHandler {
  constructor(private readonly meters: MetersService) {}

  @MessagePattern(MeteringRpc.createMeter.operation)
  create(@Payload() dto: CreateMeterRequest) {
    return this.meters.create(dto);
  }

  @MessagePattern(MeteringRpc.getMeter.operation)
  get(@Payload() dto: MeteringIdParam) {
    return this.meters.get(dto.id);
  }

  @MessagePattern(MeteringRpc.installMeter.operation)
  install(@Payload() dto: InstallMeterRequest) {
    return this.meters.install(dto);
  }

  @MessagePattern(MeteringRpc.removeMeter.operation)
  remove(@Payload() dto: RemoveMeterRequest) {
    return this.meters.remove(dto);
  }

  @MessagePattern(MeteringRpc.replaceMeter.operation)
  replace(@Payload() dto: ReplaceMeterRequest) {
    return this.meters.replace(dto);
  }
}

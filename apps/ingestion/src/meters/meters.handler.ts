import { Controller } from '@nestjs/common';
import { EventPattern, MessagePattern, Payload } from '@nestjs/microservices';
import {
  MeterInstalledData,
  MeterRemovedData,
  RegisterMetersRequest,
  ReplayQuarantineRequest,
  type RegisterMetersReply,
  type ReplayQuarantineReply,
} from '@supra/contracts';
import { MetersService } from './meters.service';

@Controller()
export class MetersHandler {
  constructor(private readonly meters: MetersService) {}

  /** rpc.ingestion.meters.register: bulk registration (demo seed, onboarding). */
  @MessagePattern('meters.register')
  register(@Payload() dto: RegisterMetersRequest): Promise<RegisterMetersReply> {
    return this.meters.register(dto.meters, { tenantSlug: dto.tenantSlug, timeZone: dto.timeZone });
  }

  /** rpc.ingestion.quarantine.replay */
  @MessagePattern('quarantine.replay')
  replay(@Payload() dto: ReplayQuarantineRequest): Promise<ReplayQuarantineReply> {
    return this.meters.replay(dto.meterIds);
  }

  @EventPattern('metering.meter.installed.v1')
  onInstalled(@Payload() data: MeterInstalledData): Promise<void> {
    // The consumer runs this in the event's tenant context (ce-tenantid, ce-tenantslug).
    return this.meters.onInstalled(data, undefined);
  }

  @EventPattern('metering.meter.removed.v1')
  onRemoved(@Payload() data: MeterRemovedData): Promise<void> {
    return this.meters.onRemoved(data);
  }
}

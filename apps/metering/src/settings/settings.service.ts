import { Controller, Injectable } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import type { EntityManager } from 'typeorm';
import { MeteringRpc, UpdateMeteringSettingsRequest, type MeteringSettingsView } from '@supra/contracts';
import { ServiceDatabase } from '@supra/platform/database';
import { RpcOperation } from '@supra/platform/runtime';
import { TenantContext } from '@supra/platform/tenancy';
import { assertTimeZone } from '@supra/domain/periods';
import { DEFAULT_ESTIMATION_ORDER, type EstimationMethod } from '../vee/estimation';
import { meteringError } from '../shared/metering.errors';
import { DEFAULT_TIME_ZONE, one } from '../shared/sql';

export interface MeteringSettings {
  estimationOrder: readonly EstimationMethod[];
  timeZone: string;
}

/** The tenant's metering settings; a tenant without a row (or a NULL column) gets the defaults. */
@Injectable()
export class SettingsService {
  constructor(private readonly db: ServiceDatabase) {}

  async of(em: EntityManager): Promise<MeteringSettings> {
    const r = await one<{ estimation_order: EstimationMethod[] | null; time_zone: string | null }>(em, `SELECT estimation_order, time_zone FROM metering.settings`);
    return {
      estimationOrder: r?.estimation_order?.length ? r.estimation_order : DEFAULT_ESTIMATION_ORDER,
      timeZone: r?.time_zone ?? DEFAULT_TIME_ZONE,
    };
  }

  get(): Promise<MeteringSettingsView> {
    return this.db.tx(async (em) => toView(await this.of(em)));
  }

  update(dto: UpdateMeteringSettingsRequest): Promise<MeteringSettingsView> {
    if (dto.timeZone !== undefined) {
      try {
        assertTimeZone(dto.timeZone);
      } catch (e) {
        throw meteringError('METERING.INVALID_SETTINGS', (e as Error).message, { field: 'timeZone', value: dto.timeZone });
      }
    }
    return this.db.tx(async (em) => {
      await em.query(
        `INSERT INTO metering.settings (tenant_id, estimation_order, time_zone) VALUES ($1,$2,$3)
         ON CONFLICT (tenant_id) DO UPDATE SET estimation_order = coalesce(EXCLUDED.estimation_order, settings.estimation_order),
           time_zone = coalesce(EXCLUDED.time_zone, settings.time_zone), updated_at = now()`,
        [TenantContext.tenantId(), dto.estimationOrder ?? null, dto.timeZone ?? null],
      );
      return toView(await this.of(em));
    });
  }
}

const toView = (s: MeteringSettings): MeteringSettingsView => ({ estimationOrder: [...s.estimationOrder], timeZone: s.timeZone });

@Controller()
export class SettingsHandler {
  constructor(private readonly settings: SettingsService) {}

  @RpcOperation(MeteringRpc.getSettings)
  get() {
    return this.settings.get();
  }

  @RpcOperation(MeteringRpc.updateSettings)
  update(@Payload() dto: UpdateMeteringSettingsRequest) {
    return this.settings.update(dto);
  }
}

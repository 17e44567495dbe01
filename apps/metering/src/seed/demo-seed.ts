import { v7 as uuidv7 } from 'uuid';
import { MeterInstalledV1, type MeterInstalledData } from '@supra/contracts';
import type { ServiceDatabase } from '@supra/platform/database';
import { Outbox } from '@supra/platform/messaging';
import type { RequestContext } from '@supra/platform/tenancy';

export interface DemoSeedResult {
  created: number;
  existing: number;
}

/**
 * Registers smart meters SIM-000001..SIM-00N (N = min(1000, tomaIds.length)) on the given tomas of the demo
 * tenant, each with its installation reading, emitting metering.meter.installed.v1 through the outbox.
 * Idempotent: a serial already registered is left alone (and not announced again).
 */
export async function seedMeteringDemo(db: ServiceDatabase, tenant: RequestContext | string, tomaIds: string[], installedAt = new Date('2025-01-01T06:00:00Z')): Promise<DemoSeedResult> {
  const outbox = new Outbox('metering', 'metering');
  const ctx: RequestContext = typeof tenant === 'string' ? { tenantId: tenant, tenantSlug: 'demo' } : tenant;
  const result: DemoSeedResult = { created: 0, existing: 0 };
  const batch = tomaIds.slice(0, 1000);
  await db.withTenant(ctx, async (em) => {
    for (let i = 0; i < batch.length; i++) {
      const serial = `SIM-${String(i + 1).padStart(6, '0')}`;
      const id = uuidv7();
      const inserted = (await em.query(
        `INSERT INTO metering.meters (id, tenant_id, serial, brand, model, diameter_mm, meter_type, register_digits, status, toma_id, installed_at)
         VALUES ($1,$2,$3,'SUPRA-SIM','sim-1',13,'smart',6,'installed',$4,$5) ON CONFLICT DO NOTHING RETURNING id`,
        [id, ctx.tenantId, serial, batch[i], installedAt],
      )) as unknown[];
      if (!inserted.length) {
        result.existing++;
        continue;
      }
      await em.query(
        `INSERT INTO metering.readings (id, tenant_id, meter_id, toma_id, value_m3, read_at, source, status) VALUES ($1,$2,$3,$4,0,$5,'installation','valid')`,
        [uuidv7(), ctx.tenantId, id, batch[i], installedAt],
      );
      const data: MeterInstalledData = { meterId: id, serial, tomaId: batch[i], installedAt: installedAt.toISOString(), initialRegisterM3: '0.000', meterType: 'smart', registerDigits: 6 };
      await outbox.add({ type: MeterInstalledV1.type, subject: id, data }, em);
      result.created++;
    }
  });
  return result;
}

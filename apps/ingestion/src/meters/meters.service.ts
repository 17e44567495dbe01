import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { MeterInstalledData, MeterRemovedData, RegisterMeterInput, RegisterMetersReply, ReplayQuarantineReply } from '@supra/contracts';
import { ServiceDatabase } from '@supra/platform/database';
import { TenantContext } from '@supra/platform/tenancy';
import { applyStaged, ensureStaging, forgetStaging, REPLAYED } from '../pipeline/reading-writer';
import { METERS_EXCLUSIVE_SQL } from '../pipeline/lane-writer';
import { TenantDirectory } from './tenant-directory';
import { MetersErrors } from './meters.errors';

const DEFAULT_TZ = 'America/Mexico_City';
const NEW_INSTALLATION = `EXCLUDED.installed_at IS NOT NULL AND telemetry.meters.installed_at IS DISTINCT FROM EXCLUDED.installed_at`;

/**
 * The meters ingestion knows, per tenant: telemetry of any other meter is quarantined. Fed by
 * metering's installed/removed events and by bulk registration (the demo seed). Registering a
 * meter replays its quarantined readings in the same transaction.
 */
@Injectable()
export class MetersService {
  constructor(
    private readonly db: ServiceDatabase,
    private readonly tenants: TenantDirectory,
  ) {}

  async register(meters: RegisterMeterInput[], opts: { tenantSlug?: string; timeZone?: string } = {}): Promise<RegisterMetersReply> {
    const ctx = TenantContext.current();
    const slug = opts.tenantSlug ?? ctx?.tenantSlug;
    if (!ctx?.tenantId || !slug) throw MetersErrors.tenantRequired();
    await this.ensureTenant(ctx.tenantId, slug, opts.timeZone);
    return this.db.tx(async (em) => {
      await em.query(METERS_EXCLUSIVE_SQL);
      const ids = meters.map((m) => m.meterId);
      if (ids.length) {
        await em.query(
          `INSERT INTO telemetry.meters (tenant_id, meter_id, meter_uuid, toma_id, rollover_m3, installed_at)
           SELECT $1, x.meter_id, x.meter_uuid, x.toma_id, power(10::numeric, coalesce(x.digits, 5)), x.installed_at
             FROM unnest($2::text[], $3::uuid[], $4::uuid[], $5::int[], $6::timestamptz[]) AS x(meter_id, meter_uuid, toma_id, digits, installed_at)
           ON CONFLICT (tenant_id, meter_id) DO UPDATE SET meter_uuid = EXCLUDED.meter_uuid, toma_id = EXCLUDED.toma_id,
             rollover_m3 = EXCLUDED.rollover_m3, installed_at = EXCLUDED.installed_at, removed_at = NULL,
             -- A new installation starts a new register history (in the same statement: nothing sees it half done).
             last_ts = CASE WHEN ${NEW_INSTALLATION} THEN NULL ELSE telemetry.meters.last_ts END,
             last_register_m3 = CASE WHEN ${NEW_INSTALLATION} THEN NULL ELSE telemetry.meters.last_register_m3 END`,
          [
            ctx.tenantId,
            ids,
            meters.map((m) => m.meterUuid ?? null),
            meters.map((m) => m.tomaId ?? null),
            meters.map((m) => m.registerDigits ?? null),
            meters.map((m) => m.installedAt ?? null),
          ],
        );
      }
      const replay = await this.replayIn(em, ids);
      return { registered: ids.length, replayed: replay.replayed };
    });
  }

  /** metering.meter.installed.v1: the serial and, when present, the device EUI both map to the meter. */
  async onInstalled(data: MeterInstalledData, tenantSlug: string | undefined): Promise<void> {
    const ctx = TenantContext.require();
    const slug = tenantSlug ?? ctx.tenantSlug ?? (await this.tenants.slugOf(ctx.tenantId));
    if (!slug) throw MetersErrors.tenantRequired();
    const base = { meterUuid: data.meterId, tomaId: data.tomaId, registerDigits: data.registerDigits, installedAt: data.installedAt };
    const inputs: RegisterMeterInput[] = [{ meterId: data.serial, ...base }];
    if (data.deviceEui && data.deviceEui !== data.serial) inputs.push({ meterId: data.deviceEui, ...base });
    await this.register(inputs, { tenantSlug: slug });
  }

  async onRemoved(data: MeterRemovedData): Promise<void> {
    const ids = [data.serial, ...(data.deviceEui ? [data.deviceEui] : [])];
    await this.db.tx(async (em) => {
      await em.query(METERS_EXCLUSIVE_SQL);
      await em.query(`UPDATE telemetry.meters SET removed_at = $2 WHERE meter_id = ANY($1) AND (meter_uuid IS NULL OR meter_uuid = $3)`, [
        ids,
        data.removedAt,
        data.meterId,
      ]);
    });
  }

  /** Replays the current tenant's quarantined readings whose meters are now known. */
  async replay(meterIds?: string[]): Promise<ReplayQuarantineReply> {
    return this.db.tx(async (em) => {
      await em.query(METERS_EXCLUSIVE_SQL);
      const r = await this.replayIn(em, meterIds);
      const left = (await em.query(`SELECT count(*)::int AS n FROM telemetry.quarantine`)) as Array<{ n: number }>;
      return { replayed: r.replayed, stillQuarantined: left[0].n };
    });
  }

  private async replayIn(em: EntityManager, meterIds?: string[]): Promise<{ replayed: number }> {
    await ensureStaging(em);
    try {
      return await this.replayStaged(em, meterIds);
    } catch (e) {
      await forgetStaging(em);
      throw e;
    }
  }

  private async replayStaged(em: EntityManager, meterIds?: string[]): Promise<{ replayed: number }> {
    await em.query(
      `WITH moved AS (
         DELETE FROM telemetry.quarantine q USING telemetry.meters m
          WHERE m.tenant_id = q.tenant_id AND m.meter_id = q.meter_id AND m.removed_at IS NULL
            AND ($1::text[] IS NULL OR q.meter_id = ANY($1))
         RETURNING q.*)
       INSERT INTO ingest_staging SELECT tenant_id, meter_id, ts, register_m3, flow_lps, battery, signal, alarms, flags | ${REPLAYED} FROM moved`,
      [meterIds ?? null],
    );
    const r = await applyStaged(em);
    await em.query(`DELETE FROM ingest_staging`);
    return { replayed: r.inserted };
  }

  private async ensureTenant(tenantId: string, slug: string, timeZone?: string): Promise<void> {
    const existing = await this.tenants.idOf(slug, { fresh: true });
    if (existing && existing !== tenantId) throw MetersErrors.slugTaken(slug);
    await this.db.tx(
      (em) =>
        em.query(
          `INSERT INTO telemetry.tenants (tenant_id, slug, time_zone) VALUES ($1, $2, $3)
           ON CONFLICT (tenant_id) DO UPDATE SET slug = EXCLUDED.slug, time_zone = COALESCE($4, telemetry.tenants.time_zone)`,
          [tenantId, slug, timeZone ?? DEFAULT_TZ, timeZone ?? null],
        ),
      tenantId,
    );
    this.tenants.remember(slug, tenantId);
  }
}

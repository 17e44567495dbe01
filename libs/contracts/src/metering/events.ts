// Events the metering service publishes (stream METERING, subjects events.<tenant>.metering.>). Volumes are
// decimal strings in m3 with 3 decimals (litre resolution), never JSON numbers.
import { Type } from 'class-transformer';
import {
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsISO8601,
  IsObject,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { defineEvent } from '../lib/event-registry';
import { ANOMALY_KINDS, BILLABLE_METHODS, METER_TYPES, type AnomalyKind, type BillableMethod, type MeterType } from './enums';

/** Non-negative m3 with exactly 3 decimals ("12.500"). */
export const M3_RE = /^\d{1,9}\.\d{3}$/;
/** Signed m3 with exactly 3 decimals ("-1.250"): adjustments may be negative. */
export const SIGNED_M3_RE = /^-?\d{1,9}\.\d{3}$/;
/** A billing period key: "2026-11" (monthly) or "2026-B6" (bimonthly). */
export const PERIOD_KEY_RE = /^\d{4}-(0[1-9]|1[0-2]|B[1-6])$/;

export class MeterInstalledData {
  @IsUUID('all')
  meterId!: string;

  @IsString()
  @MaxLength(64)
  serial!: string;

  /** LoRaWAN/NB-IoT device EUI when the meter reports by itself; telemetry may use it instead of the serial. */
  @IsOptional()
  @IsString()
  @MaxLength(64)
  deviceEui?: string;

  @IsUUID('all')
  tomaId!: string;

  @IsISO8601({ strict: true })
  installedAt!: string;

  @Matches(M3_RE, { message: 'initialRegisterM3 must be m3 with 3 decimals' })
  initialRegisterM3!: string;

  @IsOptional()
  @IsIn(METER_TYPES)
  meterType?: MeterType;

  /** Whole-m3 digits of the register (it rolls over at 10^digits). */
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(12)
  registerDigits?: number;
}
export const MeterInstalledV1 = defineEvent(
  'metering.meter.installed.v1',
  MeterInstalledData,
  'A meter was installed on a toma (also the new meter of an exchange); ingestion maps serial/EUI to it.',
);

export class MeterRemovedData {
  @IsUUID('all')
  meterId!: string;

  @IsString()
  @MaxLength(64)
  serial!: string;

  @IsOptional()
  @IsString()
  @MaxLength(64)
  deviceEui?: string;

  @IsUUID('all')
  tomaId!: string;

  @IsISO8601({ strict: true })
  removedAt!: string;

  @Matches(M3_RE, { message: 'finalRegisterM3 must be m3 with 3 decimals' })
  finalRegisterM3!: string;

  /** Set when the meter was exchanged: the meter installed in its place. */
  @IsOptional()
  @IsUUID('all')
  replacedByMeterId?: string;

  @IsOptional()
  @IsString()
  @MaxLength(200)
  reason?: string;
}
export const MeterRemovedV1 = defineEvent(
  'metering.meter.removed.v1',
  MeterRemovedData,
  'A meter was removed from its toma (alone or as the old meter of an exchange), with its final register.',
);

export class BillableProvenance {
  /** Readings (ids in the metering schema) the consumption was computed from. */
  @IsArray()
  @IsUUID('all', { each: true })
  readingIds!: string[];

  /** VEE rules that ran, with their outcome codes (e.g. "spike:flag"). */
  @IsArray()
  @IsString({ each: true })
  rules!: string[];

  @IsIn(BILLABLE_METHODS)
  method!: BillableMethod;

  /** The inputs of the computation or estimation (readings, averages, history), as recorded. */
  @IsObject()
  inputs!: Record<string, unknown>;
}

export class BillableConsumptionData {
  /** Id of the billable consumption record; stable across redeliveries. */
  @IsUUID('all')
  billableId!: string;

  @IsOptional()
  @IsUUID('all')
  contractId?: string;

  @IsUUID('all')
  tomaId!: string;

  @IsOptional()
  @IsUUID('all')
  meterId?: string;

  @Matches(PERIOD_KEY_RE, { message: 'period must be a period key like 2026-11 or 2026-B6' })
  period!: string;

  /** Start of the period (local midnight as a UTC instant, inclusive). */
  @IsISO8601({ strict: true })
  periodStart!: string;

  /** End of the period (exclusive). */
  @IsISO8601({ strict: true })
  periodEnd!: string;

  /** What billing charges: measured or estimated consumption of the period plus adjustmentM3. Never negative. */
  @Matches(M3_RE, { message: 'consumptionM3 must be m3 with 3 decimals' })
  consumptionM3!: string;

  /** The period itself was estimated (no valid real reading closed it). */
  @IsBoolean()
  estimated!: boolean;

  /**
   * The estimation pool settled into this period: billed minus measured, so consumptionM3 = measured since
   * the last real reading + adjustmentM3. Negative when earlier estimated periods already billed part of the
   * measured volume (e.g. -10.000); what cannot be deducted (consumption never goes below 0) stays in the pool
   * for the next period. "0.000" when nothing was pending. Sum of all billed m3 == sum of measured m3.
   */
  @Matches(SIGNED_M3_RE, { message: 'adjustmentM3 must be signed m3 with 3 decimals' })
  adjustmentM3!: string;

  @ValidateNested()
  @Type(() => BillableProvenance)
  provenance!: BillableProvenance;

  /**
   * The contract's last billable consumption, after `customer.contract.terminated.v1` (baja or change of
   * holder): it runs to the final reading, `periodEnd` is the termination instant (end of the effective day in
   * the tenant's zone) and `period` is the billing period that contains it, so the period is partial. Billing
   * issues the final invoice from it. Absent (or false) on every regular period; optional so older producers
   * and consumers stay valid.
   */
  @IsOptional()
  @IsBoolean()
  final?: boolean;

  /**
   * On a final consumption: m3 that earlier estimates billed beyond everything measured up to the final reading
   * (the toma's pool when the contract ends, consumption having gone to 0). Billing gives them back as a credit
   * note on the estimated invoices. Absent when nothing is owed back; optional so older producers stay valid.
   */
  @IsOptional()
  @Matches(M3_RE, { message: 'creditM3 must be m3 with 3 decimals' })
  creditM3?: string;
}
export const ConsumptionBillableV1 = defineEvent(
  'metering.consumption.billable.v1',
  BillableConsumptionData,
  'Billable consumption of a toma/contract for a billing period, with its provenance; billing rates it.',
);

export class AnomalyDetectedData {
  @IsUUID('all')
  anomalyId!: string;

  @IsUUID('all')
  tomaId!: string;

  @IsUUID('all')
  meterId!: string;

  @IsIn(ANOMALY_KINDS)
  kind!: AnomalyKind;

  /** What was seen: the summary's figures, thresholds and days. */
  @IsObject()
  evidence!: Record<string, unknown>;

  @IsISO8601({ strict: true })
  detectedAt!: string;
}
export const AnomalyDetectedV1 = defineEvent(
  'metering.anomaly.detected.v1',
  AnomalyDetectedData,
  'A consumption anomaly (leak, reverse flow, tamper, stopped meter, sudden drop) for collections and work orders.',
);

export const METERING_EVENTS = {
  'metering.meter.installed.v1': MeterInstalledData,
  'metering.meter.removed.v1': MeterRemovedData,
  'metering.consumption.billable.v1': BillableConsumptionData,
  'metering.anomaly.detected.v1': AnomalyDetectedData,
} as const;
export type MeteringEventType = keyof typeof METERING_EVENTS;
export type MeteringEventData<T extends MeteringEventType> = InstanceType<(typeof METERING_EVENTS)[T]>;

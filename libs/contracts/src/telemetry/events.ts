// Events the ingestion service publishes (stream INGESTION, subjects events.<tenant>.ingestion.>).
import { IsArray, IsIn, IsInt, IsISO8601, IsOptional, IsString, Matches, MaxLength, Min } from 'class-validator';
import { defineEvent } from '../lib/event-registry';
import { TELEMETRY_ALARMS, type TelemetryAlarm } from './formats';

const DAY_RE = /^\d{4}-\d{2}-\d{2}$/;
/** m3 with 3 decimals; consumption may be negative when the register went down (flagged readings). */
const SIGNED_M3 = /^-?\d{1,9}\.\d{3}$/;
const M3 = /^\d{1,9}\.\d{3}$/;
const LPS = /^-?\d{1,7}\.\d{3}$/;

/**
 * One meter's day (tenant-local calendar day). A day is summarized once it has ended (plus a grace
 * period) and again, with a higher `revision`, whenever late readings change it: consumers keep
 * the highest revision per (meterId, day).
 */
export class MeterDaySummarizedData {
  /** The id telemetry arrives with (serial or device EUI). */
  @IsString()
  @MaxLength(64)
  meterId!: string;

  @IsOptional()
  @IsString()
  meterUuid?: string;

  @IsOptional()
  @IsString()
  tomaId?: string;

  @Matches(DAY_RE)
  day!: string;

  @IsString()
  timeZone!: string;

  @IsInt()
  @Min(1)
  revision!: number;

  @IsISO8601({ strict: true })
  firstTs!: string;

  @IsISO8601({ strict: true })
  lastTs!: string;

  @Matches(M3)
  firstRegisterM3!: string;

  @Matches(M3)
  lastRegisterM3!: string;

  /** last - first register of the day (negative only with a register decrease, see flags). */
  @Matches(SIGNED_M3)
  consumptionM3!: string;

  /** Minimum flow between 02:00 and 05:00 local time (a sustained value > 0 suggests a leak); null without flow data. */
  @IsOptional()
  @Matches(LPS)
  minNightFlowLps?: string | null;

  @IsArray()
  @IsIn(TELEMETRY_ALARMS, { each: true })
  alarms!: TelemetryAlarm[];

  @IsInt()
  @Min(1)
  readings!: number;

  /** Intervals between consecutive readings (and from the day's edges) longer than the gap threshold. */
  @IsInt()
  @Min(0)
  gaps!: number;

  /** Readings of the day stored with a quality flag (future, register decrease). */
  @IsInt()
  @Min(0)
  flaggedReadings!: number;
}
export const MeterDaySummarizedV1 = defineEvent(
  'ingestion.meter-day.summarized.v1',
  MeterDaySummarizedData,
  "A meter's day of telemetry summarized (registers, consumption, night flow, alarms, gaps) for metering and collections.",
);

export const INGESTION_EVENTS = {
  'ingestion.meter-day.summarized.v1': MeterDaySummarizedData,
} as const;

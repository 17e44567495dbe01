import { IdParam, PageQuery, uuidParam } from '../lib/pagination';
// Request DTOs of the metering service. Volumes are decimal strings (m3, up to 3 decimals), never numbers.
// Structure is checked here (gateway and the service's ValidationPipe); business rules by the service.
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsIn,
  IsInt,
  IsISO8601,
  IsLatitude,
  IsLongitude,
  IsOptional,
  IsString,
  IsUrl,
  IsUUID,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateNested,
} from 'class-validator';
import {
  CONSUMPTION_BUCKETS,
  ESTIMATION_METHODS,
  METER_TYPES,
  READING_INCIDENCES,
  READING_STATUSES,
  type ConsumptionBucket,
  type EstimationMethod,
  type MeterType,
  type ReadingIncidence,
  type ReadingStatus,
} from './enums';
import { PERIOD_KEY_RE } from './events';

/** A register value or volume in m3: up to 9 integer digits and 3 decimals, as a string. */
export const M3_INPUT_RE = /^\d{1,9}(\.\d{1,3})?$/;
const m3Message = (field: string) => ({ message: `${field} must be m3 as a decimal string with up to 3 decimals` });


export class MeteringIdParam extends IdParam {}

export class MeteringPageQuery extends PageQuery {}

// ------------------------------------------------------------------ meters

export class MeterSpecInput {
  @ApiProperty({ example: 'SIM-000001' })
  @IsString()
  @MinLength(1)
  @MaxLength(64)
  serial!: string;

  @ApiPropertyOptional({ example: 'Itron' })
  @IsOptional()
  @IsString()
  @MaxLength(80)
  brand?: string;

  @ApiPropertyOptional({ example: 'Multimag TM II' })
  @IsOptional()
  @IsString()
  @MaxLength(80)
  model?: string;

  @ApiPropertyOptional({ example: 13, description: 'Nominal diameter in mm (13 = 1/2")' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(5)
  @Max(1000)
  diameterMm?: number;

  @ApiProperty({ enum: METER_TYPES })
  @IsIn(METER_TYPES)
  meterType!: MeterType;

  @ApiPropertyOptional({ example: '70B3D5E75E000001' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  deviceEui?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 9, default: 5, description: 'Whole-m3 register digits (rollover at 10^digits)' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(9)
  registerDigits?: number;
}

export class CreateMeterRequest extends MeterSpecInput {
  @ApiPropertyOptional({ format: 'uuid', description: 'Install on this toma right away' })
  @IsOptional()
  @IsUUID('all')
  tomaId?: string;

  @ApiPropertyOptional({ format: 'date-time', description: 'Installation instant (default: now)' })
  @IsOptional()
  @IsISO8601({ strict: true })
  installedAt?: string;

  @ApiPropertyOptional({ example: '0.000', description: 'Register at installation' })
  @IsOptional()
  @Matches(M3_INPUT_RE, m3Message('initialRegisterM3'))
  initialRegisterM3?: string;
}

export class InstallMeterBody {
  @ApiProperty({ format: 'uuid' })
  @IsUUID('all')
  tomaId!: string;

  @ApiPropertyOptional({ format: 'date-time' })
  @IsOptional()
  @IsISO8601({ strict: true })
  installedAt?: string;

  @ApiProperty({ example: '0.000' })
  @Matches(M3_INPUT_RE, m3Message('initialRegisterM3'))
  initialRegisterM3!: string;
}
export class InstallMeterRequest extends InstallMeterBody {
  @uuidParam()
  id!: string;
}

export class RemoveMeterBody {
  @ApiPropertyOptional({ format: 'date-time' })
  @IsOptional()
  @IsISO8601({ strict: true })
  removedAt?: string;

  @ApiProperty({ example: '1234.567', description: 'Final register of the meter' })
  @Matches(M3_INPUT_RE, m3Message('finalReadingM3'))
  finalReadingM3!: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(200)
  reason?: string;
}
export class RemoveMeterRequest extends RemoveMeterBody {
  @uuidParam()
  id!: string;
}

export class ReplaceMeterBody {
  @ApiPropertyOptional({ format: 'date-time', description: 'Exchange instant (default: now)' })
  @IsOptional()
  @IsISO8601({ strict: true })
  replacedAt?: string;

  @ApiProperty({ example: '1234.567', description: 'Final register of the old meter' })
  @Matches(M3_INPUT_RE, m3Message('finalReadingM3'))
  finalReadingM3!: string;

  @ApiProperty({ type: MeterSpecInput, description: 'The new meter' })
  @ValidateNested()
  @Type(() => MeterSpecInput)
  newMeter!: MeterSpecInput;

  @ApiProperty({ example: '0.000', description: 'Register of the new meter when installed' })
  @Matches(M3_INPUT_RE, m3Message('initialReadingM3'))
  initialReadingM3!: string;

  @ApiPropertyOptional({ example: 'meter_damaged' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  reason?: string;
}
export class ReplaceMeterRequest extends ReplaceMeterBody {
  @uuidParam()
  id!: string;
}

// ------------------------------------------------------------------ readings

export class RecordReadingBody {
  @ApiPropertyOptional({ example: '1234.567', description: 'Register value; absent when an incidence prevented the reading' })
  @IsOptional()
  @Matches(M3_INPUT_RE, m3Message('valueM3'))
  valueM3?: string;

  @ApiPropertyOptional({ format: 'date-time', description: 'When it was read (default: now)' })
  @IsOptional()
  @IsISO8601({ strict: true })
  readAt?: string;

  @ApiPropertyOptional({ example: 'https://files.example.mx/photos/123.jpg' })
  @IsOptional()
  @IsUrl({ require_tld: false })
  @MaxLength(1000)
  photoUrl?: string;

  @ApiPropertyOptional({ example: 20.5888 })
  @IsOptional()
  @IsLatitude()
  lat?: number;

  @ApiPropertyOptional({ example: -100.3899 })
  @IsOptional()
  @IsLongitude()
  lng?: number;

  @ApiPropertyOptional({ example: 'LECT-042', description: 'Field reader id or name' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  reader?: string;

  @ApiPropertyOptional({ enum: READING_INCIDENCES, isArray: true })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(5)
  @IsIn(READING_INCIDENCES, { each: true })
  incidences?: ReadingIncidence[];
}
export class RecordReadingRequest extends RecordReadingBody {
  @uuidParam()
  id!: string;
}

export class ListTomaReadingsQuery extends MeteringPageQuery {
  @ApiPropertyOptional({ format: 'date-time' })
  @IsOptional()
  @IsISO8601({ strict: true })
  from?: string;

  @ApiPropertyOptional({ format: 'date-time' })
  @IsOptional()
  @IsISO8601({ strict: true })
  to?: string;
}
export class ListTomaReadingsRequest extends ListTomaReadingsQuery {
  @uuidParam()
  id!: string;
}

export class TomaConsumptionQuery {
  @ApiPropertyOptional({ enum: CONSUMPTION_BUCKETS, default: 'month' })
  @IsOptional()
  @IsIn(CONSUMPTION_BUCKETS)
  bucket?: ConsumptionBucket;

  @ApiPropertyOptional({ format: 'date-time', description: 'Default: 12 months ago' })
  @IsOptional()
  @IsISO8601({ strict: true })
  from?: string;

  @ApiPropertyOptional({ format: 'date-time', description: 'Default: now' })
  @IsOptional()
  @IsISO8601({ strict: true })
  to?: string;
}
export class TomaConsumptionRequest extends TomaConsumptionQuery {
  @uuidParam()
  id!: string;
}

/**
 * CSV from handheld terminals, header line required:
 * `serial,read_at,value_m3,reader,incidence,lat,lng,photo_url` (the last five optional columns may be empty;
 * incidence takes several codes separated by `|`).
 */
export class ImportReadingsRequest {
  @ApiProperty({ description: 'The CSV file text (UTF-8)', example: 'serial,read_at,value_m3\nM-1,2026-01-31T10:00:00Z,123.456' })
  @IsString()
  @MinLength(1)
  @MaxLength(20_000_000)
  csv!: string;

  @ApiPropertyOptional({ example: 'ruta-12-2026-01-31.csv' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  fileName?: string;
}

// ------------------------------------------------------------------ VEE review

export class ListReviewQueueQuery extends MeteringPageQuery {
  @ApiPropertyOptional({ enum: READING_STATUSES, default: 'flagged' })
  @IsOptional()
  @IsIn(READING_STATUSES)
  status?: ReadingStatus;
}

export class ApproveReadingBody {
  @ApiPropertyOptional({ example: 'Confirmed by photo' })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  note?: string;
}
export class ApproveReadingRequest extends ApproveReadingBody {
  @uuidParam()
  id!: string;
}

export class EditReadingBody {
  @ApiProperty({ example: '1240.000', description: 'Corrected register value' })
  @Matches(M3_INPUT_RE, m3Message('valueM3'))
  valueM3!: string;

  @ApiProperty({ example: 'Reader swapped two digits; photo shows 1240' })
  @IsString()
  @MinLength(3)
  @MaxLength(500)
  reason!: string;
}
export class EditReadingRequest extends EditReadingBody {
  @uuidParam()
  id!: string;
}

export class RejectReadingBody {
  @ApiProperty({ example: 'Photo shows another meter' })
  @IsString()
  @MinLength(3)
  @MaxLength(500)
  reason!: string;
}
export class RejectReadingRequest extends RejectReadingBody {
  @uuidParam()
  id!: string;
}

// ------------------------------------------------------------------ consumption

export class ClosePeriodRequest {
  @ApiProperty({ example: '2026-01', description: 'Period key: 2026-01 (monthly) or 2026-B1 (bimonthly)' })
  @Matches(PERIOD_KEY_RE, { message: 'period must be a period key like 2026-11 or 2026-B6' })
  period!: string;

  @ApiPropertyOptional({ example: 'America/Mexico_City', description: "The tenant's time zone (default America/Mexico_City)" })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  timeZone?: string;
}

// ------------------------------------------------------------------ final readings (contract termination)

export const FINAL_READING_STATUSES = ['pending', 'completed'] as const;
export type FinalReadingStatus = (typeof FINAL_READING_STATUSES)[number];

export class ListFinalReadingsQuery extends MeteringPageQuery {
  @ApiPropertyOptional({ enum: FINAL_READING_STATUSES, default: 'pending' })
  @IsOptional()
  @IsIn(FINAL_READING_STATUSES)
  status?: FinalReadingStatus;
}

/** No final reading can be taken (no access, meter gone): an operator has the days served estimated instead. */
export class EstimateFinalReadingBody {
  @ApiProperty({ example: 'No access after three visits' })
  @IsString()
  @MinLength(3)
  @MaxLength(500)
  reason!: string;
}
export class EstimateFinalReadingRequest extends EstimateFinalReadingBody {
  @uuidParam()
  id!: string;
}

/** A field reader's final reading for a terminated contract, on the toma's installed meter. */
export class RecordFinalReadingRequest extends RecordReadingBody {
  @uuidParam()
  id!: string;
}

// ------------------------------------------------------------------ tenant settings

/** No parameters: the tenant comes from the request context. */
export class MeteringSettingsQuery {}

export class UpdateMeteringSettingsRequest {
  @ApiPropertyOptional({ enum: ESTIMATION_METHODS, isArray: true, example: ['average_last_periods', 'same_period_last_year', 'class_average'], description: 'Estimation strategies in the order tried; each at most once' })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(ESTIMATION_METHODS.length)
  @ArrayUnique()
  @IsIn(ESTIMATION_METHODS, { each: true })
  estimationOrder?: EstimationMethod[];

  @ApiPropertyOptional({ example: 'America/Mexico_City', description: "The tenant's time zone: billing periods, reading days and termination instants" })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  timeZone?: string;
}

// RPC operations of the ingestion service (rpc.ingestion.<operation>), used by the demo seed and operators.
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsInt, IsISO8601, IsOptional, IsString, IsUUID, Matches, Max, MaxLength, Min, ValidateNested } from 'class-validator';
import { rpcOp } from '../lib/rpc-registry';
import { METER_ID_RE } from './formats';

export class RegisterMeterInput {
  /** The id telemetry arrives with: serial or device EUI. */
  @Matches(METER_ID_RE)
  meterId!: string;

  @IsOptional()
  @IsUUID('all')
  meterUuid?: string;

  @IsOptional()
  @IsUUID('all')
  tomaId?: string;

  /** Whole-m3 digits of the register (rolls over at 10^digits); default 5. */
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(9)
  registerDigits?: number;

  @IsOptional()
  @IsISO8601({ strict: true })
  installedAt?: string;
}

/** Bulk registration of meters of the caller's tenant (tenant id from the request context). */
export class RegisterMetersRequest {
  /** The tenant's slug as it appears in telemetry subjects; defaults to the request context's slug. */
  @IsOptional()
  @Matches(/^[a-z0-9-]{1,63}$/)
  tenantSlug?: string;

  /** IANA time zone of the tenant's days (summaries); default America/Mexico_City. */
  @IsOptional()
  @IsString()
  @MaxLength(64)
  timeZone?: string;

  @IsArray()
  @ArrayMaxSize(50_000)
  @ValidateNested({ each: true })
  @Type(() => RegisterMeterInput)
  meters!: RegisterMeterInput[];
}

export interface RegisterMetersReply {
  registered: number;
  /** Quarantined readings of these meters now stored in telemetry.readings. */
  replayed: number;
}

/** Replays quarantined readings of the caller's tenant whose meters are now known. */
export class ReplayQuarantineRequest {
  @IsOptional()
  @IsArray()
  @Matches(METER_ID_RE, { each: true })
  meterIds?: string[];
}

export interface ReplayQuarantineReply {
  replayed: number;
  stillQuarantined: number;
}

export const INGESTION_RPC = {
  registerMeters: rpcOp('ingestion', 'meters.register', 'ingestion.meters.register'),
  replayQuarantine: rpcOp('ingestion', 'quarantine.replay', 'ingestion.quarantine.replay'),
} as const;

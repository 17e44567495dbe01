import { IdParam, PageQuery, uuidParam } from '../lib/pagination';
// Request DTOs of the billing service. Amounts and volumes are decimal strings, never JSON numbers.
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateNested,
} from 'class-validator';
import { CANCEL_REASONS, FINAL_PRORATIONS, INVOICE_KINDS, INVOICE_STATUSES, type CancelReason, type FinalProration, type InvoiceKind, type InvoiceStatus } from './enums';

const DATE_RE = /^\d{4}-\d{2}-\d{2}$/;
/** A billing period key: "2026-11" (monthly) or "2026-B6" (bimonthly), as metering sends it. */
export const BILLING_PERIOD_KEY_RE = /^\d{4}-(0[1-9]|1[0-2]|B[1-6])$/;
/** Non-negative m3, up to 3 decimals. */
const M3_RE = /^\d{1,9}(\.\d{1,3})?$/;
/** Positive MXN amount, up to 2 decimals. */
const AMOUNT_RE = /^\d{1,12}(\.\d{1,2})?$/;


export class BillingPageQuery extends PageQuery {}

export class BillingIdParam extends IdParam {}

// ------------------------------------------------------------------ tariffs

export class ImportTariffRequest {
  @ApiProperty({ description: 'A `supra.tariff-schedule` v1 document (see apps/billing/src/tariffs/rating/README.md)', type: 'object', additionalProperties: true })
  @IsObject()
  document!: Record<string, unknown>;
}

export class ListTariffsQuery extends BillingPageQuery {
  @ApiPropertyOptional({ description: 'Only versions of this schedule id' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  scheduleId?: string;
}

export class RateCheckRequest {
  @ApiProperty({ example: 'domestica' })
  @IsString()
  @MaxLength(60)
  tariffClass!: string;

  @ApiPropertyOptional({ example: '23.500', description: 'm3 of the period for the whole toma; required when metered' })
  @IsOptional()
  @Matches(M3_RE)
  consumptionM3?: string;

  @ApiPropertyOptional({ minimum: 1, default: 1 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(10_000)
  units?: number;

  @ApiPropertyOptional({ default: true })
  @IsOptional()
  @IsBoolean()
  metered?: boolean;

  @ApiProperty({ example: '2026-11-20', description: 'Date the schedule must be in effect on' })
  @Matches(DATE_RE)
  date!: string;
}

// ------------------------------------------------------------------ tenant fiscal settings

export class CsdUpload {
  @ApiProperty({ description: '.cer file, base64' })
  @IsString()
  @MinLength(100)
  cer!: string;

  @ApiProperty({ description: '.key file (PKCS#8 encrypted DER), base64' })
  @IsString()
  @MinLength(100)
  key!: string;

  @ApiProperty({ description: 'Password of the .key; stored encrypted (AES-256-GCM)' })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  password!: string;
}

export class UpdateFiscalSettingsRequest {
  @ApiProperty({ example: 'EKU9003173C9' })
  @Matches(/^[A-ZÑ&]{3,4}\d{6}[A-Z0-9]{3}$/)
  rfc!: string;

  @ApiProperty({ example: 'ESCUELA KEMPER URGATE' })
  @IsString()
  @MinLength(1)
  @MaxLength(300)
  nombre!: string;

  @ApiProperty({ example: '601' })
  @Matches(/^\d{3}$/)
  regimenFiscal!: string;

  @ApiProperty({ example: '76000', description: 'LugarExpedicion (postal code of issue)' })
  @Matches(/^\d{5}$/)
  lugarExpedicion!: string;

  @ApiPropertyOptional({ example: 'A' })
  @IsOptional()
  @Matches(/^[A-Z0-9]{1,10}$/)
  serie?: string;

  @ApiPropertyOptional({ example: 'NC', description: 'Serie of credit notes' })
  @IsOptional()
  @Matches(/^[A-Z0-9]{1,10}$/)
  serieCreditNotes?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 90, default: 15, description: 'Due date policy: days after issue' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(90)
  dueDays?: number;

  @ApiPropertyOptional({ example: 'America/Mexico_City' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  timeZone?: string;

  @ApiPropertyOptional({ example: '3', description: 'Hold a bill above this multiple of the toma’s average' })
  @IsOptional()
  @Matches(/^\d{1,3}(\.\d{1,2})?$/)
  holdFactor?: string;

  @ApiPropertyOptional({ enum: FINAL_PRORATIONS, default: 'daily', description: 'Final invoice at termination: fixed charges by days served, or in full' })
  @IsOptional()
  @IsIn(FINAL_PRORATIONS)
  finalProration?: FinalProration;

  @ApiPropertyOptional({ type: CsdUpload })
  @IsOptional()
  @ValidateNested()
  @Type(() => CsdUpload)
  csd?: CsdUpload;
}

export class EmptyRequest {}

// ------------------------------------------------------------------ invoices

export class ListInvoicesQuery extends BillingPageQuery {
  @ApiPropertyOptional({ enum: INVOICE_STATUSES })
  @IsOptional()
  @IsIn(INVOICE_STATUSES)
  status?: InvoiceStatus;

  @ApiPropertyOptional({ enum: INVOICE_KINDS })
  @IsOptional()
  @IsIn(INVOICE_KINDS)
  kind?: InvoiceKind;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID('all')
  contractId?: string;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID('all')
  tomaId?: string;

  @ApiPropertyOptional({ example: '2026-11' })
  @IsOptional()
  @Matches(BILLING_PERIOD_KEY_RE)
  period?: string;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID('all')
  billRunId?: string;
}

export class SubstitutionInput {
  @ApiPropertyOptional({ example: '18.000', description: 'Corrected consumption; default: the consumption billed' })
  @IsOptional()
  @Matches(M3_RE)
  consumptionM3?: string;
}

export class CancelInvoiceBody {
  @ApiProperty({ enum: CANCEL_REASONS, description: 'SAT c_MotivoCancelacion; 01 issues a substitute related with TipoRelacion 04' })
  @IsIn(CANCEL_REASONS)
  reason!: CancelReason;

  @ApiPropertyOptional({ type: SubstitutionInput, description: 'Required with reason 01 (`{}` re-bills the same consumption), refused with 02-04' })
  @IsOptional()
  @ValidateNested()
  @Type(() => SubstitutionInput)
  substitution?: SubstitutionInput;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(500)
  note?: string;
}
export class CancelInvoiceRequest extends CancelInvoiceBody {
  @uuidParam()
  id!: string;
}

export class CreditLineInput {
  @ApiProperty({ minimum: 1, description: 'Line number of the invoice being credited' })
  @IsInt()
  @Min(1)
  lineNo!: number;

  @ApiProperty({ example: '50.00', description: 'Amount credited on that line, before tax' })
  @Matches(AMOUNT_RE)
  amount!: string;
}

export class CreditNoteBody {
  @ApiProperty({ example: 'Bonificación por fuga reparada' })
  @IsString()
  @MinLength(3)
  @MaxLength(500)
  reason!: string;

  @ApiPropertyOptional({ type: [CreditLineInput], description: 'Omit to credit the whole invoice' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(200)
  @ValidateNested({ each: true })
  @Type(() => CreditLineInput)
  lines?: CreditLineInput[];
}
export class CreditNoteRequest extends CreditNoteBody {
  @uuidParam()
  id!: string;
}

export class MarkPastDueRequest {
  @ApiPropertyOptional({ example: '2026-12-31', description: 'Local date to evaluate (default today in the tenant’s zone)' })
  @IsOptional()
  @Matches(DATE_RE)
  asOf?: string;
}

// ------------------------------------------------------------------ bill runs

export class StartBillRunRequest {
  @ApiProperty({ example: '2026-11' })
  @Matches(BILLING_PERIOD_KEY_RE)
  period!: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(60)
  sector?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(60)
  route?: string;

  @ApiPropertyOptional({ default: false, description: 'Rate and build the whole cycle, write nothing, reply a summary' })
  @IsOptional()
  @IsBoolean()
  dryRun?: boolean;
}

// ------------------------------------------------------------------ review queue

export class ListBillReviewQueueQuery extends BillingPageQuery {}

export class ReviewDecisionBody {
  @ApiPropertyOptional({ example: 'Leak confirmed by inspector' })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  note?: string;
}
export class ReviewDecisionRequest extends ReviewDecisionBody {
  @uuidParam()
  id!: string;
}

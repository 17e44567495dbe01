import { IdParam, PageQuery, uuidParam } from '../lib/pagination';
// Request DTOs of the customer service. Properties carry explicit types: swc emits design:type from
// annotations. Structure is checked here (class-validator, by the gateway and again by the service's
// ValidationPipe); Mexican identifiers (RFC/CURP check digits, SAT catalogs per person type, postal
// codes) are checked by the service, which answers 422 with per-field codes such as RFC_CHECK_DIGIT.
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsEmail,
  IsIn,
  IsInt,
  IsISO8601,
  IsLatitude,
  IsLongitude,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateNested,
} from 'class-validator';
import {
  ARCO_RIGHTS,
  ARCO_STATUSES,
  BILLING_PERIODS,
  BILLING_TYPES,
  CONTACT_CHANNEL_KINDS,
  CONTRACT_STATUSES,
  HOLDER_CHANGE_KINDS,
  PAYMENT_METHODS,
  PERSON_TYPES,
  TOMA_STATUSES,
  TOMA_TYPES,
  VULNERABILITY_KINDS,
  type ArcoRight,
  type ArcoStatus,
  type BillingPeriodKind,
  type BillingType,
  type ContactChannelKind,
  type ContractStatus,
  type HolderChangeKind,
  type PaymentMethodKind,
  type PersonTypeValue,
  type TomaStatus,
  type TomaType,
  type VulnerabilityKind,
} from './enums';

const DATE_RE = /^\d{4}-\d{2}-\d{2}$/;
const PHONE_RE = /^\+?[0-9][0-9 ()-]{6,19}$/;
/** A non-negative MXN amount as a decimal string (never a JS number). */
const AMOUNT_RE = /^\d{1,12}(\.\d{1,2})?$/;

/** Query strings arrive as text: 'true'/'false' become booleans, anything else fails IsBoolean. */
const toBoolean = ({ value }: { value: unknown }): unknown => (value === 'true' ? true : value === 'false' ? false : value);


// ------------------------------------------------------------------ pagination

export class CustomerPageQuery extends PageQuery {}

export class CustomerIdParam extends IdParam {}

// ------------------------------------------------------------------ persons

export class ContactChannelInput {
  @ApiProperty({ enum: CONTACT_CHANNEL_KINDS })
  @IsIn(CONTACT_CHANNEL_KINDS)
  kind!: ContactChannelKind;

  @ApiProperty({ example: '+52 442 123 4567', description: 'E-mail address or phone number' })
  @IsString()
  @MinLength(3)
  @MaxLength(200)
  value!: string;

  @ApiPropertyOptional({ description: 'Preferred channel of its kind' })
  @IsOptional()
  @IsBoolean()
  primary?: boolean;

  @ApiPropertyOptional({ description: 'The holder consents to notices through this channel (LFPDPPP)' })
  @IsOptional()
  @IsBoolean()
  consent?: boolean;
}

export class PrivacyNoticeAcceptance {
  @ApiProperty({ example: '2025-01', description: 'Version of the aviso de privacidad the holder accepted' })
  @IsString()
  @MinLength(1)
  @MaxLength(40)
  version!: string;

  @ApiPropertyOptional({ format: 'date-time', description: 'When it was accepted (default: now)' })
  @IsOptional()
  @IsISO8601({ strict: true })
  acceptedAt?: string;
}

export class VulnerabilityInput {
  @ApiProperty({ enum: VULNERABILITY_KINDS })
  @IsIn(VULNERABILITY_KINDS)
  kind!: VulnerabilityKind;

  @ApiProperty({ example: 'INAPAM 1234567', description: 'Evidence: document type and number or file reference' })
  @IsString()
  @MinLength(3)
  @MaxLength(500)
  evidence!: string;

  @ApiProperty({ format: 'date', example: '2025-01-01' })
  @Matches(DATE_RE, { message: 'validFrom must be YYYY-MM-DD' })
  @IsISO8601({ strict: true })
  validFrom!: string;

  @ApiPropertyOptional({ format: 'date', example: '2027-12-31', description: 'Open-ended when absent' })
  @IsOptional()
  @Matches(DATE_RE, { message: 'validUntil must be YYYY-MM-DD' })
  @IsISO8601({ strict: true })
  validUntil?: string;
}

export class CreatePersonRequest {
  @ApiProperty({ enum: PERSON_TYPES })
  @IsIn(PERSON_TYPES)
  personType!: PersonTypeValue;

  @ApiProperty({ example: 'María José Hernández López', description: 'Full name or razón social' })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  name!: string;

  @ApiPropertyOptional({ example: 'María José' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  firstName?: string;

  @ApiPropertyOptional({ example: 'Hernández' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  lastNamePaterno?: string;

  @ApiPropertyOptional({ example: 'López' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  lastNameMaterno?: string;

  @ApiPropertyOptional({ example: 'HELM850101AB1', description: '13 chars (física) or 12 (moral); check digit verified' })
  @IsOptional()
  @IsString()
  @MaxLength(20)
  rfc?: string;

  @ApiPropertyOptional({ example: 'HELM850101MQTRPR05', description: 'Física only; check digit verified' })
  @IsOptional()
  @IsString()
  @MaxLength(24)
  curp?: string;

  @ApiPropertyOptional({ example: 'maria@example.mx', description: 'Shorthand for a primary email channel' })
  @IsOptional()
  @IsEmail()
  @MaxLength(200)
  email?: string;

  @ApiPropertyOptional({ example: '4421234567', description: 'Shorthand for a primary phone channel' })
  @IsOptional()
  @Matches(PHONE_RE, { message: 'phone must be a phone number' })
  phone?: string;

  @ApiPropertyOptional({ example: '605', description: 'SAT c_RegimenFiscal valid for the person type' })
  @IsOptional()
  @IsString()
  @Length(3, 3)
  regimenFiscal?: string;

  @ApiPropertyOptional({ example: 'S01', description: 'SAT c_UsoCFDI valid for the person type and regime' })
  @IsOptional()
  @IsString()
  @Length(3, 4)
  usoCfdi?: string;

  @ApiPropertyOptional({ example: '76000', description: 'Código postal of the domicilio fiscal (CFDI 4.0)' })
  @IsOptional()
  @IsString()
  postalCode?: string;

  @ApiPropertyOptional({ type: [ContactChannelInput] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @ValidateNested({ each: true })
  @Type(() => ContactChannelInput)
  contactChannels?: ContactChannelInput[];

  @ApiPropertyOptional({ type: PrivacyNoticeAcceptance })
  @IsOptional()
  @ValidateNested()
  @Type(() => PrivacyNoticeAcceptance)
  privacyNotice?: PrivacyNoticeAcceptance;

  @ApiPropertyOptional({ type: [VulnerabilityInput] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(10)
  @ValidateNested({ each: true })
  @Type(() => VulnerabilityInput)
  vulnerabilities?: VulnerabilityInput[];
}

/** PATCH /persons/:id body. The person type cannot change (a física does not become a moral). */
export class UpdatePersonBody {
  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  name?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(100)
  firstName?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(100)
  lastNamePaterno?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(100)
  lastNameMaterno?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(20)
  rfc?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(24)
  curp?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsEmail()
  @MaxLength(200)
  email?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @Matches(PHONE_RE, { message: 'phone must be a phone number' })
  phone?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @Length(3, 3)
  regimenFiscal?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @Length(3, 4)
  usoCfdi?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  postalCode?: string;

  @ApiPropertyOptional({ type: [ContactChannelInput], description: 'Replaces the whole list' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @ValidateNested({ each: true })
  @Type(() => ContactChannelInput)
  contactChannels?: ContactChannelInput[];

  @ApiPropertyOptional({ type: PrivacyNoticeAcceptance })
  @IsOptional()
  @ValidateNested()
  @Type(() => PrivacyNoticeAcceptance)
  privacyNotice?: PrivacyNoticeAcceptance;
}

export class UpdatePersonRequest extends UpdatePersonBody {
  @uuidParam()
  id!: string;
}

export class AddVulnerabilityRequest extends VulnerabilityInput {
  @uuidParam()
  id!: string;
}

export class SearchPersonsQuery {
  @ApiProperty({ example: 'jose hernandez', description: 'Name, RFC, CURP or phone; accents are ignored' })
  @IsString()
  @MinLength(2)
  @MaxLength(100)
  q!: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 50, default: 10 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(50)
  limit?: number = 10;
}

export class ListPersonsQuery extends CustomerPageQuery {
  @ApiPropertyOptional({ enum: PERSON_TYPES })
  @IsOptional()
  @IsIn(PERSON_TYPES)
  personType?: PersonTypeValue;

  @ApiPropertyOptional({ description: 'Only persons with a vulnerability valid today' })
  @IsOptional()
  @Transform(toBoolean)
  @IsBoolean()
  vulnerable?: boolean;
}

// ------------------------------------------------------------------ tomas

export class AddressInput {
  @ApiProperty({ example: 'Av. Constituyentes' })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  street!: string;

  @ApiProperty({ example: '120' })
  @IsString()
  @MinLength(1)
  @MaxLength(20)
  exteriorNumber!: string;

  @ApiPropertyOptional({ example: '4B' })
  @IsOptional()
  @IsString()
  @MaxLength(20)
  interiorNumber?: string;

  @ApiProperty({ example: 'Centro' })
  @IsString()
  @MinLength(1)
  @MaxLength(120)
  colonia!: string;

  @ApiProperty({ example: 'Querétaro' })
  @IsString()
  @MinLength(1)
  @MaxLength(120)
  municipality!: string;

  @ApiProperty({ example: 'Querétaro' })
  @IsString()
  @MinLength(1)
  @MaxLength(120)
  state!: string;

  @ApiProperty({ example: '76000' })
  @IsString()
  postalCode!: string;

  @ApiPropertyOptional({ example: 'Entre calle 5 y 6, portón verde' })
  @IsOptional()
  @IsString()
  @MaxLength(300)
  references?: string;
}

export class CreateTomaRequest {
  @ApiPropertyOptional({ example: 'T-000123', description: 'Assigned from the tenant counter when absent' })
  @IsOptional()
  @Matches(/^[A-Z0-9][A-Z0-9-]{0,29}$/, { message: 'tomaNumber must be upper-case letters, digits and hyphens' })
  tomaNumber?: string;

  @ApiProperty({ enum: TOMA_TYPES })
  @IsIn(TOMA_TYPES)
  tomaType!: TomaType;

  @ApiPropertyOptional({ enum: TOMA_STATUSES, default: 'pendiente_alta' })
  @IsOptional()
  @IsIn(TOMA_STATUSES)
  status?: TomaStatus;

  @ApiProperty({ enum: BILLING_TYPES })
  @IsIn(BILLING_TYPES)
  billingType!: BillingType;

  @ApiPropertyOptional({ minimum: 1, default: 1, description: 'Dwellings or premises served (condominios)' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(10_000)
  unitsServed?: number;

  @ApiPropertyOptional({ example: 'S-01' })
  @IsOptional()
  @IsString()
  @MaxLength(40)
  sector?: string;

  @ApiPropertyOptional({ example: 'R-014' })
  @IsOptional()
  @IsString()
  @MaxLength(40)
  route?: string;

  @ApiPropertyOptional({ example: 20.5888 })
  @IsOptional()
  @IsLatitude()
  latitude?: number;

  @ApiPropertyOptional({ example: -100.3899 })
  @IsOptional()
  @IsLongitude()
  longitude?: number;

  @ApiProperty({ type: AddressInput })
  @ValidateNested()
  @Type(() => AddressInput)
  address!: AddressInput;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(1000)
  notes?: string;
}

export class UpdateTomaBody {
  @ApiPropertyOptional({ enum: TOMA_TYPES })
  @IsOptional()
  @IsIn(TOMA_TYPES)
  tomaType?: TomaType;

  @ApiPropertyOptional({ enum: TOMA_STATUSES })
  @IsOptional()
  @IsIn(TOMA_STATUSES)
  status?: TomaStatus;

  @ApiPropertyOptional({ enum: BILLING_TYPES })
  @IsOptional()
  @IsIn(BILLING_TYPES)
  billingType?: BillingType;

  @ApiPropertyOptional({ minimum: 1 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(10_000)
  unitsServed?: number;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(40)
  sector?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(40)
  route?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsLatitude()
  latitude?: number;

  @ApiPropertyOptional()
  @IsOptional()
  @IsLongitude()
  longitude?: number;

  @ApiPropertyOptional({ type: AddressInput, description: 'Replaces the address' })
  @IsOptional()
  @ValidateNested()
  @Type(() => AddressInput)
  address?: AddressInput;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(1000)
  notes?: string;
}

export class UpdateTomaRequest extends UpdateTomaBody {
  @uuidParam()
  id!: string;
}

export class ListTomasQuery extends CustomerPageQuery {
  @ApiPropertyOptional({ enum: TOMA_STATUSES })
  @IsOptional()
  @IsIn(TOMA_STATUSES)
  status?: TomaStatus;

  @ApiPropertyOptional({ enum: TOMA_TYPES })
  @IsOptional()
  @IsIn(TOMA_TYPES)
  tomaType?: TomaType;

  @ApiPropertyOptional({ enum: BILLING_TYPES })
  @IsOptional()
  @IsIn(BILLING_TYPES)
  billingType?: BillingType;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(40)
  sector?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(40)
  route?: string;

  @ApiPropertyOptional({ description: 'Toma number prefix, street or colonia (accents ignored)' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  q?: string;
}

// ------------------------------------------------------------------ contracts

export class CreateContractRequest {
  @ApiProperty({ format: 'uuid' })
  @IsUUID('all')
  tomaId!: string;

  @ApiProperty({ format: 'uuid', description: 'The holder (titular)' })
  @IsUUID('all')
  personId!: string;

  @ApiPropertyOptional({ enum: TOMA_TYPES, description: "Tariff class; the toma's type when absent" })
  @IsOptional()
  @IsIn(TOMA_TYPES)
  tariffCategory?: TomaType;

  @ApiPropertyOptional({ enum: BILLING_PERIODS, default: 'mensual' })
  @IsOptional()
  @IsIn(BILLING_PERIODS)
  billingPeriod?: BillingPeriodKind;

  @ApiPropertyOptional({ enum: PAYMENT_METHODS, default: 'ventanilla' })
  @IsOptional()
  @IsIn(PAYMENT_METHODS)
  paymentMethod?: PaymentMethodKind;

  @ApiPropertyOptional({ format: 'date', description: 'Default: today (America/Mexico_City)' })
  @IsOptional()
  @Matches(DATE_RE, { message: 'startDate must be YYYY-MM-DD' })
  @IsISO8601({ strict: true })
  startDate?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(1000)
  notes?: string;
}

export class UpdateContractBody {
  @ApiPropertyOptional({ enum: TOMA_TYPES })
  @IsOptional()
  @IsIn(TOMA_TYPES)
  tariffCategory?: TomaType;

  @ApiPropertyOptional({ enum: BILLING_PERIODS })
  @IsOptional()
  @IsIn(BILLING_PERIODS)
  billingPeriod?: BillingPeriodKind;

  @ApiPropertyOptional({ enum: PAYMENT_METHODS })
  @IsOptional()
  @IsIn(PAYMENT_METHODS)
  paymentMethod?: PaymentMethodKind;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(1000)
  notes?: string;
}

export class UpdateContractRequest extends UpdateContractBody {
  @uuidParam()
  id!: string;
}

export class TerminateContractBody {
  @ApiProperty({ example: 'Solicitud del titular' })
  @IsString()
  @MinLength(1)
  @MaxLength(500)
  reason!: string;

  @ApiPropertyOptional({ format: 'date', description: 'Default: today; metering takes the final reading on it' })
  @IsOptional()
  @Matches(DATE_RE, { message: 'effectiveDate must be YYYY-MM-DD' })
  @IsISO8601({ strict: true })
  effectiveDate?: string;
}

export class TerminateContractRequest extends TerminateContractBody {
  @uuidParam()
  id!: string;
}

export class SuspendContractBody {
  @ApiProperty({ example: 'Solicitud del titular por ausencia' })
  @IsString()
  @MinLength(1)
  @MaxLength(500)
  reason!: string;
}

export class SuspendContractRequest extends SuspendContractBody {
  @uuidParam()
  id!: string;
}

export class ReactivateContractRequest extends CustomerIdParam {}

export class ChangeHolderBody {
  @ApiProperty({ format: 'uuid' })
  @IsUUID('all')
  newPersonId!: string;

  @ApiPropertyOptional({ enum: HOLDER_CHANGE_KINDS, default: 'cambio_titular' })
  @IsOptional()
  @IsIn(HOLDER_CHANGE_KINDS)
  kind?: HolderChangeKind;

  @ApiProperty({ description: 'The new holder takes on the outstanding debt' })
  @IsBoolean()
  transferDebt!: boolean;

  @ApiPropertyOptional({ example: '1250.50', description: 'Debt acknowledged at the change, MXN decimal string' })
  @IsOptional()
  @Matches(AMOUNT_RE, { message: 'debtAmount must be a decimal string with up to 2 decimals' })
  debtAmount?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(500)
  reason?: string;

  @ApiPropertyOptional({ format: 'date' })
  @IsOptional()
  @Matches(DATE_RE, { message: 'effectiveDate must be YYYY-MM-DD' })
  @IsISO8601({ strict: true })
  effectiveDate?: string;
}

export class ChangeHolderRequest extends ChangeHolderBody {
  @uuidParam()
  id!: string;
}

export class ListContractsQuery extends CustomerPageQuery {
  @ApiPropertyOptional({ enum: CONTRACT_STATUSES })
  @IsOptional()
  @IsIn(CONTRACT_STATUSES)
  status?: ContractStatus;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID('all')
  personId?: string;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID('all')
  tomaId?: string;

  @ApiPropertyOptional({ description: 'Contract number prefix' })
  @IsOptional()
  @IsString()
  @MaxLength(40)
  q?: string;
}

// ------------------------------------------------------------------ ARCO

export class CreateArcoRequest {
  @ApiProperty({ format: 'uuid', description: 'The data holder (titular de los datos)' })
  @IsUUID('all')
  personId!: string;

  @ApiProperty({ enum: ARCO_RIGHTS })
  @IsIn(ARCO_RIGHTS)
  right!: ArcoRight;

  @ApiProperty({ example: 'Solicito copia de mis datos personales' })
  @IsString()
  @MinLength(1)
  @MaxLength(4000)
  description!: string;

  @ApiPropertyOptional({ example: 'ventanilla' })
  @IsOptional()
  @IsString()
  @MaxLength(40)
  channel?: string;

  @ApiPropertyOptional({ format: 'date-time', description: 'When the request was received (default: now)' })
  @IsOptional()
  @IsISO8601({ strict: true })
  receivedAt?: string;
}

export class UpdateArcoBody {
  @ApiProperty({ enum: ARCO_STATUSES })
  @IsIn(ARCO_STATUSES)
  status!: ArcoStatus;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(4000)
  resolution?: string;
}

export class UpdateArcoRequest extends UpdateArcoBody {
  @uuidParam()
  id!: string;
}

export class ListArcoQuery extends CustomerPageQuery {
  @ApiPropertyOptional({ enum: ARCO_STATUSES })
  @IsOptional()
  @IsIn(ARCO_STATUSES)
  status?: ArcoStatus;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID('all')
  personId?: string;

  @ApiPropertyOptional({ description: 'Only open requests past their legal deadline' })
  @IsOptional()
  @Transform(toBoolean)
  @IsBoolean()
  overdue?: boolean;
}

// Events the customer service publishes (stream CUSTOMER, subject events.<tenant>.<type>). The
// ce-subject of each is the aggregate id (personId, tomaId, contractId). Personal data is kept to
// what consumers need (billing: fiscal data; collections: vulnerability); contact details stay in
// customer and are read through RPC (LFPDPPP data minimisation).
import { IsArray, IsBoolean, IsIn, IsInt, IsNumber, IsOptional, IsString, IsUUID, Matches, Min } from 'class-validator';
import { defineEvent } from '../lib/event-registry';
import {
  ARCO_RIGHTS,
  ARCO_STATUSES,
  BILLING_PERIODS,
  BILLING_TYPES,
  CONTRACT_STATUSES,
  HOLDER_CHANGE_KINDS,
  PERSON_TYPES,
  TOMA_STATUSES,
  TOMA_TYPES,
  VULNERABILITY_KINDS,
  type ArcoRight,
  type ArcoStatus,
  type BillingPeriodKind,
  type BillingType,
  type ContractStatus,
  type HolderChangeKind,
  type PersonTypeValue,
  type TomaStatus,
  type TomaType,
  type VulnerabilityKind,
} from './enums';

const DATE_RE = /^\d{4}-\d{2}-\d{2}$/;

export class PersonSnapshotData {
  @IsUUID('all') personId!: string;
  @IsIn(PERSON_TYPES) personType!: PersonTypeValue;
  @IsString() name!: string;
  @IsOptional() @IsString() rfc?: string | null;
  @IsOptional() @IsString() curp?: string | null;
  @IsOptional() @IsString() regimenFiscal?: string | null;
  @IsOptional() @IsString() usoCfdi?: string | null;
  @IsOptional() @IsString() postalCode?: string | null;
  /** Vulnerability kinds valid on the event's date: collections must not cut these off. */
  @IsArray() @IsIn(VULNERABILITY_KINDS, { each: true }) vulnerabilities!: VulnerabilityKind[];
}

export class PersonCreatedData extends PersonSnapshotData {}

export class PersonUpdatedData extends PersonSnapshotData {
  /** Names of the fields that changed (`vulnerabilities`, `contactChannels` included). */
  @IsArray() @IsString({ each: true }) changed!: string[];
}

export class TomaSnapshotData {
  @IsUUID('all') tomaId!: string;
  @IsString() tomaNumber!: string;
  @IsIn(TOMA_TYPES) tomaType!: TomaType;
  @IsIn(TOMA_STATUSES) status!: TomaStatus;
  @IsIn(BILLING_TYPES) billingType!: BillingType;
  @IsInt() @Min(1) unitsServed!: number;
  @IsOptional() @IsString() sector?: string | null;
  @IsOptional() @IsString() route?: string | null;
  @IsOptional() @IsNumber() latitude?: number | null;
  @IsOptional() @IsNumber() longitude?: number | null;
  @IsString() postalCode!: string;
}

export class TomaCreatedData extends TomaSnapshotData {}

export class TomaUpdatedData extends TomaSnapshotData {
  @IsArray() @IsString({ each: true }) changed!: string[];
  /** Present when the status changed. */
  @IsOptional() @IsIn(TOMA_STATUSES) previousStatus?: TomaStatus;
}

export class ContractSnapshotData {
  @IsUUID('all') contractId!: string;
  @IsString() contractNumber!: string;
  @IsUUID('all') tomaId!: string;
  @IsString() tomaNumber!: string;
  @IsUUID('all') personId!: string;
  @IsIn(CONTRACT_STATUSES) status!: ContractStatus;
  @IsIn(TOMA_TYPES) tariffCategory!: TomaType;
  @IsIn(BILLING_PERIODS) billingPeriod!: BillingPeriodKind;
  @Matches(DATE_RE) startDate!: string;
}

export class ContractCreatedData extends ContractSnapshotData {
  /** The contract it replaces when born of a change of holder or subrogation. */
  @IsOptional() @IsUUID('all') previousContractId?: string | null;
}

export class ContractTerminatedData {
  @IsUUID('all') contractId!: string;
  @IsString() contractNumber!: string;
  @IsUUID('all') tomaId!: string;
  @IsString() tomaNumber!: string;
  @IsUUID('all') personId!: string;
  @IsString() reason!: string;
  /** The day the contract ends: metering takes the final reading on it. */
  @Matches(DATE_RE) effectiveDate!: string;
  /** Always true for a baja: metering schedules (or estimates) a final reading. */
  @IsBoolean() finalReadingRequested!: boolean;
  /** Set when the termination is part of a change of holder (the toma stays in service). */
  @IsOptional() @IsIn(HOLDER_CHANGE_KINDS) holderChange?: HolderChangeKind;
}

export class ContractHolderChangedData {
  @IsIn(HOLDER_CHANGE_KINDS) kind!: HolderChangeKind;
  @IsUUID('all') previousContractId!: string;
  @IsString() previousContractNumber!: string;
  @IsUUID('all') contractId!: string;
  @IsString() contractNumber!: string;
  @IsUUID('all') tomaId!: string;
  @IsString() tomaNumber!: string;
  @IsUUID('all') previousPersonId!: string;
  @IsUUID('all') newPersonId!: string;
  /** Collections/billing move the previous holder's open balance to the new contract when true. */
  @IsBoolean() transferDebt!: boolean;
  /** The debt acknowledged at the change, as a decimal string (MXN), when stated. */
  @IsOptional() @Matches(/^\d{1,12}(\.\d{1,2})?$/) debtAmount?: string | null;
  @Matches(DATE_RE) effectiveDate!: string;
}

export class ContractSuspendedData {
  @IsUUID('all') contractId!: string;
  @IsString() contractNumber!: string;
  @IsUUID('all') tomaId!: string;
  @IsString() tomaNumber!: string;
  @IsUUID('all') personId!: string;
  @IsString() reason!: string;
}

export class ContractReactivatedData {
  @IsUUID('all') contractId!: string;
  @IsString() contractNumber!: string;
  @IsUUID('all') tomaId!: string;
  @IsString() tomaNumber!: string;
  @IsUUID('all') personId!: string;
}

export class ContractUpdatedData extends ContractSnapshotData {
  @IsArray() @IsString({ each: true }) changed!: string[];
}

export class ArcoRequestData {
  @IsUUID('all') requestId!: string;
  @IsString() folio!: string;
  @IsUUID('all') personId!: string;
  @IsIn(ARCO_RIGHTS) right!: ArcoRight;
  @IsIn(ARCO_STATUSES) status!: ArcoStatus;
  @Matches(DATE_RE) dueDate!: string;
}

export const CustomerEvents = {
  personCreated: defineEvent('customer.person.created.v1', PersonCreatedData, 'A person (física or moral) was registered'),
  personUpdated: defineEvent('customer.person.updated.v1', PersonUpdatedData, 'A person changed (fiscal data, contact channels, vulnerability flags)'),
  tomaCreated: defineEvent('customer.toma.created.v1', TomaCreatedData, 'A toma (service connection) was registered'),
  tomaUpdated: defineEvent('customer.toma.updated.v1', TomaUpdatedData, 'A toma changed (status, class, billing type, location)'),
  contractCreated: defineEvent('customer.contract.created.v1', ContractCreatedData, 'Alta: a toma was contracted to a holder'),
  contractUpdated: defineEvent('customer.contract.updated.v1', ContractUpdatedData, 'Contract terms changed (tariff class, period, payment method)'),
  contractTerminated: defineEvent('customer.contract.terminated.v1', ContractTerminatedData, 'Baja: a contract ended; metering takes a final reading'),
  contractHolderChanged: defineEvent('customer.contract.holder-changed.v1', ContractHolderChangedData, 'Cambio de titular or subrogation, with the debt-transfer flag'),
  contractSuspended: defineEvent('customer.contract.suspended.v1', ContractSuspendedData, 'A contract was suspended'),
  contractReactivated: defineEvent('customer.contract.reactivated.v1', ContractReactivatedData, 'A suspended contract was reactivated'),
  arcoRequestReceived: defineEvent('customer.arco-request.received.v1', ArcoRequestData, 'An ARCO request was recorded with its legal deadline'),
  arcoRequestUpdated: defineEvent('customer.arco-request.updated.v1', ArcoRequestData, 'An ARCO request changed state'),
} as const;

/** Typed map from customer event type to its data. */
export interface CustomerEventMap {
  'customer.person.created.v1': PersonCreatedData;
  'customer.person.updated.v1': PersonUpdatedData;
  'customer.toma.created.v1': TomaCreatedData;
  'customer.toma.updated.v1': TomaUpdatedData;
  'customer.contract.created.v1': ContractCreatedData;
  'customer.contract.updated.v1': ContractUpdatedData;
  'customer.contract.terminated.v1': ContractTerminatedData;
  'customer.contract.holder-changed.v1': ContractHolderChangedData;
  'customer.contract.suspended.v1': ContractSuspendedData;
  'customer.contract.reactivated.v1': ContractReactivatedData;
  'customer.arco-request.received.v1': ArcoRequestData;
  'customer.arco-request.updated.v1': ArcoRequestData;
}

export type CustomerEventType = keyof CustomerEventMap;

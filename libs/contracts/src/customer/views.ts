import type {
  ArcoRight,
  ArcoStatus,
  BillingPeriodKind,
  BillingType,
  ContactChannelKind,
  ContractStatus,
  HolderChangeKind,
  PaymentMethodKind,
  PersonTypeValue,
  TomaStatus,
  TomaType,
  VulnerabilityKind,
} from './enums';

/** Reply shapes of the customer RPC operations (JSON: dates as ISO strings, money as decimal strings). */
export interface ContactChannelView {
  kind: ContactChannelKind;
  value: string;
  primary: boolean;
  consent: boolean;
  /** When consent was last given or withdrawn. */
  consentAt: string | null;
}

export interface VulnerabilityView {
  id: string;
  kind: VulnerabilityKind;
  evidence: string;
  validFrom: string;
  validUntil: string | null;
  /** Valid today (America/Mexico_City). */
  current: boolean;
}

export interface PersonView {
  id: string;
  personType: PersonTypeValue;
  name: string;
  firstName: string | null;
  lastNamePaterno: string | null;
  lastNameMaterno: string | null;
  rfc: string | null;
  curp: string | null;
  email: string | null;
  phone: string | null;
  regimenFiscal: string | null;
  usoCfdi: string | null;
  postalCode: string | null;
  contactChannels: ContactChannelView[];
  privacyNoticeVersion: string | null;
  privacyNoticeAcceptedAt: string | null;
  vulnerabilities: VulnerabilityView[];
  vulnerable: boolean;
  createdAt: string;
  updatedAt: string;
}

export interface PersonSearchHit {
  id: string;
  personType: PersonTypeValue;
  name: string;
  rfc: string | null;
  curp: string | null;
  phone: string | null;
  /** 0..1, higher is closer. */
  score: number;
}

export interface AddressView {
  id: string;
  street: string;
  exteriorNumber: string;
  interiorNumber: string | null;
  colonia: string;
  municipality: string;
  state: string;
  postalCode: string;
  references: string | null;
}

export interface TomaView {
  id: string;
  tomaNumber: string;
  tomaType: TomaType;
  status: TomaStatus;
  billingType: BillingType;
  unitsServed: number;
  sector: string | null;
  route: string | null;
  latitude: number | null;
  longitude: number | null;
  address: AddressView;
  notes: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface ContractView {
  id: string;
  contractNumber: string;
  tomaId: string;
  tomaNumber: string;
  personId: string;
  status: ContractStatus;
  tariffCategory: TomaType;
  billingPeriod: BillingPeriodKind;
  paymentMethod: PaymentMethodKind;
  startDate: string;
  endDate: string | null;
  terminationReason: string | null;
  suspensionReason: string | null;
  /** The contract this one replaced by a change of holder or subrogation. */
  previousContractId: string | null;
  notes: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface HolderChangeView {
  kind: HolderChangeKind;
  transferDebt: boolean;
  debtAmount: string | null;
  previous: ContractView;
  current: ContractView;
}

export interface ArcoRequestView {
  id: string;
  folio: string;
  personId: string;
  right: ArcoRight;
  status: ArcoStatus;
  description: string;
  channel: string | null;
  receivedAt: string;
  /** Legal deadline: 20 business days (LFPDPPP art. 32), weekends and federal holidays skipped. */
  dueDate: string;
  overdue: boolean;
  resolution: string | null;
  resolvedAt: string | null;
  /** For `acceso`: the holder's data as held on the day of the request. */
  export: Record<string, unknown> | null;
  createdAt: string;
}

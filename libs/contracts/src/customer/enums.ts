/**
 * Closed vocabularies of the customer context. Values keep the business's Spanish terms
 * (ARCHITECTURE.md §9); they travel unchanged in requests, replies and events.
 */
export const PERSON_TYPES = ['fisica', 'moral'] as const;
export type PersonTypeValue = (typeof PERSON_TYPES)[number];

export const CONTACT_CHANNEL_KINDS = ['email', 'telefono', 'whatsapp', 'sms'] as const;
export type ContactChannelKind = (typeof CONTACT_CHANNEL_KINDS)[number];

export const VULNERABILITY_KINDS = ['adulto_mayor', 'discapacidad', 'pobreza', 'salud'] as const;
export type VulnerabilityKind = (typeof VULNERABILITY_KINDS)[number];

/** Use classes of a toma; the domestic class is split by socio-economic level as tariffs are. */
export const TOMA_TYPES = [
  'domestica_popular',
  'domestica_media',
  'domestica_residencial',
  'comercial',
  'industrial',
  'publico',
  'mixta',
  'rural',
  'hidrante',
  'temporal',
] as const;
export type TomaType = (typeof TOMA_TYPES)[number];

export const TOMA_STATUSES = ['pendiente_alta', 'activa', 'suspendida', 'restringida', 'cortada', 'baja'] as const;
export type TomaStatus = (typeof TOMA_STATUSES)[number];

export const BILLING_TYPES = ['medido', 'cuota_fija', 'estimado'] as const;
export type BillingType = (typeof BILLING_TYPES)[number];

export const BILLING_PERIODS = ['mensual', 'bimestral'] as const;
export type BillingPeriodKind = (typeof BILLING_PERIODS)[number];

export const PAYMENT_METHODS = ['ventanilla', 'domiciliacion', 'portal_web'] as const;
export type PaymentMethodKind = (typeof PAYMENT_METHODS)[number];

/** `activo` and `suspendido` hold the toma: only one such contract per toma at a time. */
export const CONTRACT_STATUSES = ['activo', 'suspendido', 'baja'] as const;
export type ContractStatus = (typeof CONTRACT_STATUSES)[number];

export const HOLDER_CHANGE_KINDS = ['cambio_titular', 'subrogacion'] as const;
export type HolderChangeKind = (typeof HOLDER_CHANGE_KINDS)[number];

/** LFPDPPP ARCO rights: Acceso, Rectificación, Cancelación, Oposición. */
export const ARCO_RIGHTS = ['acceso', 'rectificacion', 'cancelacion', 'oposicion'] as const;
export type ArcoRight = (typeof ARCO_RIGHTS)[number];

export const ARCO_STATUSES = ['recibida', 'en_proceso', 'procedente', 'improcedente', 'atendida'] as const;
export type ArcoStatus = (typeof ARCO_STATUSES)[number];

import type { ContactChannelInput, ContactChannelView, PersonTypeValue, VulnerabilityInput } from '@supra/contracts';
import {
  C_USO_CFDI,
  isRegimenFiscal,
  isRegimenValidFor,
  isUsoCfdi,
  isUsoCfdiValidFor,
  validateCurp,
  validatePostalCode,
  validateRfc,
} from '@supra/domain/mexico';
import type { FieldError } from '@supra/platform/errors';

/**
 * Pure rules for a person's identifiers, fiscal data and contact channels. Every problem is
 * reported at once (a form shows them all), with codes from @supra/domain/mexico where they exist.
 */
export interface IdentityInput {
  personType: PersonTypeValue;
  rfc?: string | null;
  curp?: string | null;
  regimenFiscal?: string | null;
  usoCfdi?: string | null;
  postalCode?: string | null;
}

export interface NormalizedIdentity {
  rfc: string | null;
  curp: string | null;
  regimenFiscal: string | null;
  usoCfdi: string | null;
  postalCode: string | null;
}

const err = (field: string, code: string, message: string): FieldError => ({ field, code, message });

export function checkIdentity(input: IdentityInput): { errors: FieldError[]; value: NormalizedIdentity } {
  const errors: FieldError[] = [];
  const value: NormalizedIdentity = { rfc: null, curp: null, regimenFiscal: null, usoCfdi: null, postalCode: null };
  const { personType } = input;

  if (input.rfc) {
    const r = validateRfc(input.rfc);
    value.rfc = r.normalized;
    if (!r.valid) errors.push(err('rfc', r.errorCode ?? 'RFC_FORMAT', `RFC ${r.normalized} is not valid (${r.errorCode})`));
    else if (!r.generic && r.kind !== personType) {
      errors.push(err('rfc', 'RFC_PERSON_TYPE', `A ${personType} RFC has ${personType === 'fisica' ? 13 : 12} characters`));
    }
  }

  if (input.curp) {
    const c = validateCurp(input.curp);
    value.curp = c.normalized;
    if (personType === 'moral') errors.push(err('curp', 'CURP_NOT_ALLOWED', 'A persona moral has no CURP'));
    else if (!c.valid) errors.push(err('curp', c.errorCode ?? 'CURP_FORMAT', `CURP ${c.normalized} is not valid (${c.errorCode})`));
    else if (value.rfc && !validateRfc(value.rfc).generic && validateRfc(value.rfc).valid && value.rfc.slice(4, 10) !== c.normalized.slice(4, 10)) {
      // Both encode the birth date as YYMMDD at the same place; a difference means one was mistyped.
      errors.push(err('curp', 'RFC_CURP_MISMATCH', 'The RFC and the CURP carry different birth dates'));
    }
  }

  if (input.regimenFiscal) {
    value.regimenFiscal = input.regimenFiscal;
    if (!isRegimenFiscal(input.regimenFiscal)) {
      errors.push(err('regimenFiscal', 'REGIMEN_FISCAL_UNKNOWN', `${input.regimenFiscal} is not in SAT c_RegimenFiscal`));
    } else if (!isRegimenValidFor(personType, input.regimenFiscal)) {
      errors.push(err('regimenFiscal', 'REGIMEN_FISCAL_PERSON_TYPE', `Regime ${input.regimenFiscal} does not apply to a persona ${personType}`));
    }
  }

  if (input.usoCfdi) {
    const uso = input.usoCfdi.toUpperCase();
    value.usoCfdi = uso;
    if (!isUsoCfdi(uso)) {
      errors.push(err('usoCfdi', 'USO_CFDI_UNKNOWN', `${uso} is not in SAT c_UsoCFDI (CFDI 4.0)`));
    } else if (!C_USO_CFDI[uso][personType]) {
      errors.push(err('usoCfdi', 'USO_CFDI_PERSON_TYPE', `Use ${uso} does not apply to a persona ${personType}`));
    } else if (value.regimenFiscal && isRegimenValidFor(personType, value.regimenFiscal) && !isUsoCfdiValidFor(personType, value.regimenFiscal, uso)) {
      errors.push(err('usoCfdi', 'USO_CFDI_REGIMEN', `Use ${uso} is not allowed for regime ${value.regimenFiscal}`));
    }
  }

  if (input.postalCode) {
    const p = validatePostalCode(input.postalCode);
    value.postalCode = input.postalCode.trim();
    if (!p.valid) errors.push(err('postalCode', p.errorCode ?? 'POSTAL_CODE_FORMAT', `${input.postalCode} is not a Mexican postal code`));
  }
  return { errors, value };
}

/** Digits only, the national 10 digits when a +52/52 prefix is present (what search matches on). */
export function phoneDigits(raw: string): string {
  const digits = raw.replace(/\D/g, '');
  if (digits.length === 12 && digits.startsWith('52')) return digits.slice(2);
  if (digits.length === 13 && digits.startsWith('521')) return digits.slice(3);
  return digits;
}

const EMAIL_RE = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export interface ChannelsResult {
  errors: FieldError[];
  channels: ContactChannelView[];
}

/**
 * Merges the `email`/`phone` shorthands and the explicit list into one list with at most one
 * primary per kind. Consent to be contacted needs an accepted privacy notice (LFPDPPP art. 8):
 * `privacyAcceptedAt` is when it was accepted, or null.
 */
export function buildChannels(
  input: { email?: string | null; phone?: string | null; contactChannels?: ContactChannelInput[] | null },
  previous: ContactChannelView[],
  privacyAcceptedAt: string | null,
  now: string,
): ChannelsResult {
  const errors: FieldError[] = [];
  const list: Array<{ c: ContactChannelInput; field: string }> = input.contactChannels
    ? input.contactChannels.map((c, i) => ({ c, field: `contactChannels[${i}]` }))
    : previous.map((c) => ({ c: { ...c }, field: 'contactChannels' }));
  if (input.email) list.unshift({ c: { kind: 'email', value: input.email, primary: true }, field: 'email' });
  if (input.phone) list.unshift({ c: { kind: 'telefono', value: input.phone, primary: true }, field: 'phone' });

  const seen = new Set<string>();
  const channels: ContactChannelView[] = [];
  for (const { c, field } of list) {
    const valueField = field.startsWith('contactChannels[') ? `${field}.value` : field;
    let value = c.value.trim();
    if (c.kind === 'email') {
      value = value.toLowerCase();
      if (!EMAIL_RE.test(value)) errors.push(err(valueField, 'EMAIL_FORMAT', `${c.value} is not an e-mail address`));
    } else {
      const d = phoneDigits(value);
      if (d.length !== 10) errors.push(err(valueField, 'PHONE_FORMAT', `${c.value} is not a 10-digit Mexican phone number`));
      value = `+52${d}`;
    }
    const key = `${c.kind}:${value}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const before = previous.find((p) => p.kind === c.kind && p.value === value);
    const consent = c.consent ?? before?.consent ?? false;
    if (consent && !privacyAcceptedAt) {
      errors.push(err(field.startsWith('contactChannels[') ? `${field}.consent` : 'privacyNotice', 'PRIVACY_NOTICE_REQUIRED', 'Consent needs an accepted privacy notice'));
    }
    // consentAt records the last change of mind: kept while consent stays as it was.
    const consentAt = before && before.consent === consent ? before.consentAt : consent || before ? now : null;
    channels.push({ kind: c.kind, value, primary: Boolean(c.primary), consent, consentAt });
  }
  // One primary per kind: the first marked, else the first of its kind.
  for (const kind of new Set(channels.map((c) => c.kind))) {
    const ofKind = channels.filter((c) => c.kind === kind);
    const primary = ofKind.find((c) => c.primary) ?? ofKind[0];
    for (const c of ofKind) c.primary = c === primary;
  }
  return { errors, channels };
}

export function primaryOf(channels: ContactChannelView[], kinds: string[]): string | null {
  return channels.find((c) => kinds.includes(c.kind) && c.primary)?.value ?? null;
}

export function checkVulnerability(v: VulnerabilityInput, field: string): FieldError[] {
  if (v.validUntil && v.validUntil < v.validFrom) {
    return [err(`${field}.validUntil`, 'VULNERABILITY_DATES', 'validUntil is before validFrom')];
  }
  return [];
}

export const isCurrent = (v: { validFrom: string; validUntil: string | null }, today: string): boolean =>
  v.validFrom <= today && (v.validUntil === null || v.validUntil >= today);

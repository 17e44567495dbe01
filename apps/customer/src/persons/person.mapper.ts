import type { PersonCreatedData, PersonView, VulnerabilityView } from '@supra/contracts';
import type { PersonEntity } from './entities/person.entity';
import type { PersonVulnerabilityEntity } from './entities/person-vulnerability.entity';
import { isCurrent } from './person-rules';

export function toVulnerabilityView(v: PersonVulnerabilityEntity, today: string): VulnerabilityView {
  return { id: v.id, kind: v.kind, evidence: v.evidence, validFrom: v.validFrom, validUntil: v.validUntil, current: isCurrent(v, today) };
}

export function toPersonView(p: PersonEntity, vulns: PersonVulnerabilityEntity[], today: string): PersonView {
  const vulnerabilities = vulns.map((v) => toVulnerabilityView(v, today));
  return {
    id: p.id,
    personType: p.personType,
    name: p.name,
    firstName: p.firstName,
    lastNamePaterno: p.lastNamePaterno,
    lastNameMaterno: p.lastNameMaterno,
    rfc: p.rfc,
    curp: p.curp,
    email: p.email,
    phone: p.phone,
    regimenFiscal: p.regimenFiscal,
    usoCfdi: p.usoCfdi,
    postalCode: p.postalCode,
    contactChannels: p.contactChannels,
    privacyNoticeVersion: p.privacyNoticeVersion,
    privacyNoticeAcceptedAt: p.privacyNoticeAcceptedAt ? p.privacyNoticeAcceptedAt.toISOString() : null,
    vulnerabilities,
    vulnerable: vulnerabilities.some((v) => v.current),
    createdAt: p.createdAt.toISOString(),
    updatedAt: p.updatedAt.toISOString(),
  };
}

/** Event data: fiscal identity and the vulnerability kinds valid today; no contact data. */
export function toPersonSnapshot(p: PersonEntity, vulns: PersonVulnerabilityEntity[], today: string): PersonCreatedData {
  return {
    personId: p.id,
    personType: p.personType,
    name: p.name,
    rfc: p.rfc,
    curp: p.curp,
    regimenFiscal: p.regimenFiscal,
    usoCfdi: p.usoCfdi,
    postalCode: p.postalCode,
    vulnerabilities: [...new Set(vulns.filter((v) => isCurrent(v, today)).map((v) => v.kind))],
  };
}

import { Injectable } from '@nestjs/common';
import { v7 as uuidv7 } from 'uuid';
import {
  CustomerEvents,
  type AddVulnerabilityRequest,
  type CreatePersonRequest,
  type ListPersonsQuery,
  type Page,
  type PersonSearchHit,
  type PersonUpdatedData,
  type PersonView,
  type SearchPersonsQuery,
  type UpdatePersonRequest,
  type VulnerabilityInput,
} from '@supra/contracts';
import { ServiceDatabase } from '@supra/platform/database';
import type { FieldError } from '@supra/platform/errors';
import { Outbox } from '@supra/platform/messaging';
import { TenantContext } from '@supra/platform/tenancy';
import { Clock } from '../shared/clock';
import { uniqueViolation } from '../shared/pg-errors';
import { PersonEntity } from './entities/person.entity';
import { PersonVulnerabilityEntity } from './entities/person-vulnerability.entity';
import { toPersonSnapshot, toPersonView } from './person.mapper';
import { PersonRepository } from './person.repository';
import { buildChannels, checkIdentity, checkVulnerability, phoneDigits, primaryOf } from './person-rules';
import { PersonErrors } from './persons.errors';

const IDENTITY_FIELDS = ['name', 'firstName', 'lastNamePaterno', 'lastNameMaterno', 'rfc', 'curp', 'regimenFiscal', 'usoCfdi', 'postalCode'] as const;

@Injectable()
export class PersonsService {
  constructor(
    private readonly db: ServiceDatabase,
    private readonly outbox: Outbox,
    private readonly persons: PersonRepository,
    private readonly clock: Clock,
  ) {}

  create(dto: CreatePersonRequest): Promise<PersonView> {
    return this.db.tx(async () => {
      const now = this.clock.now();
      const today = this.clock.today();
      const identity = checkIdentity(dto);
      const privacyAt = dto.privacyNotice ? (dto.privacyNotice.acceptedAt ? new Date(dto.privacyNotice.acceptedAt) : now) : null;
      const channels = buildChannels(dto, [], privacyAt?.toISOString() ?? null, now.toISOString());
      const errors: FieldError[] = [...identity.errors, ...channels.errors, ...(dto.vulnerabilities ?? []).flatMap((v, i) => checkVulnerability(v, `vulnerabilities[${i}]`))];
      if (errors.length) throw PersonErrors.invalid(errors);

      const p = new PersonEntity();
      Object.assign(p, {
        id: uuidv7(),
        tenantId: TenantContext.tenantId(),
        personType: dto.personType,
        name: dto.name.trim(),
        firstName: dto.firstName ?? null,
        lastNamePaterno: dto.lastNamePaterno ?? null,
        lastNameMaterno: dto.lastNameMaterno ?? null,
        ...identity.value,
        contactChannels: channels.channels,
        privacyNoticeVersion: dto.privacyNotice?.version ?? null,
        privacyNoticeAcceptedAt: privacyAt,
        createdAt: now,
        updatedAt: now,
      });
      this.derive(p);
      await this.insertPerson(p);
      const vulns = this.vulnerabilityRows(p.id, dto.vulnerabilities ?? [], now);
      await this.persons.insertVulnerabilities(vulns);
      await this.outbox.add({ type: CustomerEvents.personCreated.type, subject: p.id, data: toPersonSnapshot(p, vulns, today) });
      return toPersonView(p, vulns, today);
    });
  }

  get(id: string): Promise<PersonView> {
    return this.db.tx(async () => {
      const p = await this.persons.findById(id);
      if (!p) throw PersonErrors.notFound(id);
      return toPersonView(p, await this.persons.vulnerabilitiesOf([id]), this.clock.today());
    });
  }

  /** Existence check for other features (contracts, ARCO), inside their transaction. */
  async require(id: string): Promise<PersonEntity> {
    const p = await this.persons.findById(id);
    if (!p) throw PersonErrors.notFound(id);
    return p;
  }

  update(dto: UpdatePersonRequest): Promise<PersonView> {
    return this.db.tx(async () => {
      const now = this.clock.now();
      const today = this.clock.today();
      const p = await this.persons.findById(dto.id, true);
      if (!p) throw PersonErrors.notFound(dto.id);
      const before = { ...p, contactChannels: p.contactChannels };
      const merged = {
        personType: p.personType,
        rfc: dto.rfc !== undefined ? dto.rfc : p.rfc,
        curp: dto.curp !== undefined ? dto.curp : p.curp,
        regimenFiscal: dto.regimenFiscal !== undefined ? dto.regimenFiscal : p.regimenFiscal,
        usoCfdi: dto.usoCfdi !== undefined ? dto.usoCfdi : p.usoCfdi,
        postalCode: dto.postalCode !== undefined ? dto.postalCode : p.postalCode,
      };
      const identity = checkIdentity(merged);
      // Fiscal fields are checked together (a new regime can invalidate the stored CFDI use), and only
      // when the request touches one of them, so an edit of a phone never trips on old data.
      const fiscalTouched = (['rfc', 'curp', 'regimenFiscal', 'usoCfdi', 'postalCode'] as const).some((f) => dto[f] !== undefined);
      const touched = fiscalTouched ? identity.errors : [];
      let privacyAt = p.privacyNoticeAcceptedAt;
      if (dto.privacyNotice) {
        privacyAt = dto.privacyNotice.acceptedAt ? new Date(dto.privacyNotice.acceptedAt) : now;
        p.privacyNoticeVersion = dto.privacyNotice.version;
        p.privacyNoticeAcceptedAt = privacyAt;
      }
      const channels =
        dto.email !== undefined || dto.phone !== undefined || dto.contactChannels !== undefined
          ? buildChannels(dto, p.contactChannels, privacyAt?.toISOString() ?? null, now.toISOString())
          : { errors: [], channels: p.contactChannels };
      const errors = [...touched, ...channels.errors];
      if (errors.length) throw PersonErrors.invalid(errors);

      for (const f of ['name', 'firstName', 'lastNamePaterno', 'lastNameMaterno'] as const) {
        if (dto[f] !== undefined) (p as unknown as Record<string, unknown>)[f] = dto[f];
      }
      for (const f of ['rfc', 'curp', 'regimenFiscal', 'usoCfdi', 'postalCode'] as const) {
        if (dto[f] !== undefined) p[f] = identity.value[f];
      }
      p.contactChannels = channels.channels;
      this.derive(p);
      const changed: string[] = IDENTITY_FIELDS.filter((f) => before[f] !== p[f]);
      if (JSON.stringify(before.contactChannels) !== JSON.stringify(p.contactChannels)) changed.push('contactChannels');
      if (dto.privacyNotice) changed.push('privacyNotice');
      const vulns = await this.persons.vulnerabilitiesOf([p.id]);
      if (changed.length) {
        p.updatedAt = now;
        await this.savePerson(p);
        await this.emitUpdated(p, changed, today);
      }
      return toPersonView(p, vulns, today);
    });
  }

  addVulnerability(dto: AddVulnerabilityRequest): Promise<PersonView> {
    return this.db.tx(async () => {
      const now = this.clock.now();
      const today = this.clock.today();
      const p = await this.persons.findById(dto.id, true);
      if (!p) throw PersonErrors.notFound(dto.id);
      const errors = checkVulnerability(dto, '');
      if (errors.length) throw PersonErrors.invalid(errors.map((e) => ({ ...e, field: e.field.replace(/^\./, '') })));
      await this.persons.insertVulnerabilities(this.vulnerabilityRows(p.id, [dto], now));
      p.updatedAt = now;
      await this.persons.save(p);
      await this.emitUpdated(p, ['vulnerabilities'], today);
      return toPersonView(p, await this.persons.vulnerabilitiesOf([p.id]), today);
    });
  }

  search(dto: SearchPersonsQuery): Promise<PersonSearchHit[]> {
    return this.db.tx(async () => {
      const rows = await this.persons.search(dto.q.trim(), dto.limit ?? 10);
      return rows.map((r) => ({ id: r.id, personType: r.person_type, name: r.name, rfc: r.rfc, curp: r.curp, phone: r.phone, score: Number(r.score) }));
    });
  }

  list(dto: ListPersonsQuery): Promise<Page<PersonView>> {
    return this.db.tx(async () => {
      const page = dto.page ?? 1;
      const size = dto.size ?? 50;
      const today = this.clock.today();
      const [rows, total] = await this.persons.list({ personType: dto.personType, vulnerableOn: dto.vulnerable ? today : undefined }, (page - 1) * size, size);
      const vulns = await this.persons.vulnerabilitiesOf(rows.map((r) => r.id));
      const data = rows.map((r) => toPersonView(r, vulns.filter((v) => v.personId === r.id), today));
      return { data, page: { number: page, size, total } };
    });
  }

  private async emitUpdated(p: PersonEntity, changed: string[], today: string): Promise<void> {
    const data: PersonUpdatedData = { ...toPersonSnapshot(p, await this.persons.vulnerabilitiesOf([p.id]), today), changed };
    await this.outbox.add({ type: CustomerEvents.personUpdated.type, subject: p.id, data });
  }

  /** Columns kept for display and search, derived from the channel list. */
  private derive(p: PersonEntity): void {
    p.email = primaryOf(p.contactChannels, ['email']);
    p.phone = primaryOf(p.contactChannels, ['telefono', 'whatsapp', 'sms']);
    p.phoneDigits = p.phone ? phoneDigits(p.phone) : null;
  }

  private vulnerabilityRows(personId: string, input: VulnerabilityInput[], now: Date): PersonVulnerabilityEntity[] {
    const userId = TenantContext.current()?.userId ?? null;
    return input.map((v) =>
      Object.assign(new PersonVulnerabilityEntity(), {
        id: uuidv7(),
        tenantId: TenantContext.tenantId(),
        personId,
        kind: v.kind,
        evidence: v.evidence,
        validFrom: v.validFrom,
        validUntil: v.validUntil ?? null,
        recordedBy: userId,
        createdAt: now,
      }),
    );
  }

  private async insertPerson(p: PersonEntity): Promise<void> {
    try {
      await this.persons.insert(p);
    } catch (e) {
      throw this.mapUnique(e, p);
    }
  }

  private async savePerson(p: PersonEntity): Promise<void> {
    try {
      await this.persons.save(p);
    } catch (e) {
      throw this.mapUnique(e, p);
    }
  }

  private mapUnique(e: unknown, p: PersonEntity): unknown {
    const c = uniqueViolation(e);
    if (c === 'persons_rfc_unique') return PersonErrors.rfcExists(p.rfc ?? '');
    if (c === 'persons_curp_unique') return PersonErrors.curpExists(p.curp ?? '');
    return e;
  }
}

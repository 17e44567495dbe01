import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { ContactChannelView, PersonTypeValue } from '@supra/contracts';

@Entity({ schema: 'customer', name: 'persons' })
export class PersonEntity {
  @PrimaryColumn('uuid') id!: string;
  @Column('uuid', { name: 'tenant_id' }) tenantId!: string;
  @Column('text', { name: 'person_type' }) personType!: PersonTypeValue;
  @Column('text') name!: string;
  @Column('text', { name: 'first_name', nullable: true }) firstName!: string | null;
  @Column('text', { name: 'last_name_paterno', nullable: true }) lastNamePaterno!: string | null;
  @Column('text', { name: 'last_name_materno', nullable: true }) lastNameMaterno!: string | null;
  @Column('text', { nullable: true }) rfc!: string | null;
  @Column('text', { nullable: true }) curp!: string | null;
  @Column('text', { nullable: true }) email!: string | null;
  @Column('text', { nullable: true }) phone!: string | null;
  @Column('text', { name: 'phone_digits', nullable: true }) phoneDigits!: string | null;
  @Column('text', { name: 'regimen_fiscal', nullable: true }) regimenFiscal!: string | null;
  @Column('text', { name: 'uso_cfdi', nullable: true }) usoCfdi!: string | null;
  @Column('text', { name: 'postal_code', nullable: true }) postalCode!: string | null;
  @Column('jsonb', { name: 'contact_channels', default: () => `'[]'` }) contactChannels!: ContactChannelView[];
  @Column('text', { name: 'privacy_notice_version', nullable: true }) privacyNoticeVersion!: string | null;
  @Column('timestamptz', { name: 'privacy_notice_accepted_at', nullable: true }) privacyNoticeAcceptedAt!: Date | null;
  @Column('timestamptz', { name: 'created_at' }) createdAt!: Date;
  @Column('timestamptz', { name: 'updated_at' }) updatedAt!: Date;
}

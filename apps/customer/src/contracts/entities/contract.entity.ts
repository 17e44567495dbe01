import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { BillingPeriodKind, ContractStatus, PaymentMethodKind, TomaType } from '@supra/contracts';

@Entity({ schema: 'customer', name: 'contracts' })
export class ContractEntity {
  @PrimaryColumn('uuid') id!: string;
  @Column('uuid', { name: 'tenant_id' }) tenantId!: string;
  @Column('text', { name: 'contract_number' }) contractNumber!: string;
  @Column('uuid', { name: 'toma_id' }) tomaId!: string;
  @Column('uuid', { name: 'person_id' }) personId!: string;
  @Column('text') status!: ContractStatus;
  @Column('text', { name: 'tariff_category' }) tariffCategory!: TomaType;
  @Column('text', { name: 'billing_period' }) billingPeriod!: BillingPeriodKind;
  @Column('text', { name: 'payment_method' }) paymentMethod!: PaymentMethodKind;
  @Column('date', { name: 'start_date' }) startDate!: string;
  @Column('date', { name: 'end_date', nullable: true }) endDate!: string | null;
  @Column('text', { name: 'termination_reason', nullable: true }) terminationReason!: string | null;
  @Column('text', { name: 'suspension_reason', nullable: true }) suspensionReason!: string | null;
  @Column('uuid', { name: 'previous_contract_id', nullable: true }) previousContractId!: string | null;
  @Column('text', { nullable: true }) notes!: string | null;
  @Column('timestamptz', { name: 'created_at' }) createdAt!: Date;
  @Column('timestamptz', { name: 'updated_at' }) updatedAt!: Date;
}

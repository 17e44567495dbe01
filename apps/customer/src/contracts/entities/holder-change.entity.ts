import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { HolderChangeKind } from '@supra/contracts';

@Entity({ schema: 'customer', name: 'holder_changes' })
export class HolderChangeEntity {
  @PrimaryColumn('uuid') id!: string;
  @Column('uuid', { name: 'tenant_id' }) tenantId!: string;
  @Column('text') kind!: HolderChangeKind;
  @Column('uuid', { name: 'from_contract_id' }) fromContractId!: string;
  @Column('uuid', { name: 'to_contract_id' }) toContractId!: string;
  @Column('uuid', { name: 'from_person_id' }) fromPersonId!: string;
  @Column('uuid', { name: 'to_person_id' }) toPersonId!: string;
  @Column('boolean', { name: 'transfer_debt' }) transferDebt!: boolean;
  /** numeric(14,2): a decimal string, never a JS number. */
  @Column('numeric', { name: 'debt_amount', precision: 14, scale: 2, nullable: true }) debtAmount!: string | null;
  @Column('text', { nullable: true }) reason!: string | null;
  @Column('date', { name: 'effective_date' }) effectiveDate!: string;
  @Column('timestamptz', { name: 'created_at' }) createdAt!: Date;
}

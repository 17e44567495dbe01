import { Column, Entity, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import type { BillingType, TomaStatus, TomaType } from '@supra/contracts';
import { AddressEntity } from './address.entity';

@Entity({ schema: 'customer', name: 'tomas' })
export class TomaEntity {
  @PrimaryColumn('uuid') id!: string;
  @Column('uuid', { name: 'tenant_id' }) tenantId!: string;
  @Column('text', { name: 'toma_number' }) tomaNumber!: string;
  @Column('uuid', { name: 'address_id' }) addressId!: string;
  @ManyToOne(() => AddressEntity, { eager: true })
  @JoinColumn({ name: 'address_id' })
  address!: AddressEntity;
  @Column('text', { name: 'toma_type' }) tomaType!: TomaType;
  @Column('text') status!: TomaStatus;
  @Column('text', { name: 'billing_type' }) billingType!: BillingType;
  @Column('integer', { name: 'units_served' }) unitsServed!: number;
  @Column('text', { nullable: true }) sector!: string | null;
  @Column('text', { nullable: true }) route!: string | null;
  @Column('double precision', { nullable: true }) latitude!: number | null;
  @Column('double precision', { nullable: true }) longitude!: number | null;
  @Column('text', { nullable: true }) notes!: string | null;
  @Column('timestamptz', { name: 'created_at' }) createdAt!: Date;
  @Column('timestamptz', { name: 'updated_at' }) updatedAt!: Date;
}

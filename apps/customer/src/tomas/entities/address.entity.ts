import { Column, Entity, PrimaryColumn } from 'typeorm';

@Entity({ schema: 'customer', name: 'addresses' })
export class AddressEntity {
  @PrimaryColumn('uuid') id!: string;
  @Column('uuid', { name: 'tenant_id' }) tenantId!: string;
  @Column('text') street!: string;
  @Column('text', { name: 'exterior_number' }) exteriorNumber!: string;
  @Column('text', { name: 'interior_number', nullable: true }) interiorNumber!: string | null;
  @Column('text') colonia!: string;
  @Column('text') municipality!: string;
  @Column('text') state!: string;
  @Column('text', { name: 'postal_code' }) postalCode!: string;
  @Column('text', { nullable: true }) references!: string | null;
  @Column('timestamptz', { name: 'created_at' }) createdAt!: Date;
  @Column('timestamptz', { name: 'updated_at' }) updatedAt!: Date;
}

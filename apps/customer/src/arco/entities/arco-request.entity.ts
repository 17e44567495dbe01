import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { ArcoRight, ArcoStatus } from '@supra/contracts';

@Entity({ schema: 'customer', name: 'arco_requests' })
export class ArcoRequestEntity {
  @PrimaryColumn('uuid') id!: string;
  @Column('uuid', { name: 'tenant_id' }) tenantId!: string;
  @Column('text') folio!: string;
  @Column('uuid', { name: 'person_id' }) personId!: string;
  @Column('text') right!: ArcoRight;
  @Column('text') status!: ArcoStatus;
  @Column('text') description!: string;
  @Column('text', { nullable: true }) channel!: string | null;
  @Column('timestamptz', { name: 'received_at' }) receivedAt!: Date;
  @Column('date', { name: 'due_date' }) dueDate!: string;
  @Column('text', { nullable: true }) resolution!: string | null;
  @Column('timestamptz', { name: 'resolved_at', nullable: true }) resolvedAt!: Date | null;
  @Column('jsonb', { nullable: true }) export!: Record<string, unknown> | null;
  @Column('timestamptz', { name: 'created_at' }) createdAt!: Date;
  @Column('timestamptz', { name: 'updated_at' }) updatedAt!: Date;
}

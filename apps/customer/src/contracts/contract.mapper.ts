import type { ContractSnapshotData, ContractView } from '@supra/contracts';
import type { ContractEntity } from './entities/contract.entity';

export const toContractView = (c: ContractEntity, tomaNumber: string): ContractView => ({
  id: c.id,
  contractNumber: c.contractNumber,
  tomaId: c.tomaId,
  tomaNumber,
  personId: c.personId,
  status: c.status,
  tariffCategory: c.tariffCategory,
  billingPeriod: c.billingPeriod,
  paymentMethod: c.paymentMethod,
  startDate: c.startDate,
  endDate: c.endDate,
  terminationReason: c.terminationReason,
  suspensionReason: c.suspensionReason,
  previousContractId: c.previousContractId,
  notes: c.notes,
  createdAt: c.createdAt.toISOString(),
  updatedAt: c.updatedAt.toISOString(),
});

export const toContractSnapshot = (c: ContractEntity, tomaNumber: string): ContractSnapshotData => ({
  contractId: c.id,
  contractNumber: c.contractNumber,
  tomaId: c.tomaId,
  tomaNumber,
  personId: c.personId,
  status: c.status,
  tariffCategory: c.tariffCategory,
  billingPeriod: c.billingPeriod,
  startDate: c.startDate,
});

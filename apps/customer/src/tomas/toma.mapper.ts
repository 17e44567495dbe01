import type { AddressView, TomaSnapshotData, TomaView } from '@supra/contracts';
import type { AddressEntity } from './entities/address.entity';
import type { TomaEntity } from './entities/toma.entity';

export const toAddressView = (a: AddressEntity): AddressView => ({
  id: a.id,
  street: a.street,
  exteriorNumber: a.exteriorNumber,
  interiorNumber: a.interiorNumber,
  colonia: a.colonia,
  municipality: a.municipality,
  state: a.state,
  postalCode: a.postalCode,
  references: a.references,
});

export const toTomaView = (t: TomaEntity): TomaView => ({
  id: t.id,
  tomaNumber: t.tomaNumber,
  tomaType: t.tomaType,
  status: t.status,
  billingType: t.billingType,
  unitsServed: t.unitsServed,
  sector: t.sector,
  route: t.route,
  latitude: t.latitude,
  longitude: t.longitude,
  address: toAddressView(t.address),
  notes: t.notes,
  createdAt: t.createdAt.toISOString(),
  updatedAt: t.updatedAt.toISOString(),
});

export const toTomaSnapshot = (t: TomaEntity): TomaSnapshotData => ({
  tomaId: t.id,
  tomaNumber: t.tomaNumber,
  tomaType: t.tomaType,
  status: t.status,
  billingType: t.billingType,
  unitsServed: t.unitsServed,
  sector: t.sector,
  route: t.route,
  latitude: t.latitude,
  longitude: t.longitude,
  postalCode: t.address.postalCode,
});

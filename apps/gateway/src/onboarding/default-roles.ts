import { CUSTOMER_PERMISSIONS, METERING_PERMISSIONS } from '@supra/contracts';

export interface RoleTemplate {
  name: string;
  description: string;
  permissions: string[];
}

const reads = (perms: readonly string[]) => perms.filter((p) => p.endsWith('.read'));

/**
 * The roles every new tenant starts with (names as the utilities use them). A user may hold
 * several; permissions are the union. Admins of a tenant edit them afterwards; onboarding again
 * never overwrites an edited role.
 */
export const DEFAULT_ROLES: readonly RoleTemplate[] = [
  { name: 'admin', description: 'Everything in the tenant, user and role management included (TOTP required)', permissions: ['*'] },
  {
    name: 'supervisor',
    description: 'Customer and metering operations, read access to users and roles',
    permissions: ['customer.*', 'metering.*', 'admin.users.read', 'admin.roles.read'],
  },
  {
    name: 'operador',
    description: 'Front office: persons, tomas, contracts (alta, changes), ARCO requests',
    permissions: [
      'customer.persons.*',
      'customer.tomas.*',
      'customer.contracts.read',
      'customer.contracts.create',
      'customer.contracts.update',
      'customer.contracts.change-holder',
      'customer.arco.*',
      'metering.meters.read',
      'metering.readings.read',
    ],
  },
  {
    name: 'lecturista',
    description: 'Meter reader: records and imports readings',
    permissions: ['customer.tomas.read', 'metering.meters.read', 'metering.readings.create', 'metering.readings.import', 'metering.readings.read'],
  },
  {
    name: 'cajero',
    description: 'Cashier: takes payments, looks up customers and their invoices',
    permissions: ['customer.persons.read', 'customer.tomas.read', 'customer.contracts.read', 'payments.*', 'billing.invoices.read'],
  },
  {
    name: 'lector',
    description: 'Read-only access to customers and metering (auditors, reporting)',
    permissions: [...new Set([...reads(CUSTOMER_PERMISSIONS), ...reads(METERING_PERMISSIONS)])].sort(),
  },
];

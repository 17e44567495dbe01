import { DomainError, notFound, conflict, validationFailed } from '@supra/platform/errors';

export const AdminErrors = {
  userNotFound: (id: string) => notFound('ADMIN.USER_NOT_FOUND', 'User', id),
  sessionNotFound: (id: string) => notFound('ADMIN.SESSION_NOT_FOUND', 'Session', id),
  roleNotFound: (id: string) => notFound('ADMIN.ROLE_NOT_FOUND', 'Role', id),
  emailTaken: (email: string) => conflict('ADMIN.EMAIL_TAKEN', `A user with email ${email} already exists`, { email }),
  roleExists: (name: string) => conflict('ADMIN.ROLE_EXISTS', `A role named ${name} already exists`, { name }),
  tenantExists: (slug: string) => conflict('ADMIN.TENANT_EXISTS', `Tenant ${slug} already exists`, { slug }),
  unknownRoles: (names: string[]) =>
    validationFailed(names.map((n) => ({ field: 'roles', code: 'ADMIN.ROLE_UNKNOWN', message: `No role named ${n}` }))),
  unknownPermissions: (codes: string[]) =>
    validationFailed(codes.map((c) => ({ field: 'permissions', code: 'ADMIN.PERMISSION_UNKNOWN', message: `Unknown permission ${c}` }))),
  cannotDisableSelf: () => new DomainError('ADMIN.CANNOT_DISABLE_SELF', 'You cannot disable your own account', { status: 409 }),
} as const;

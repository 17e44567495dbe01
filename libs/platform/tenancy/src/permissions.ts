import { CommonErrors } from '@supra/platform/errors';

/**
 * Permissions are `module.action` strings (`customer.persons.create` style is also accepted: the
 * last segment is the action). A role may grant `module.*` or `*`. Effective permissions are the
 * union over a user's roles.
 */
export function effectivePermissions(roles: ReadonlyArray<{ permissions: readonly string[] }>): string[] {
  return [...new Set(roles.flatMap((r) => r.permissions))].sort();
}

export function hasPermission(granted: readonly string[], required: string): boolean {
  if (granted.includes('*') || granted.includes(required)) return true;
  const parts = required.split('.');
  for (let i = parts.length - 1; i > 0; i--) {
    if (granted.includes(parts.slice(0, i).join('.') + '.*')) return true;
  }
  return false;
}

export function assertPermission(granted: readonly string[], required: string): void {
  if (!hasPermission(granted, required)) throw CommonErrors.forbidden(undefined, { required });
}

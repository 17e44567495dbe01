import { DomainError } from '@supra/platform/errors';

export const MetersErrors = {
  tenantRequired: () => new DomainError('INGESTION.TENANT_REQUIRED', 'A tenant context (id and slug) is required', { status: 400 }),
  slugTaken: (slug: string) =>
    new DomainError('INGESTION.TENANT_SLUG_TAKEN', `Tenant slug ${slug} is registered to another tenant`, { status: 409, details: { slug } }),
};

import { DomainError } from '@supra/platform/errors';

export type VeeErrorCode = 'METERING.VEE_INVALID_INPUT' | 'METERING.VEE_NO_ESTIMATE';

export class VeeError extends DomainError {
  constructor(code: VeeErrorCode, message: string, details: Record<string, unknown> = {}) {
    super(code, message, { status: 422, details });
    this.name = 'VeeError';
  }
}

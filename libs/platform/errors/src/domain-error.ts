/**
 * One base error for every domain failure. `code` is stable (clients and tests match on it, e.g.
 * `CUSTOMER.RFC_INVALID`); `status` is the HTTP status it maps to; `retryable` tells a message
 * consumer whether to nak (retry later) or dead-letter at once.
 */
export interface FieldError {
  field: string;
  code: string;
  message: string;
}

export interface DomainErrorOptions {
  status?: number;
  details?: Record<string, unknown>;
  errors?: FieldError[];
  retryable?: boolean;
  cause?: unknown;
}

export class DomainError extends Error {
  readonly status: number;
  readonly details?: Record<string, unknown>;
  readonly errors?: FieldError[];
  readonly retryable: boolean;

  constructor(
    readonly code: string,
    message: string,
    options: DomainErrorOptions = {},
  ) {
    super(message, { cause: options.cause });
    this.name = 'DomainError';
    this.status = options.status ?? 400;
    this.details = options.details;
    this.errors = options.errors;
    this.retryable = options.retryable ?? false;
  }

  toJSON(): SerializedError {
    return {
      code: this.code,
      message: this.message,
      status: this.status,
      ...(this.details ? { details: this.details } : {}),
      ...(this.errors ? { errors: this.errors } : {}),
      retryable: this.retryable,
    };
  }
}

/** The wire form of an error in an RPC reply or a dead-letter message. */
export interface SerializedError {
  code: string;
  message: string;
  status: number;
  details?: Record<string, unknown>;
  errors?: FieldError[];
  retryable?: boolean;
}

export function fromSerialized(e: SerializedError): DomainError {
  return new DomainError(e.code, e.message, {
    status: e.status,
    details: e.details,
    errors: e.errors,
    retryable: e.retryable,
  });
}

export const notFound = (code: string, what: string, id: string): DomainError =>
  new DomainError(code, `${what} ${id} was not found`, { status: 404, details: { id } });

export const conflict = (code: string, message: string, details?: Record<string, unknown>): DomainError =>
  new DomainError(code, message, { status: 409, details });

export const validationFailed = (errors: FieldError[], code = 'VALIDATION_FAILED'): DomainError =>
  new DomainError(code, 'The request is not valid', { status: 422, errors });

/** Errors every service can raise; each feature adds its own in `<feature>.errors.ts`. */
export const CommonErrors = {
  validation: validationFailed,
  unauthenticated: (message = 'Authentication is required') =>
    new DomainError('AUTH.UNAUTHENTICATED', message, { status: 401 }),
  forbidden: (message = 'You do not have permission for this action', details?: Record<string, unknown>) =>
    new DomainError('AUTH.FORBIDDEN', message, { status: 403, details }),
  tenantRequired: () => new DomainError('TENANCY.TENANT_REQUIRED', 'No tenant in context', { status: 400 }),
  serviceUnavailable: (service: string, cause?: unknown) =>
    new DomainError('GATEWAY.SERVICE_UNAVAILABLE', `Service ${service} is not available`, {
      status: 503,
      retryable: true,
      cause,
      details: { service },
    }),
  internal: (cause?: unknown) =>
    new DomainError('INTERNAL', 'An unexpected error occurred', { status: 500, retryable: true, cause }),
} as const;

export function isDomainError(e: unknown): e is DomainError {
  return e instanceof DomainError;
}

import { DomainError, isDomainError, type FieldError } from './domain-error';

/** RFC 9457 problem details with SUPRA's `code` and per-field `errors`. */
export interface ProblemDetails {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: string;
  instance?: string;
  errors?: FieldError[];
  requestId?: string;
  [extra: string]: unknown;
}

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  409: 'Conflict',
  422: 'Unprocessable Content',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

export const PROBLEM_TYPE_BASE = 'https://supra.dev/problems/';

export function toProblemDetails(error: unknown, instance?: string, requestId?: string): ProblemDetails {
  const e: DomainError = isDomainError(error)
    ? error
    : new DomainError('INTERNAL', 'An unexpected error occurred', { status: 500 });
  return {
    type: PROBLEM_TYPE_BASE + e.code.toLowerCase().replace(/[._]/g, '-'),
    title: TITLES[e.status] ?? 'Error',
    status: e.status,
    detail: e.message,
    code: e.code,
    ...(instance ? { instance } : {}),
    ...(e.errors ? { errors: e.errors } : {}),
    ...(e.details ? { details: e.details } : {}),
    ...(requestId ? { requestId } : {}),
  };
}

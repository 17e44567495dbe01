import { Catch, HttpException, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { Response } from 'express';
import type { Logger } from 'pino';
import { throwError, type Observable } from 'rxjs';
import { CommonErrors, DomainError, isDomainError, toProblemDetails } from '@supra/platform/errors';
import type { GatewayRequest } from './gateway-request';

const HTTP_CODES: Record<number, string> = {
  400: 'REQUEST.MALFORMED',
  401: 'AUTH.UNAUTHENTICATED',
  403: 'AUTH.FORBIDDEN',
  404: 'GATEWAY.ROUTE_NOT_FOUND',
  405: 'GATEWAY.METHOD_NOT_ALLOWED',
  413: 'REQUEST.TOO_LARGE',
  415: 'REQUEST.UNSUPPORTED_MEDIA_TYPE',
};

/** Nest's and Express's own exceptions (unknown route, unparsable JSON, body too large) as domain errors. */
export function asDomainError(e: unknown): DomainError {
  if (isDomainError(e)) return e;
  if (e instanceof HttpException) {
    const status = e.getStatus();
    const code = HTTP_CODES[status] ?? (status >= 500 ? 'INTERNAL' : `HTTP.${status}`);
    const message = status === 404 ? 'No such route' : status >= 500 ? 'An unexpected error occurred' : e.message;
    return new DomainError(code, message, { status });
  }
  const status = (e as { status?: unknown; statusCode?: unknown })?.status ?? (e as { statusCode?: unknown })?.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    return new DomainError(HTTP_CODES[status] ?? `HTTP.${status}`, status === 400 ? 'The request body is not valid JSON' : 'The request was refused', { status });
  }
  return CommonErrors.internal(e);
}

/**
 * Every HTTP error leaves the gateway as RFC 9457 problem details (`application/problem+json`)
 * with a stable `code` and the request id: domain errors forwarded from services keep their code
 * and status; anything unexpected is a 500 that says nothing about its cause (logged instead).
 */
@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  constructor(private readonly logger?: Pick<Logger, 'error'>) {}

  catch(exception: unknown, host: ArgumentsHost): void | Observable<never> {
    if (host.getType() !== 'http') return throwError(() => exception);
    const req = host.switchToHttp().getRequest<GatewayRequest>();
    const res = host.switchToHttp().getResponse<Response>();
    const error = asDomainError(exception);
    if (error.status >= 500 && error.code === 'INTERNAL') {
      this.logger?.error({ err: exception, requestId: req.requestId, path: req.originalUrl }, 'unhandled error');
    }
    const body = toProblemDetails(error, req.originalUrl?.split('?')[0], req.requestId);
    if (res.headersSent) return;
    const retryAfter = error.details?.['retryAfterSeconds'];
    if (error.status === 429 && typeof retryAfter === 'number') res.setHeader('Retry-After', String(retryAfter));
    if (error.status === 401) res.setHeader('WWW-Authenticate', `Bearer error="invalid_token"`);
    res.status(error.status).type('application/problem+json').send(JSON.stringify(body));
  }
}

import type { NextFunction, Response } from 'express';
import type { Logger } from 'pino';
import { v7 as uuidv7 } from 'uuid';
import type { GatewayRequest } from './gateway-request';

export const REQUEST_ID_HEADER = 'x-request-id';

/** Printable, no spaces, bounded: an incoming id is kept only if it cannot pollute logs or headers. */
const VALID = /^[A-Za-z0-9][A-Za-z0-9._:-]{7,127}$/;

export const acceptRequestId = (incoming: string | undefined): string => (incoming && VALID.test(incoming) ? incoming : uuidv7());

/**
 * Accepts a valid incoming `X-Request-Id` or makes a UUIDv7, echoes it on the response, keeps it
 * on the request (it travels to services as RequestContext.requestId) and logs one line per request.
 */
export function requestIdMiddleware(logger: Pick<Logger, 'info' | 'warn'>) {
  return (req: GatewayRequest, res: Response, next: NextFunction): void => {
    const id = acceptRequestId(req.get(REQUEST_ID_HEADER));
    req.requestId = id;
    res.setHeader('X-Request-Id', id);
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      const line = {
        requestId: id,
        method: req.method,
        path: req.originalUrl.split('?')[0],
        status: res.statusCode,
        ms: Math.round(ms * 10) / 10,
        tenant: req.principal?.tenantSlug,
        userId: req.principal?.userId,
      };
      if (res.statusCode >= 500) logger.warn(line, 'request failed');
      else logger.info(line, 'request');
    });
    next();
  };
}

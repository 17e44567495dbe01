import { Inject, Injectable } from '@nestjs/common';
import type { HttpRpcOperation } from '@supra/contracts';
import { RpcClient } from '@supra/platform/messaging';
import { SERVICE_ENV } from '@supra/platform/runtime';
import type { GatewayEnv } from '../gateway.env';
import { requestContextOf, type GatewayRequest } from '../http/gateway-request';

/** An operation a service answers over NATS and the gateway exposes over HTTP (see libs/contracts). */
export type { HttpRpcOperation };

/**
 * Builds the RPC payload the contracts describe (`{ ...pathParams, ...query }` for GET,
 * `{ ...pathParams, ...body }` otherwise; the `tenant` path segment is not part of it: the tenant
 * travels in headers) and sends it with the caller's context. A service with no instance answers
 * 503 at once (NATS no-responders), a slow one 504; its domain errors come back with their codes.
 */
@Injectable()
export class ForwardingService {
  constructor(
    private readonly rpc: RpcClient,
    @Inject(SERVICE_ENV) private readonly env: GatewayEnv,
  ) {}

  forward(op: HttpRpcOperation, req: GatewayRequest): Promise<unknown> {
    const { tenant: _tenant, ...params } = (req.params ?? {}) as Record<string, string>;
    const rest = op.method === 'GET' ? { ...(req.query as Record<string, unknown>) } : { ...((req.body as Record<string, unknown>) ?? {}) };
    return this.rpc.request(op.service, op.operation, { ...rest, ...params }, requestContextOf(req), this.env.RPC_TIMEOUT_MS);
  }
}

/**
 * An RPC operation a service answers on `rpc.<service>.<operation>` and the permission the
 * gateway requires before forwarding to it.
 */
export interface RpcOperation {
  service: string;
  operation: string;
  permission: string;
}

export const rpcOp = (service: string, operation: string, permission: string): RpcOperation => ({ service, operation, permission });

/**
 * An RPC operation the gateway exposes over HTTP at `/{tenant}/v1<path>`. The RPC payload is the
 * path parameters plus the query (GET) or plus the body (POST, PATCH).
 */
export interface HttpRpcOperation extends RpcOperation {
  method: 'GET' | 'POST' | 'PATCH';
  /** Express-style path under `/{tenant}/v1`, e.g. `/persons/:id`. */
  path: string;
  summary: string;
  /** The whole RPC payload the service validates. */
  payload: new () => object;
  body?: new () => object;
  query?: new () => object;
  status: 200 | 201;
  /** OpenAPI tag; the gateway groups routes by it. */
  tag: string;
}

/** `const op = httpOperations('billing')`, then `op({ operation, permission, method, path, ... })`. */
export const httpOperations =
  (service: string) =>
  (o: Omit<HttpRpcOperation, 'service'>): HttpRpcOperation => ({ service, ...o });

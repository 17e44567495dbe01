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

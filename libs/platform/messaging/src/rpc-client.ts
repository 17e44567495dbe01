import { CommonErrors, DomainError, fromSerialized } from '@supra/platform/errors';
import { contextToHeaders, type RequestContext } from '@supra/platform/tenancy';
import { Subjects } from './naming';
import { toMsgHdrs, type NatsClient } from './nats-connection';
import type { RpcReply } from './jetstream.server';
import { injectTraceHeaders } from './trace';

const te = new TextEncoder();
const td = new TextDecoder();

/**
 * Request/reply to a service over core NATS. A service with no running instance answers at once
 * (NATS "no responders") and becomes a 503, never a hang; a slow one times out into a 504.
 */
export class RpcClient {
  constructor(
    private readonly nats: NatsClient,
    private readonly ns: string,
    private readonly defaultTimeoutMs = 10_000,
  ) {}

  async request<T = unknown>(service: string, operation: string, payload: unknown, ctx?: RequestContext, timeoutMs?: number): Promise<T> {
    const headers = injectTraceHeaders(ctx ? contextToHeaders(ctx) : {});
    let raw: Uint8Array;
    try {
      const msg = await this.nats.connection.request(Subjects.rpc(this.ns, service, operation), te.encode(JSON.stringify(payload ?? {})), {
        timeout: timeoutMs ?? this.defaultTimeoutMs,
        headers: toMsgHdrs(headers),
      });
      raw = msg.data;
    } catch (e) {
      const name = (e as Error)?.name ?? '';
      const message = String((e as Error)?.message ?? e);
      if (name === 'TimeoutError' || /timeout/i.test(message)) {
        throw new DomainError('GATEWAY.SERVICE_TIMEOUT', `Service ${service} did not answer in time`, {
          status: 504,
          retryable: true,
          details: { service, operation },
        });
      }
      // No responders, connection closed or draining: the service is not there.
      throw CommonErrors.serviceUnavailable(service, e);
    }
    const reply = JSON.parse(td.decode(raw)) as RpcReply<T>;
    if (!reply.ok) throw fromSerialized(reply.error ?? { code: 'INTERNAL', message: 'Unknown error', status: 500 });
    return reply.data as T;
  }
}

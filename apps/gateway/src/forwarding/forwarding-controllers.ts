import { Body, Controller, Get, HttpCode, Patch, Post, Query, Req, StreamableFile, type Type } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { RequirePermission } from '../http/access-rules';
import type { GatewayRequest } from '../http/gateway-request';
import { ForwardingService, type HttpRpcOperation } from './forwarding.service';

const METHOD = { GET: Get, POST: Post, PATCH: Patch } as const;
const pascal = (s: string) => s.replace(/(^|[^a-zA-Z0-9])([a-zA-Z0-9])/g, (_, __, c: string) => c.toUpperCase());

/**
 * One Nest controller per (service, tag), with one real route per operation of the contracts'
 * list: the same decorators a hand-written controller would carry (HTTP method and path,
 * permission, OpenAPI operation, body and query classes so the global ValidationPipe checks them
 * and Swagger documents them). Adding an operation to libs/contracts adds the route.
 */
export function forwardingControllers(ops: readonly HttpRpcOperation[]): Type<unknown>[] {
  const byTag = new Map<string, HttpRpcOperation[]>();
  for (const op of ops) byTag.set(`${op.service}:${op.tag}`, [...(byTag.get(`${op.service}:${op.tag}`) ?? []), op]);
  return [...byTag.values()].map((group) => forwardingController(group));
}

/** A binary reply travels in RPC JSON as `{ contentType, filename, base64 }` (e.g. an invoice PDF): serve the bytes. */
function asFile(result: unknown): unknown {
  const r = result as { contentType?: unknown; base64?: unknown; filename?: unknown } | null;
  if (!r || typeof r.base64 !== 'string' || typeof r.contentType !== 'string') return result;
  const disposition = typeof r.filename === 'string' ? `inline; filename="${r.filename.replace(/"/g, '')}"` : 'inline';
  return new StreamableFile(Buffer.from(r.base64, 'base64'), { type: r.contentType, disposition });
}

function forwardingController(ops: HttpRpcOperation[]): Type<unknown> {
  const { service, tag } = ops[0];

  class Forwarder {
    constructor(readonly forwarding: ForwardingService) {}
  }
  Reflect.defineMetadata('design:paramtypes', [ForwardingService], Forwarder);
  Object.defineProperty(Forwarder, 'name', { value: `${pascal(service)}${pascal(tag)}Forwarder` });
  const proto = Forwarder.prototype as unknown as Record<string, unknown>;

  for (const op of ops) {
    const name = pascal(op.operation.replace(/^./, (c) => c.toLowerCase()));
    const handler = async function (this: Forwarder, req: GatewayRequest): Promise<unknown> {
      return asFile(await this.forwarding.forward(op, req));
    };
    Object.defineProperty(handler, 'name', { value: name });
    proto[name] = handler;
    const paramTypes: unknown[] = [Object];
    Req()(proto, name, 0);
    if (op.body) {
      Body()(proto, name, paramTypes.length);
      paramTypes.push(op.body);
    }
    if (op.query) {
      Query()(proto, name, paramTypes.length);
      paramTypes.push(op.query);
    }
    Reflect.defineMetadata('design:paramtypes', paramTypes, proto, name);
    const descriptor = Object.getOwnPropertyDescriptor(proto, name) as PropertyDescriptor;
    const decorators: MethodDecorator[] = [
      METHOD[op.method](`v1${op.path}`),
      HttpCode(op.status),
      RequirePermission(op.permission),
      ApiOperation({ summary: op.summary, operationId: `${service}.${op.operation}`, description: `Permission \`${op.permission}\`; forwarded to \`rpc.${service}.${op.operation}\`.` }),
      ...[...op.path.matchAll(/:([A-Za-z]+)/g)].map((m) => ApiParam({ name: m[1], format: m[1] === 'id' ? 'uuid' : undefined })),
      ...(op.method !== 'GET' && !op.body ? [ApiBody({ required: false, schema: { type: 'object' } })] : []),
    ];
    for (const d of decorators) d(proto, name, descriptor);
  }

  ApiTags(tag)(Forwarder);
  ApiParam({ name: 'tenant', description: 'Tenant slug (must be the token’s)' })(Forwarder);
  Controller(':tenant')(Forwarder);
  return Forwarder;
}

import { context, propagation, trace, SpanKind, SpanStatusCode } from '@opentelemetry/api';
import type { IncomingMessage, ServerResponse } from 'node:http';

const getter = {
  get: (h: IncomingMessage['headers'], key: string) => {
    const v = h[key.toLowerCase()];
    return Array.isArray(v) ? v[0] : v;
  },
  keys: (h: IncomingMessage['headers']) => Object.keys(h),
};

/**
 * Express/Nest middleware: a SERVER span per HTTP request that continues an incoming W3C
 * `traceparent`, active for the whole request so RPC and outbox calls made while handling it join
 * the same trace. (No auto-instrumentation packages: this is the one span HTTP needs.)
 */
export function httpTracingMiddleware(serviceName: string) {
  const tracer = trace.getTracer(`supra-${serviceName}-http`);
  return (req: IncomingMessage & { originalUrl?: string }, res: ServerResponse, next: () => void): void => {
    const parent = propagation.extract(context.active(), req.headers, getter);
    const span = tracer.startSpan(
      `${req.method} ${(req.originalUrl ?? req.url ?? '').split('?')[0]}`,
      { kind: SpanKind.SERVER, attributes: { 'http.request.method': req.method ?? '', 'url.path': (req.url ?? '').split('?')[0] } },
      parent,
    );
    res.once('finish', () => {
      span.setAttribute('http.response.status_code', res.statusCode);
      if (res.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
      span.end();
    });
    context.with(trace.setSpan(parent, span), next);
  };
}

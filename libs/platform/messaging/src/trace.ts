import { context, propagation, trace, SpanKind, SpanStatusCode, type Context, type Span } from '@opentelemetry/api';

const setter = { set: (carrier: Record<string, string>, key: string, value: string) => (carrier[key] = value) };
const getter = {
  get: (carrier: Record<string, string>, key: string) => carrier[key.toLowerCase()],
  keys: (carrier: Record<string, string>) => Object.keys(carrier),
};

/** W3C `traceparent`/`tracestate` of the active span, to carry through NATS headers. */
export function injectTraceHeaders(into: Record<string, string> = {}, ctx: Context = context.active()): Record<string, string> {
  propagation.inject(ctx, into, setter);
  return into;
}

export function extractTraceContext(headers: Record<string, string>): Context {
  return propagation.extract(context.active(), headers, getter);
}

export const tracer = () => trace.getTracer('supra-messaging');

/** Runs `fn` in a span that continues the trace found in `headers`. */
export async function withSpanFromHeaders<T>(
  name: string,
  headers: Record<string, string>,
  kind: SpanKind,
  attributes: Record<string, string | number>,
  fn: (span: Span) => Promise<T>,
): Promise<T> {
  const parent = extractTraceContext(headers);
  return tracer().startActiveSpan(name, { kind, attributes }, parent, async (span) => {
    try {
      return await fn(span);
    } catch (e) {
      span.recordException(e as Error);
      span.setStatus({ code: SpanStatusCode.ERROR, message: (e as Error).message });
      throw e;
    } finally {
      span.end();
    }
  });
}

export { SpanKind };

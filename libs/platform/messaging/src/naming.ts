/**
 * Subject and stream names (ARCHITECTURE.md §3). Every name takes the deployment namespace as a
 * prefix ('' in production), so test runs and side-by-side stacks never share subjects or streams.
 */
export interface Namespace {
  /** '' or a token like 't-abc123'. */
  readonly ns: string;
}

const prefix = (ns: string): string => (ns ? `${ns}.` : '');
const streamPrefix = (ns: string): string => (ns ? `${ns.toUpperCase().replace(/[^A-Z0-9]/g, '_')}_` : '');

/** `billing.invoice.issued.v1` -> `billing` */
export const contextOfType = (type: string): string => type.split('.')[0];

export const Subjects = {
  event: (ns: string, tenant: string, type: string) => `${prefix(ns)}events.${tenant}.${type}`,
  /** All tenants' events of one type: a consumer's filter subject. */
  eventFilter: (ns: string, type: string) => `${prefix(ns)}events.*.${type}`,
  /** Every event of one producing context: a stream's subject. */
  contextEvents: (ns: string, context: string) => `${prefix(ns)}events.*.${context}.>`,
  rpc: (ns: string, service: string, operation: string) => `${prefix(ns)}rpc.${service}.${operation}`,
  dlq: (ns: string, service: string, consumer: string) => `${prefix(ns)}dlq.${service}.${consumer}`,
  dlqAll: (ns: string) => `${prefix(ns)}dlq.>`,
  telemetry: (ns: string, tenant: string, meter: string) => `${prefix(ns)}telemetry.${tenant}.${meter}`,
  telemetryAll: (ns: string) => `${prefix(ns)}telemetry.>`,
} as const;

export const Streams = {
  /** One stream per producing context: `BILLING` holds `events.*.billing.>`. */
  forContext: (ns: string, context: string) => `${streamPrefix(ns)}${context.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`,
  forType: (ns: string, type: string) => Streams.forContext(ns, contextOfType(type)),
  dlq: (ns: string) => `${streamPrefix(ns)}DLQ`,
  telemetry: (ns: string) => `${streamPrefix(ns)}TELEMETRY`,
} as const;

/** Durable consumer name of one service for one event type. */
export const durableName = (service: string, type: string): string => `${service}__${type.replace(/[.]/g, '_')}`;

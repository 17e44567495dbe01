import { v7 as uuidv7 } from 'uuid';
import type { CloudEvent } from './binding';

export interface NewEvent<T = unknown> {
  type: string;
  /** Aggregate id (ce-subject). */
  subject: string;
  data: T;
  tenantId: string;
  tenantSlug?: string;
  correlationId?: string;
  causationId?: string;
  dataschema?: string;
}

/** Builds a SUPRA CloudEvent: UUIDv7 id, `/supra/<service>` source, tenant and causality extensions. */
export function buildCloudEvent<T>(service: string, e: NewEvent<T>, now: Date = new Date()): CloudEvent<T> {
  const id = uuidv7();
  return {
    specversion: '1.0',
    id,
    source: `/supra/${service}`,
    type: e.type,
    subject: e.subject,
    time: now.toISOString(),
    datacontenttype: 'application/json',
    ...(e.dataschema ? { dataschema: e.dataschema } : {}),
    tenantid: e.tenantId,
    ...(e.tenantSlug ? { tenantslug: e.tenantSlug } : {}),
    correlationid: e.correlationId ?? id,
    ...(e.causationId ? { causationid: e.causationId } : {}),
    data: e.data,
  };
}

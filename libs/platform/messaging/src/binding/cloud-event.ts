/** A CloudEvents 1.0 event as our services see it; extension attributes sit beside the core ones. */
export interface CloudEvent<T = unknown> {
  specversion: '1.0';
  id: string;
  source: string;
  type: string;
  time?: string;
  subject?: string;
  datacontenttype?: string;
  dataschema?: string;
  data?: T;
  [extension: string]: unknown;
}

export const CLOUDEVENTS_SPEC_VERSION = '1.0';
export const REQUIRED_ATTRIBUTES = ['id', 'source', 'type'] as const;
export const OPTIONAL_ATTRIBUTES = ['time', 'subject', 'datacontenttype', 'dataschema'] as const;
export const CORE_ATTRIBUTES: ReadonlySet<string> = new Set(['specversion', ...REQUIRED_ATTRIBUTES, ...OPTIONAL_ATTRIBUTES]);

/** Header prefix of binary mode, and the JetStream de-duplication header. */
export const CE_HEADER_PREFIX = 'ce-';
export const NATS_MSG_ID_HEADER = 'Nats-Msg-Id';
export const CONTENT_TYPE_HEADER = 'content-type';
export const STRUCTURED_CONTENT_TYPE = 'application/cloudevents+json; charset=utf-8';
export const JSON_CONTENT_TYPE = 'application/json';

/** Attribute names: lower-case ASCII letters and digits, at most 20 characters (CloudEvents 1.0, 3.1). */
const ATTRIBUTE_NAME_RE = /^[a-z0-9]{1,20}$/;

export function isValidAttributeName(name: string): boolean {
  return ATTRIBUTE_NAME_RE.test(name);
}

/** application/json, text/json, anything with a +json suffix, with or without parameters. */
export function isJsonContentType(contentType: string | undefined): boolean {
  if (contentType === undefined) return false;
  const mediaType = contentType.split(';', 1)[0].trim().toLowerCase();
  return mediaType === 'application/json' || mediaType === 'text/json' || mediaType.endsWith('+json');
}

export function isTextContentType(contentType: string | undefined): boolean {
  if (contentType === undefined) return false;
  return contentType.split(';', 1)[0].trim().toLowerCase().startsWith('text/');
}

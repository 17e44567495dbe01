import {
  CE_HEADER_PREFIX,
  CLOUDEVENTS_SPEC_VERSION,
  CONTENT_TYPE_HEADER,
  CORE_ATTRIBUTES,
  type CloudEvent,
  JSON_CONTENT_TYPE,
  NATS_MSG_ID_HEADER,
  REQUIRED_ATTRIBUTES,
  OPTIONAL_ATTRIBUTES,
  STRUCTURED_CONTENT_TYPE,
  isJsonContentType,
  isTextContentType,
  isValidAttributeName,
} from './cloud-event';
import { CloudEventFormatError } from './cloud-event.errors';
import { percentDecodeHeaderValue, percentEncodeHeaderValue } from './percent-encoding';

/** A NATS message as plain data: the lead's adapter copies these to and from the client's MsgHdrs. */
export interface EncodedMessage {
  headers: Record<string, string>;
  payload: Uint8Array;
}

export type IncomingHeaders = Record<string, string | string[] | undefined>;

const utf8Encoder = new TextEncoder();
const utf8Decoder = new TextDecoder('utf-8', { fatal: true });

// RFC 3339 date-time (the CloudEvents Timestamp type).
const RFC3339_RE = /^(\d{4})-(\d{2})-(\d{2})[Tt]([01]\d|2[0-3]):[0-5]\d:([0-5]\d|60)(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;

function isRfc3339(value: string): boolean {
  const m = RFC3339_RE.exec(value);
  if (!m) return false;
  // Date.parse rolls 30 February over into March; a timestamp must name a real calendar day.
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const day = new Date(Date.UTC(y, mo - 1, d));
  return day.getUTCFullYear() === y && day.getUTCMonth() === mo - 1 && day.getUTCDate() === d;
}
const BASE64_RE = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** The canonical string form of an attribute value (CloudEvents type system). */
function canonicalString(name: string, value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number') {
    // The Integer type is a 32-bit signed integer; anything else has no canonical form.
    if (Number.isInteger(value) && value >= -2_147_483_648 && value <= 2_147_483_647) return String(value);
    throw new CloudEventFormatError('INVALID_ATTRIBUTE', `Attribute "${name}" is not a 32-bit integer`, { attribute: name });
  }
  if (value instanceof Uint8Array) return Buffer.from(value).toString('base64');
  throw new CloudEventFormatError('INVALID_ATTRIBUTE', `Attribute "${name}" must be a string, integer, boolean or binary`, {
    attribute: name,
  });
}

/** Checks the context attributes shared by both modes; `data` is the caller's concern. */
function validateAttributes(attrs: Record<string, unknown>): void {
  if (attrs.specversion === undefined || attrs.specversion === null || attrs.specversion === '') {
    throw new CloudEventFormatError('MISSING_ATTRIBUTE', 'Missing required attribute "specversion"', { attribute: 'specversion' });
  }
  if (attrs.specversion !== CLOUDEVENTS_SPEC_VERSION) {
    throw new CloudEventFormatError('UNSUPPORTED_SPECVERSION', `Unsupported specversion "${String(attrs.specversion)}"`, {
      specversion: String(attrs.specversion),
    });
  }
  for (const name of REQUIRED_ATTRIBUTES) {
    const v = attrs[name];
    if (v === undefined || v === null || v === '') {
      throw new CloudEventFormatError('MISSING_ATTRIBUTE', `Missing required attribute "${name}"`, { attribute: name });
    }
    if (typeof v !== 'string') {
      throw new CloudEventFormatError('INVALID_ATTRIBUTE', `Attribute "${name}" must be a string`, { attribute: name });
    }
  }
  for (const name of OPTIONAL_ATTRIBUTES) {
    const v = attrs[name];
    if (v !== undefined && (typeof v !== 'string' || v === '')) {
      throw new CloudEventFormatError('INVALID_ATTRIBUTE', `Attribute "${name}" must be a non-empty string`, { attribute: name });
    }
  }
  if (typeof attrs.time === 'string' && !isRfc3339(attrs.time)) {
    throw new CloudEventFormatError('INVALID_ATTRIBUTE', `Attribute "time" is not an RFC 3339 timestamp`, {
      attribute: 'time',
      value: attrs.time,
    });
  }
  for (const name of Object.keys(attrs)) {
    if (name === 'data' || name === 'data_base64' || CORE_ATTRIBUTES.has(name)) continue;
    if (!isValidAttributeName(name)) {
      throw new CloudEventFormatError('INVALID_EXTENSION_NAME', `Invalid extension attribute name "${name}"`, { attribute: name });
    }
    const v = attrs[name];
    if (v === null || (typeof v === 'object' && !(v instanceof Uint8Array))) {
      throw new CloudEventFormatError('INVALID_ATTRIBUTE', `Extension "${name}" must be a scalar value`, { attribute: name });
    }
  }
}

function encodeData(event: CloudEvent): { payload: Uint8Array; contentType?: string } {
  const { data, datacontenttype } = event;
  if (data === undefined) return { payload: new Uint8Array(0), contentType: datacontenttype };
  if (data instanceof Uint8Array) return { payload: data, contentType: datacontenttype };
  if (datacontenttype === undefined || isJsonContentType(datacontenttype)) {
    return { payload: utf8Encoder.encode(JSON.stringify(data)), contentType: datacontenttype ?? JSON_CONTENT_TYPE };
  }
  if (typeof data === 'string') return { payload: utf8Encoder.encode(data), contentType: datacontenttype };
  throw new CloudEventFormatError('INVALID_DATA', `Data for "${datacontenttype}" must be a string or bytes`, { datacontenttype });
}

/**
 * Binary content mode: every attribute in a `ce-<name>` header (percent-encoded), the data as the payload.
 * `Nats-Msg-Id` repeats the id so JetStream drops duplicates; `content-type` repeats datacontenttype for
 * receivers that read it the HTTP way (the CloudEvents Go SDK), while `ce-datacontenttype` is what the
 * NATS binding specifies and what `decode` prefers.
 */
export function encodeBinary(event: CloudEvent): EncodedMessage {
  validateAttributes(event);
  const { payload, contentType } = encodeData(event);
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(event)) {
    if (name === 'data' || name === 'datacontenttype' || value === undefined) continue;
    headers[CE_HEADER_PREFIX + name] = percentEncodeHeaderValue(canonicalString(name, value));
  }
  if (contentType !== undefined) {
    headers[`${CE_HEADER_PREFIX}datacontenttype`] = percentEncodeHeaderValue(contentType);
    headers[CONTENT_TYPE_HEADER] = percentEncodeHeaderValue(contentType);
  }
  headers[NATS_MSG_ID_HEADER] = event.id;
  return { headers, payload };
}

/** Structured content mode: the whole event as JSON (bytes as data_base64) in the payload. */
export function encodeStructured(event: CloudEvent): EncodedMessage {
  validateAttributes(event);
  const body: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(event)) {
    if (name === 'data' || value === undefined) continue;
    body[name] = value instanceof Uint8Array ? Buffer.from(value).toString('base64') : value;
  }
  const { data, datacontenttype } = event;
  if (data instanceof Uint8Array) {
    body.data_base64 = Buffer.from(data).toString('base64');
  } else if (data !== undefined) {
    if (datacontenttype !== undefined && !isJsonContentType(datacontenttype) && typeof data !== 'string') {
      throw new CloudEventFormatError('INVALID_DATA', `Data for "${datacontenttype}" must be a string or bytes`, { datacontenttype });
    }
    body.data = data;
  }
  return {
    headers: { [CONTENT_TYPE_HEADER]: STRUCTURED_CONTENT_TYPE, [NATS_MSG_ID_HEADER]: event.id },
    payload: utf8Encoder.encode(JSON.stringify(body)),
  };
}

/** Lower-cases names (NATS header names are case-insensitive) and keeps the first value of each. */
function normalizeHeaders(headers: IncomingHeaders): Map<string, string> {
  const out = new Map<string, string>();
  for (const [name, value] of Object.entries(headers ?? {})) {
    const first = Array.isArray(value) ? value[0] : value;
    const key = name.toLowerCase();
    if (first !== undefined && !out.has(key)) out.set(key, first);
  }
  return out;
}

function parseJson(bytes: Uint8Array, what: string): unknown {
  let text: string;
  try {
    text = utf8Decoder.decode(bytes);
  } catch {
    throw new CloudEventFormatError('INVALID_JSON', `${what} is not valid UTF-8`);
  }
  try {
    return JSON.parse(text);
  } catch (cause) {
    throw new CloudEventFormatError('INVALID_JSON', `${what} is not valid JSON: ${(cause as Error).message}`);
  }
}

function decodeStructured<T>(payload: Uint8Array): CloudEvent<T> {
  const body = parseJson(payload, 'Structured event');
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new CloudEventFormatError('INVALID_JSON', 'Structured event must be a JSON object');
  }
  const event = { ...(body as Record<string, unknown>) };
  validateAttributes(event);
  if ('data_base64' in event) {
    if ('data' in event) throw new CloudEventFormatError('INVALID_DATA', 'An event cannot carry both data and data_base64');
    const b64 = event.data_base64;
    if (typeof b64 !== 'string' || !BASE64_RE.test(b64)) {
      throw new CloudEventFormatError('INVALID_DATA', 'data_base64 is not valid base64');
    }
    delete event.data_base64;
    event.data = new Uint8Array(Buffer.from(b64, 'base64'));
  }
  return event as CloudEvent<T>;
}

function decodeBinary<T>(headers: Map<string, string>, payload: Uint8Array): CloudEvent<T> {
  const attrs: Record<string, unknown> = {};
  for (const [name, raw] of headers) {
    if (!name.startsWith(CE_HEADER_PREFIX)) continue;
    const attr = name.slice(CE_HEADER_PREFIX.length);
    if (!isValidAttributeName(attr)) {
      throw new CloudEventFormatError('INVALID_EXTENSION_NAME', `Invalid attribute header "${name}"`, { attribute: attr });
    }
    attrs[attr] = percentDecodeHeaderValue(raw);
  }
  // A producer following the HTTP binding's habit puts datacontenttype in Content-Type.
  const contentType = headers.get(CONTENT_TYPE_HEADER);
  if (attrs.datacontenttype === undefined && contentType !== undefined) attrs.datacontenttype = percentDecodeHeaderValue(contentType);
  validateAttributes(attrs);
  if (payload.length > 0) {
    const ct = attrs.datacontenttype as string | undefined;
    if (isJsonContentType(ct)) {
      attrs.data = parseJson(payload, 'Event data');
    } else if (isTextContentType(ct)) {
      try {
        attrs.data = utf8Decoder.decode(payload);
      } catch {
        throw new CloudEventFormatError('INVALID_DATA', `Event data declared as ${ct} is not valid UTF-8`);
      }
    } else {
      attrs.data = new Uint8Array(payload);
    }
  }
  return attrs as CloudEvent<T>;
}

/**
 * Reads a CloudEvent from a NATS message in either mode. A `Content-Type` of `application/cloudevents...`
 * means structured; `ce-` headers mean binary; a message with neither (a pre-2.2 publisher, which cannot send
 * headers) is read as structured, as the binding says.
 */
export function decode<T = unknown>(headers: IncomingHeaders, payload: Uint8Array): CloudEvent<T> {
  const h = normalizeHeaders(headers);
  const contentType = h.get(CONTENT_TYPE_HEADER);
  const mediaType = contentType?.split(';', 1)[0].trim().toLowerCase();
  if (mediaType !== undefined && mediaType.startsWith('application/cloudevents')) {
    if (mediaType === 'application/cloudevents+json' || mediaType === 'application/cloudevents') return decodeStructured<T>(payload);
    throw new CloudEventFormatError('UNSUPPORTED_CONTENT_MODE', `Unsupported CloudEvents format "${mediaType}"`, { contentType });
  }
  const hasCeHeaders = [...h.keys()].some((k) => k.startsWith(CE_HEADER_PREFIX));
  if (!hasCeHeaders && contentType === undefined) return decodeStructured<T>(payload);
  return decodeBinary<T>(h, payload);
}

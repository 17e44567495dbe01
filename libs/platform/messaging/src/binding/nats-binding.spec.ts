import { DomainError } from '@supra/platform/errors';
import { type CloudEvent, isValidAttributeName } from './cloud-event';
import { CloudEventFormatError, type CloudEventFormatReason } from './cloud-event.errors';
import { decode, encodeBinary, encodeStructured } from './nats-binding';

const utf8 = (s: string) => new TextEncoder().encode(s);
const text = (b: Uint8Array) => new TextDecoder().decode(b);

const invoiceIssued: CloudEvent<{ invoiceId: string; total: string; municipio: string }> = {
  specversion: '1.0',
  id: '0193a5b2-7c1e-7d2a-9f00-4b1c2d3e4f50',
  source: '/supra/billing',
  type: 'billing.invoice.issued.v1',
  time: '2026-11-23T17:04:05.123Z',
  subject: 'inv-2026-000123',
  datacontenttype: 'application/json',
  tenantid: 'cea-qro',
  correlationid: 'corr 1',
  data: { invoiceId: 'inv-2026-000123', total: '1234.50', municipio: 'Querétaro ñ 100%' },
};

function expectFormatError(fn: () => unknown, reason: CloudEventFormatReason): CloudEventFormatError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(CloudEventFormatError);
    const err = e as CloudEventFormatError;
    expect(err.reason).toBe(reason);
    return err;
  }
  throw new Error(`expected a CloudEventFormatError with reason ${reason}`);
}

describe('decode: the spec examples', () => {
  it('reads the binary-mode example of the NATS binding', () => {
    const headers = {
      'ce-specversion': '1.0',
      'ce-type': 'com.example.someevent',
      'ce-time': '2018-04-05T03:56:24Z',
      'ce-id': '1234-1234-1234',
      'ce-source': '/mycontext/subcontext',
      'ce-datacontenttype': 'application/json',
    };
    const event = decode(headers, utf8('{"hello":"world"}'));
    expect(event).toEqual({
      specversion: '1.0',
      type: 'com.example.someevent',
      time: '2018-04-05T03:56:24Z',
      id: '1234-1234-1234',
      source: '/mycontext/subcontext',
      datacontenttype: 'application/json',
      data: { hello: 'world' },
    });
  });

  it('reads the structured-mode example of the NATS binding', () => {
    const payload = utf8(
      JSON.stringify({ specversion: '1.0', type: 'com.example.someevent', id: 'A234-1234-1234', source: '/mycontext', data: { x: 1 } }),
    );
    const event = decode({ 'Content-Type': 'application/cloudevents+json; charset=utf-8' }, payload);
    expect(event).toEqual({ specversion: '1.0', type: 'com.example.someevent', id: 'A234-1234-1234', source: '/mycontext', data: { x: 1 } });
  });

  it('reads a headerless message as structured (publishers on servers before NATS 2.2)', () => {
    const event = decode({}, utf8('{"specversion":"1.0","type":"t","id":"1","source":"/s"}'));
    expect(event).toEqual({ specversion: '1.0', type: 't', id: '1', source: '/s' });
  });
});

describe('encodeBinary', () => {
  it('maps every attribute to a ce- header, percent-encoded, and the data to the payload', () => {
    const { headers, payload } = encodeBinary(invoiceIssued);
    expect(headers).toEqual({
      'ce-specversion': '1.0',
      'ce-id': invoiceIssued.id,
      'ce-source': '/supra/billing',
      'ce-type': 'billing.invoice.issued.v1',
      'ce-time': '2026-11-23T17:04:05.123Z',
      'ce-subject': 'inv-2026-000123',
      'ce-tenantid': 'cea-qro',
      'ce-correlationid': 'corr%201',
      'ce-datacontenttype': 'application/json',
      'content-type': 'application/json',
      'Nats-Msg-Id': invoiceIssued.id,
    });
    expect(JSON.parse(text(payload))).toEqual(invoiceIssued.data);
    for (const v of Object.values(headers)) expect(v).toMatch(/^[\x21-\x7e]*$/);
  });

  it('defaults datacontenttype to application/json when there is data', () => {
    const { datacontenttype: _omit, ...noContentType } = invoiceIssued;
    const { headers } = encodeBinary(noContentType as CloudEvent);
    expect(headers['ce-datacontenttype']).toBe('application/json');
  });

  it('sends an empty payload and no content type for an event without data', () => {
    const { headers, payload } = encodeBinary({ specversion: '1.0', id: '1', source: '/s', type: 't' });
    expect(payload).toHaveLength(0);
    expect(headers['ce-datacontenttype']).toBeUndefined();
    expect(headers['content-type']).toBeUndefined();
  });

  it('writes booleans, integers and bytes in their canonical string forms', () => {
    const { headers } = encodeBinary({ specversion: '1.0', id: '1', source: '/s', type: 't', retry: true, attempt: 3, sig: new Uint8Array([1, 2, 255]) });
    expect(headers['ce-retry']).toBe('true');
    expect(headers['ce-attempt']).toBe('3');
    expect(headers['ce-sig']).toBe('AQL/'); // base64; "/" is printable ASCII and stays as is
  });
});

describe('round trips', () => {
  it('keeps non-ASCII text in attributes and data in binary mode', () => {
    const event: CloudEvent = { ...invoiceIssued, subject: 'Querétaro ñ 100% "ok"', locality: 'Santiago de Querétaro' };
    const { headers, payload } = encodeBinary(event);
    expect(headers['ce-subject']).toBe('Quer%C3%A9taro%20%C3%B1%20100%25%20%22ok%22');
    const back = decode(headers, payload);
    expect(back).toEqual(event);
  });

  it('keeps the event whole in structured mode', () => {
    const event: CloudEvent = { ...invoiceIssued, subject: 'Querétaro ñ 100%', attempt: 2, replay: false };
    const { headers, payload } = encodeStructured(event);
    expect(headers).toEqual({ 'content-type': 'application/cloudevents+json; charset=utf-8', 'Nats-Msg-Id': event.id });
    expect(decode(headers, payload)).toEqual(event);
  });

  it('carries bytes as data_base64 in structured mode and raw in binary mode', () => {
    const bytes = new Uint8Array([0, 1, 2, 250, 251, 252]);
    const event: CloudEvent = { specversion: '1.0', id: '1', source: '/s', type: 't', datacontenttype: 'application/octet-stream', data: bytes };
    const structured = encodeStructured(event);
    expect(JSON.parse(text(structured.payload)).data_base64).toBe('AAEC+vv8');
    expect(decode(structured.headers, structured.payload)).toEqual(event);

    const binary = encodeBinary(event);
    expect(Array.from(binary.payload)).toEqual(Array.from(bytes));
    expect(decode(binary.headers, binary.payload)).toEqual(event);
  });

  it('carries text data as a string', () => {
    const event: CloudEvent = { specversion: '1.0', id: '1', source: '/s', type: 't', datacontenttype: 'text/plain; charset=utf-8', data: 'ñandú 100%' };
    const binary = encodeBinary(event);
    expect(text(binary.payload)).toBe('ñandú 100%');
    expect(decode(binary.headers, binary.payload)).toEqual(event);
    const structured = encodeStructured(event);
    expect(decode(structured.headers, structured.payload)).toEqual(event);
  });

  it('turns binary-mode extension values into strings (headers carry no types)', () => {
    const { headers, payload } = encodeBinary({ specversion: '1.0', id: '1', source: '/s', type: 't', attempt: 3, replay: true });
    expect(decode(headers, payload)).toMatchObject({ attempt: '3', replay: 'true' });
  });
});

describe('decode: binary-mode details', () => {
  const base = { 'ce-specversion': '1.0', 'ce-id': '1', 'ce-source': '/s', 'ce-type': 't' };

  it('matches header names case-insensitively and takes the first of repeated values', () => {
    const event = decode({ 'CE-SpecVersion': '1.0', 'Ce-Id': ['first', 'second'], 'ce-source': '/s', 'CE-TYPE': 't', 'Ce-TenantId': 'cea-qro' }, new Uint8Array());
    expect(event).toEqual({ specversion: '1.0', id: 'first', source: '/s', type: 't', tenantid: 'cea-qro' });
  });

  it('takes datacontenttype from Content-Type when ce-datacontenttype is absent (HTTP-style producers)', () => {
    const event = decode({ ...base, 'Content-Type': 'application/json' }, utf8('[1,2]'));
    expect(event.datacontenttype).toBe('application/json');
    expect(event.data).toEqual([1, 2]);
  });

  it('prefers ce-datacontenttype over Content-Type', () => {
    const event = decode({ ...base, 'ce-datacontenttype': 'text/plain', 'content-type': 'application/json' }, utf8('[1,2]'));
    expect(event.data).toBe('[1,2]');
  });

  it('accepts quoted header values from older producers', () => {
    const event = decode({ ...base, 'ce-subject': '"Quer\u00e9taro centro"' }, new Uint8Array());
    expect(event.subject).toBe('Querétaro centro');
  });

  it('ignores headers that are not CloudEvents attributes', () => {
    const event = decode({ ...base, traceparent: '00-abc-def-01', 'Nats-Msg-Id': '1' }, new Uint8Array());
    expect(event).toEqual({ specversion: '1.0', id: '1', source: '/s', type: 't' });
  });

  it('keeps data of unknown type as bytes', () => {
    const event = decode({ ...base }, utf8('raw'));
    expect(event.data).toEqual(utf8('raw'));
  });
});

describe('errors', () => {
  const good = { 'ce-specversion': '1.0', 'ce-id': '1', 'ce-source': '/s', 'ce-type': 't' };

  it('is a non-retryable DomainError with a stable code and the reason in details', () => {
    const err = expectFormatError(() => decode({ ...good, 'ce-id': '' }, new Uint8Array()), 'MISSING_ATTRIBUTE');
    expect(err).toBeInstanceOf(DomainError);
    expect(err.code).toBe('MESSAGING.CLOUDEVENT_INVALID');
    expect(err.retryable).toBe(false);
    expect(err.details).toMatchObject({ reason: 'MISSING_ATTRIBUTE', attribute: 'id' });
  });

  it.each(['ce-specversion', 'ce-id', 'ce-source', 'ce-type'])('rejects a binary message without %s', (header) => {
    const headers: Record<string, string> = { ...good, 'ce-datacontenttype': 'application/json' };
    delete headers[header];
    expectFormatError(() => decode(headers, new Uint8Array()), 'MISSING_ATTRIBUTE');
  });

  it.each(['id', 'source', 'type', 'specversion'])('rejects a structured event without %s', (attr) => {
    const body: Record<string, unknown> = { specversion: '1.0', id: '1', source: '/s', type: 't' };
    delete body[attr];
    expectFormatError(() => decode({ 'content-type': 'application/cloudevents+json' }, utf8(JSON.stringify(body))), 'MISSING_ATTRIBUTE');
  });

  it.each(['0.3', '1.1', '2.0'])('rejects specversion %s', (v) => {
    expectFormatError(() => decode({ ...good, 'ce-specversion': v }, new Uint8Array()), 'UNSUPPORTED_SPECVERSION');
    expectFormatError(
      () => decode({ 'content-type': 'application/cloudevents+json' }, utf8(JSON.stringify({ specversion: v, id: '1', source: '/s', type: 't' }))),
      'UNSUPPORTED_SPECVERSION',
    );
    expectFormatError(() => encodeBinary({ specversion: v as '1.0', id: '1', source: '/s', type: 't' }), 'UNSUPPORTED_SPECVERSION');
  });

  it('rejects invalid JSON in a structured payload, a non-object, and invalid JSON data in binary mode', () => {
    expectFormatError(() => decode({ 'content-type': 'application/cloudevents+json' }, utf8('{"specversion":')), 'INVALID_JSON');
    expectFormatError(() => decode({ 'content-type': 'application/cloudevents+json' }, utf8('[]')), 'INVALID_JSON');
    expectFormatError(() => decode({ 'content-type': 'application/cloudevents+json' }, new Uint8Array([0xff, 0xfe])), 'INVALID_JSON');
    expectFormatError(() => decode({ ...good, 'ce-datacontenttype': 'application/json' }, utf8('{nope')), 'INVALID_JSON');
  });

  it.each(['TenantId', 'tenant_id', 'tenant-id', 'averyveryverylongname1', 'ñandu'])('rejects the extension name %j', (name) => {
    expect(isValidAttributeName(name)).toBe(false);
    expectFormatError(
      () => encodeBinary({ specversion: '1.0', id: '1', source: '/s', type: 't', [name]: 'x' }),
      'INVALID_EXTENSION_NAME',
    );
    expectFormatError(
      () => decode({ 'content-type': 'application/cloudevents+json' }, utf8(JSON.stringify({ specversion: '1.0', id: '1', source: '/s', type: 't', [name]: 'x' }))),
      'INVALID_EXTENSION_NAME',
    );
  });

  it('accepts a 20-character extension name and rejects ce- headers with invalid names', () => {
    expect(isValidAttributeName('a2345678901234567890')).toBe(true);
    expectFormatError(() => decode({ ...good, 'ce-tenant_id': 'x' }, new Uint8Array()), 'INVALID_EXTENSION_NAME');
    expectFormatError(() => decode({ ...good, 'ce-a23456789012345678901': 'x' }, new Uint8Array()), 'INVALID_EXTENSION_NAME');
  });

  it('rejects attribute values of the wrong type', () => {
    const ev = { specversion: '1.0' as const, id: '1', source: '/s', type: 't' };
    expectFormatError(() => encodeBinary({ ...ev, id: 5 as unknown as string }), 'INVALID_ATTRIBUTE');
    expectFormatError(() => encodeBinary({ ...ev, time: 'yesterday' }), 'INVALID_ATTRIBUTE');
    expectFormatError(() => encodeBinary({ ...ev, time: '2026-02-30T00:00:00Z' }), 'INVALID_ATTRIBUTE');
    expectFormatError(() => encodeBinary({ ...ev, nested: { a: 1 } }), 'INVALID_ATTRIBUTE');
    expectFormatError(() => encodeBinary({ ...ev, ratio: 1.5 }), 'INVALID_ATTRIBUTE');
    expectFormatError(() => encodeBinary({ ...ev, subject: 'lone \uD800' }), 'INVALID_ATTRIBUTE');
    expectFormatError(() => decode({ ...good, 'ce-time': 'not-a-time' }, new Uint8Array()), 'INVALID_ATTRIBUTE');
    expectFormatError(
      () => decode({ 'content-type': 'application/cloudevents+json' }, utf8(JSON.stringify({ ...ev, ext: [1] }))),
      'INVALID_ATTRIBUTE',
    );
  });

  it('rejects bad data', () => {
    const ev = { specversion: '1.0' as const, id: '1', source: '/s', type: 't' };
    expectFormatError(() => encodeBinary({ ...ev, datacontenttype: 'application/xml', data: { a: 1 } }), 'INVALID_DATA');
    expectFormatError(() => encodeStructured({ ...ev, datacontenttype: 'application/xml', data: { a: 1 } }), 'INVALID_DATA');
    const structured = (body: object) => decode({ 'content-type': 'application/cloudevents+json' }, utf8(JSON.stringify({ ...ev, ...body })));
    expectFormatError(() => structured({ data: 1, data_base64: 'AA==' }), 'INVALID_DATA');
    expectFormatError(() => structured({ data_base64: 'not base64!' }), 'INVALID_DATA');
    expectFormatError(() => decode({ ...good, 'ce-datacontenttype': 'text/plain' }, new Uint8Array([0xc0, 0xa0])), 'INVALID_DATA');
  });

  it('rejects malformed percent-encoding in headers', () => {
    expectFormatError(() => decode({ ...good, 'ce-subject': 'bad%C0%A0' }, new Uint8Array()), 'INVALID_HEADER_ENCODING');
  });

  it('rejects batch mode and unknown event formats', () => {
    expectFormatError(() => decode({ 'content-type': 'application/cloudevents-batch+json' }, utf8('[]')), 'UNSUPPORTED_CONTENT_MODE');
    expectFormatError(() => decode({ 'content-type': 'application/cloudevents+avro' }, new Uint8Array()), 'UNSUPPORTED_CONTENT_MODE');
  });
});

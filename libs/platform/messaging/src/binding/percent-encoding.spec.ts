import { CloudEventFormatError } from './cloud-event.errors';
import { percentDecodeHeaderValue, percentEncodeHeaderValue } from './percent-encoding';

describe('percent-encoding of header values (CloudEvents NATS/HTTP binding rules)', () => {
  it('encodes the spec example "Euro € 😀"', () => {
    expect(percentEncodeHeaderValue('Euro \u20AC \u{1F600}')).toBe('Euro%20%E2%82%AC%20%F0%9F%98%80');
  });

  it('encodes space, double quote and percent but leaves other printable ASCII alone', () => {
    expect(percentEncodeHeaderValue('a b"c%d')).toBe('a%20b%22c%25d');
    const printable = Array.from({ length: 0x7e - 0x21 + 1 }, (_, i) => String.fromCharCode(0x21 + i))
      .filter((c) => c !== '"' && c !== '%')
      .join('');
    expect(percentEncodeHeaderValue(printable)).toBe(printable);
  });

  it('encodes control characters, DEL and non-ASCII as UTF-8 bytes in upper-case hex', () => {
    expect(percentEncodeHeaderValue('\t\n\u007f')).toBe('%09%0A%7F');
    expect(percentEncodeHeaderValue('Querétaro ñ 100%')).toBe('Quer%C3%A9taro%20%C3%B1%20100%25');
  });

  it('rejects lone surrogates, which have no UTF-8 form', () => {
    expect(() => percentEncodeHeaderValue('bad \uD800 value')).toThrow(CloudEventFormatError);
  });

  it('decodes what it encodes', () => {
    for (const s of ['Querétaro ñ 100%', 'Euro \u20AC \u{1F600}', 'plain', '"quoted"', '%41', ' lead and trail ', '']) {
      expect(percentDecodeHeaderValue(percentEncodeHeaderValue(s))).toBe(s);
    }
  });

  it('accepts lower-case hex and needlessly encoded characters', () => {
    expect(percentDecodeHeaderValue('Quer%c3%a9taro')).toBe('Querétaro');
    expect(percentDecodeHeaderValue('%41%42C')).toBe('ABC');
  });

  it('performs a single round of decoding', () => {
    expect(percentDecodeHeaderValue('100%2541')).toBe('100%41');
  });

  it('unescapes RFC 7230 quoted strings from older producers before percent-decoding', () => {
    expect(percentDecodeHeaderValue('"hello world"')).toBe('hello world');
    expect(percentDecodeHeaderValue('"say \\"hi\\" \\\\ ok"')).toBe('say "hi" \\ ok');
    expect(percentDecodeHeaderValue('"caf%C3%A9 ok"')).toBe('café ok');
    expect(percentDecodeHeaderValue('  trimmed  ')).toBe('trimmed');
  });

  it.each([
    ['%C0%A0', 'overlong encoding of a space'],
    ['%E2%82', 'truncated sequence'],
    ['%80', 'lone continuation byte'],
    ['%ED%A0%80', 'encoded surrogate'],
    ['abc%', 'dangling percent'],
    ['abc%4', 'short escape'],
    ['abc%GG', 'non-hex escape'],
    ['"abc"def"', 'unescaped quote inside quotes'],
    ['"abc\\"', 'dangling backslash'],
  ])('rejects %j (%s)', (raw) => {
    try {
      percentDecodeHeaderValue(raw);
      throw new Error('expected a CloudEventFormatError');
    } catch (e) {
      expect(e).toBeInstanceOf(CloudEventFormatError);
      expect((e as CloudEventFormatError).reason).toBe('INVALID_HEADER_ENCODING');
    }
  });
});

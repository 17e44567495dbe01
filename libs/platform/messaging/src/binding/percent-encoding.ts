import { CloudEventFormatError } from './cloud-event.errors';

const utf8 = new TextEncoder();
// fatal: invalid UTF-8 (overlong forms such as %C0%A0, lone continuation bytes) must be rejected, not replaced.
const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

const LONE_SURROGATE_RE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * Percent-encodes an attribute value for a NATS (or HTTP) header as the CloudEvents bindings say: space,
 * double quote, percent and every character outside printable ASCII (U+0021-U+007E) become the %XX of
 * their UTF-8 bytes, upper-case hex. A surrogate pair is one character.
 */
export function percentEncodeHeaderValue(value: string): string {
  if (LONE_SURROGATE_RE.test(value)) {
    throw new CloudEventFormatError('INVALID_ATTRIBUTE', 'Attribute value is not well-formed Unicode (lone surrogate)');
  }
  let out = '';
  for (const ch of value) {
    const cp = ch.codePointAt(0) as number;
    if (cp >= 0x21 && cp <= 0x7e && cp !== 0x22 && cp !== 0x25) {
      out += ch;
    } else {
      for (const byte of utf8.encode(ch)) out += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
    }
  }
  return out;
}

/** Undoes RFC 7230 quoted-string quoting (older producers sent "quoted values" instead of %22/%20). */
function unquote(value: string): string {
  if (value.length < 2 || !value.startsWith('"') || !value.endsWith('"')) return value;
  let out = '';
  for (let i = 1; i < value.length - 1; i++) {
    const ch = value[i];
    if (ch === '\\') {
      i++;
      if (i >= value.length - 1) throw new CloudEventFormatError('INVALID_HEADER_ENCODING', 'Dangling backslash in a quoted header value');
      out += value[i];
    } else if (ch === '"') {
      throw new CloudEventFormatError('INVALID_HEADER_ENCODING', 'Unescaped double quote inside a quoted header value');
    } else {
      out += ch;
    }
  }
  return out;
}

/**
 * Decodes a header value: optional whitespace trimmed, quoted-string unescaped, then exactly one round of
 * percent-decoding. Needlessly encoded characters are accepted; bytes that are not valid UTF-8 are rejected.
 */
export function percentDecodeHeaderValue(raw: string): string {
  const value = unquote(raw.trim());
  if (!value.includes('%')) return value;
  const bytes: number[] = [];
  const chars = Array.from(value); // code points, so a raw surrogate pair stays one character
  for (let i = 0; i < chars.length; i++) {
    const ch = chars[i];
    if (ch === '%') {
      const hex = chars.slice(i + 1, i + 3).join('');
      if (!/^[0-9A-Fa-f]{2}$/.test(hex)) {
        throw new CloudEventFormatError('INVALID_HEADER_ENCODING', `Malformed percent-encoding at position ${i}`, { value: raw });
      }
      bytes.push(parseInt(hex, 16));
      i += 2;
    } else {
      // Header values are ASCII; anything else that slipped through is taken as its UTF-8 bytes.
      for (const byte of utf8.encode(ch)) bytes.push(byte);
    }
  }
  try {
    return strictUtf8.decode(new Uint8Array(bytes));
  } catch {
    throw new CloudEventFormatError('INVALID_HEADER_ENCODING', 'Percent-encoded bytes are not valid UTF-8', { value: raw });
  }
}

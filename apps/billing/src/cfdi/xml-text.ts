/**
 * XML text helpers for the string-built CFDI. We never build a DOM: escaping is the only thing standing
 * between user data (names with "&", quotes, accents) and a malformed or forged document.
 */

const ATTR_SPECIAL = /[&<>"\t\n\r]/;
const ATTR_SPECIAL_G = /[&<>"\t\n\r]/g;
const ATTR_REPLACEMENTS: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  // Tab/newline/CR as character references: a literal one would be turned into a space by the XML parser's
  // attribute-value normalisation, so the signed value would differ from the parsed one.
  '\t': '&#9;',
  '\n': '&#10;',
  '\r': '&#13;',
};

/** Escapes a value for a double-quoted XML attribute. */
export function escapeAttr(value: string): string {
  if (!ATTR_SPECIAL.test(value)) return value;
  return value.replace(ATTR_SPECIAL_G, (c) => ATTR_REPLACEMENTS[c]);
}

/**
 * XPath 1.0 normalize-space(): trims and collapses runs of #x20, #x9, #xD, #xA into one space. Deliberately not
 * String.prototype.trim(), which also strips NBSP and other Unicode spaces that the SAT XSLT keeps.
 */
export function normalizeSpace(value: string): string {
  if (!/[ \t\r\n]/.test(value)) return value;
  return value.replace(/[ \t\r\n]+/g, ' ').replace(/^ | $/g, '');
}

/** Characters that XML 1.0 cannot carry at all (C0 controls except tab/LF/CR, U+FFFE/U+FFFF, lone surrogates). */
const XML_INVALID = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

export function hasInvalidXmlChars(value: string): boolean {
  return XML_INVALID.test(value);
}

const ENTITY_RE = /&(#x[0-9a-fA-F]+|#[0-9]+|amp|lt|gt|quot|apos);/g;
const NAMED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/** Decodes the predefined entities and character references of an attribute value read from XML. */
export function decodeXmlEntities(value: string): string {
  if (value.indexOf('&') === -1) return value;
  return value.replace(ENTITY_RE, (_m, ref: string) => {
    if (ref[0] === '#') {
      const code = ref[1] === 'x' ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
      return String.fromCodePoint(code);
    }
    return NAMED[ref];
  });
}

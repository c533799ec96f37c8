// XML names and escaping shared by the FHIR XML reader and writer.
import { badRequest } from '../errors.js';

export const FHIR_NS = 'http://hl7.org/fhir';
export const XHTML_NS = 'http://www.w3.org/1999/xhtml';

const ATTR_SPECIAL = /[&<>"\t\n\r\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/;
const ATTR_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  // Character references survive attribute-value normalisation, literal whitespace would become spaces.
  '\t': '&#x9;',
  '\n': '&#xA;',
  '\r': '&#xD;',
};

/** Escapes an attribute value; throws a 400 for characters XML 1.0 cannot carry. */
export function escapeAttr(s: string, path: string): string {
  if (!ATTR_SPECIAL.test(s)) return s;
  let out = '';
  for (const ch of s) {
    const e = ATTR_ESCAPES[ch];
    if (e) out += e;
    else if (/[\u0000-\u001F\uFFFE\uFFFF]/.test(ch)) {
      throw badRequest(`Character U+${ch.charCodeAt(0).toString(16).padStart(4, '0')} cannot be represented in XML`, [path]);
    } else out += ch;
  }
  return out;
}

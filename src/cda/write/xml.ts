// A small, safe XML writer for CDA: an element tree built in code (attributes keep the order they are
// given, undefined ones are left out), serialised with escaping, the HL7 v3 and xsi namespaces on the
// root, and two-space indentation. Elements holding text (narrative blocks, <given>…) are written
// inline so that their text is not altered by the indentation. Characters XML 1.0 cannot carry are
// dropped (and counted), never emitted.
export const HL7_NS = 'urn:hl7-org:v3';
export const XSI_NS = 'http://www.w3.org/2001/XMLSchema-instance';

export type Attrs = Record<string, string | number | boolean | undefined>;
export type XNode = XElement | string;

export interface XElement {
  name: string;
  attrs: Attrs;
  children: XNode[];
  /** Written before the element (an XML comment), e.g. the volet name on a section. */
  comment?: string;
}

/** An element; children that are undefined, false or empty strings are skipped. */
export function el(name: string, attrs: Attrs = {}, ...children: (XNode | (XNode | undefined)[] | undefined | null | false)[]): XElement {
  const kids: XNode[] = [];
  for (const c of children) {
    if (c === undefined || c === null || c === false) continue;
    if (Array.isArray(c)) {
      for (const x of c) if (x !== undefined && x !== null && x !== '') kids.push(x);
    } else if (c !== '') kids.push(c);
  }
  return { name, attrs, children: kids };
}

/** Whether an element has content worth writing (attributes other than undefined, or children). */
export const isEmpty = (e: XElement | undefined): boolean =>
  !e || (!e.children.length && Object.values(e.attrs).every((v) => v === undefined));

// XML 1.0 Char production: TAB, LF, CR, U+0020–U+D7FF, U+E000–U+FFFD, U+10000–U+10FFFF.
const INVALID = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

export interface WriteStats {
  /** Characters dropped because XML 1.0 cannot carry them. */
  dropped: number;
}

// Cheap pre-checks: most strings need no work (the full Unicode check only runs on suspects).
const SUSPECT = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uD800-\uDFFF\uFFFE\uFFFF]/;
const TEXT_SPECIAL = /[&<>]/;
const ATTR_SPECIAL = /[&<>"\t\n\r]/;
const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', '\t': '&#x9;', '\n': '&#xA;', '\r': '&#xD;' };

function clean(s: string, stats: WriteStats): string {
  if (!SUSPECT.test(s)) return s;
  return s.replace(INVALID, () => {
    stats.dropped++;
    return '';
  });
}

export function escapeText(s: string, stats: WriteStats = { dropped: 0 }): string {
  const c = clean(s, stats);
  return TEXT_SPECIAL.test(c) ? c.replace(/[&<>]/g, (ch) => ESCAPES[ch]) : c;
}

/** Whitespace other than spaces as character references: attribute normalisation would turn it into spaces. */
export function escapeAttr(s: string, stats: WriteStats = { dropped: 0 }): string {
  const c = clean(s, stats);
  return ATTR_SPECIAL.test(c) ? c.replace(/[&<>"\t\n\r]/g, (ch) => ESCAPES[ch]) : c;
}

function writeAttrs(attrs: Attrs, stats: WriteStats): string {
  let out = '';
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined) continue;
    out += ` ${k}="${escapeAttr(String(v), stats)}"`;
  }
  return out;
}

const hasText = (e: XElement): boolean => e.children.some((c) => typeof c === 'string');

function write(e: XElement, depth: number, out: string[], stats: WriteStats, inline: boolean): void {
  const pad = inline ? '' : '\n' + '  '.repeat(depth);
  if (e.comment && !inline) out.push(`${pad}<!-- ${clean(e.comment, stats).replace(/--/g, '- -')} -->`);
  const open = `<${e.name}${writeAttrs(e.attrs, stats)}`;
  if (!e.children.length) {
    out.push(`${pad}${open}/>`);
    return;
  }
  out.push(`${pad}${open}>`);
  // Mixed content (text and elements) is written as is: indentation would change the text.
  const mixed = inline || hasText(e);
  for (const c of e.children) {
    if (typeof c === 'string') out.push(escapeText(c, stats));
    else write(c, depth + 1, out, stats, mixed);
  }
  out.push(mixed ? `</${e.name}>` : `\n${'  '.repeat(depth)}</${e.name}>`);
}

/** Serialises a document: XML declaration, the root with the HL7 v3 and xsi namespace declarations. */
export function serialize(root: XElement, stats: WriteStats = { dropped: 0 }): string {
  const withNs: XElement = { ...root, attrs: { xmlns: HL7_NS, 'xmlns:xsi': XSI_NS, ...root.attrs } };
  const out: string[] = ['<?xml version="1.0" encoding="UTF-8"?>'];
  write(withNs, 0, out, stats, false);
  return out.join('') + '\n';
}

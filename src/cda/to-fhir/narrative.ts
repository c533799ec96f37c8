// CDA narrative block (section/text) → FHIR Narrative XHTML. The CDA narrative elements map to
// their HTML equivalents (paragraph → p, content → span, list/item → ul|ol/li, table parts as is,
// linkHtml → a); styleCode becomes an inline style; only safe attributes survive (no event handlers,
// no scripts, no external references other than http(s) links), so the result passes txt-1.
import { type CdaElement } from '../dom.js';
import rules from './narrative-map.json' with { type: 'json' };

const ELEMENTS = rules.elements as Record<string, string>;
const ATTRIBUTES = new Map(Object.entries(rules.attributes as Record<string, string[]>).map(([tag, list]) => [tag, new Set([...(rules.attributes['*'] ?? []), ...list])]));
const NONE = new Set<string>(rules.attributes['*'] ?? []);
const STYLES = rules.styleCodes as Record<string, string>;
const XHTML_NS = 'http://www.w3.org/1999/xhtml';

export const escapeText = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const escapeAttr = (s: string): string => escapeText(s).replace(/"/g, '&quot;');

/** Safe id/anchor values: XML NCName characters only. */
const safeId = (s: string): string | undefined => (/^[A-Za-z_][\w.-]*$/.test(s) ? s : undefined);

function renderAttrs(el: CdaElement, tag: string): string {
  const out: string[] = [];
  const allowed = ATTRIBUTES.get(tag) ?? NONE;
  for (const k in el.attrs) {
    const v = el.attrs[k];
    if (k === 'ID') {
      const id = safeId(v);
      if (id) out.push(`id="${escapeAttr(id)}"`);
    } else if (k === 'href' && tag === 'a') {
      if (/^(#[A-Za-z_][\w.-]*|https?:\/\/[^\s"<>]+)$/.test(v)) out.push(`href="${escapeAttr(v)}"`);
    } else if (allowed.has(k) && /^[\w .,%#-]*$/.test(v)) out.push(`${k}="${escapeAttr(v)}"`);
  }
  const styles = (el.attrs.styleCode ?? '').split(/\s+/).map((s) => STYLES[s]).filter(Boolean);
  if (styles.length) out.push(`style="${escapeAttr(styles.join(';'))}"`);
  return out.filter(Boolean).map((a) => ` ${a}`).join('');
}

/** Renders the children of a CDA narrative element in document order (text runs between elements). */
function renderChildren(el: CdaElement): string {
  let out = '';
  let pos = 0;
  for (const c of el.children) {
    const at = c.at ?? pos;
    out += escapeText(el.text.slice(pos, at)) + renderElement(c);
    pos = at;
  }
  return out + escapeText(el.text.slice(pos));
}

function renderElement(el: CdaElement): string {
  if (el.name === 'list') {
    const tag = el.attrs.listType === 'ordered' ? 'ol' : 'ul';
    return `<${tag}${renderAttrs(el, tag)}>${renderChildren(el)}</${tag}>`;
  }
  if (el.name === 'renderMultiMedia') return `<span>[${escapeText(el.attrs.referencedObject ? `média ${el.attrs.referencedObject}` : 'média')}]</span>`;
  if (el.name === 'br') return '<br/>';
  const tag = ELEMENTS[el.name];
  // Unknown CDA elements (extensions, misplaced markup) keep their text inside a span.
  if (!tag) return `<span>${renderChildren(el)}</span>`;
  const inner = renderChildren(el);
  return `<${tag}${renderAttrs(el, tag)}>${inner}</${tag}>`;
}

/** XHTML div of a section's <text>, or undefined when it has no visible content. */
export function narrativeDiv(textEl: CdaElement | undefined): string | undefined {
  if (!textEl) return undefined;
  const body = renderChildren(textEl).trim();
  const visible = body.replace(/<[^>]*>/g, '').replace(/&nbsp;|&#160;/g, ' ').trim();
  if (!visible) return undefined;
  return `<div xmlns="${XHTML_NS}">${body}</div>`;
}

/** A plain-text div (for generated narratives). */
export const textDiv = (s: string): string => `<div xmlns="${XHTML_NS}">${escapeText(s)}</div>`;

// FHIR Narrative XHTML → CDA narrative block (section/text), the inverse of src/cda/to-fhir/narrative.ts:
// p → paragraph, ul/ol/li → list/item, table parts as they are (loose rows gathered into a tbody, which
// CDA requires), br → br, b/i/u/span → content with a styleCode, a → linkHtml; inline styles become
// styleCodes through the same table read backwards. Elements CDA does not allow where they stand (a
// table inside a cell, a paragraph inside a paragraph) and any other XHTML element are flattened to
// their text, so the result always satisfies NarrativeBlock.xsd. The XHTML is parsed with the CDA
// element tree (saxes: no DOCTYPE, no entities).
import { parseCda, type CdaElement } from '../dom.js';
import narrativeMap from '../to-fhir/narrative-map.json' with { type: 'json' };
import model from './narrative-model.json' with { type: 'json' };
import { invert, type Warn } from './datatypes.js';
import { el, type Attrs, type XElement, type XNode } from './xml.js';

type Def = { to: string; styleCode?: string; attrs?: Record<string, string> };
const ELEMENTS = model.elements as Record<string, Def>;
const BLOCK = new Set(model.block);
const HEADING = new Set(model.heading);
const ALLOWED = model.allowed as Record<string, { text: boolean; children: string[] }>;
const ATTRIBUTES = model.attributes as Record<string, string[]>;
const ENUMS = model.enumerations as Record<string, string[]>;
const normStyle = (s: string): string => s.replace(/\s+/g, '').toLowerCase();
const STYLE_CODES = Object.fromEntries(Object.entries(invert(narrativeMap.styleCodes as Record<string, string>)).map(([k, v]) => [normStyle(k), v]));
const NCNAME = /^[A-Za-z_][\w.-]*$/;

export interface NarrativeOptions {
  /** IDs already used in the document (xs:ID must be unique): a clash drops the later ID. */
  ids: Set<string>;
  warn: Warn;
  /** FHIRPath of the narrative div, for warnings. */
  path: string;
}

const allows = (parent: string, child: string): boolean => ALLOWED[parent]?.children.includes(child) ?? false;
const holdsText = (parent: string): boolean => ALLOWED[parent]?.text ?? false;

function styleCodes(x: CdaElement, def?: Def): string | undefined {
  const codes = new Set<string>(def?.styleCode ? [def.styleCode] : []);
  for (const decl of (x.attrs.style ?? '').split(';')) {
    const code = STYLE_CODES[normStyle(decl)];
    if (code) codes.add(code);
  }
  return codes.size ? [...codes].join(' ') : undefined;
}

function attributes(x: CdaElement, target: string, def: Def | undefined, o: NarrativeOptions): Attrs {
  const out: Attrs = { ...(def?.attrs ?? {}) };
  const id = x.attrs.id ?? x.attrs.ID;
  if (id) {
    if (NCNAME.test(id) && !o.ids.has(id)) {
      o.ids.add(id);
      out.ID = id;
    } else o.warn(`The narrative id "${id}" is not a valid or unique CDA ID; it is left out`, o.path, 'information');
  }
  for (const name of ATTRIBUTES[target] ?? []) {
    const v = x.attrs[name];
    if (v === undefined || name === 'ID') continue;
    if (ENUMS[name] && !ENUMS[name].includes(v)) continue;
    if (name === 'href' && !/^(#[A-Za-z_][\w.-]*|https?:\/\/[^\s"<>]+)$/.test(v)) continue;
    out[name] = v;
  }
  const sc = styleCodes(x, def);
  if (sc) out.styleCode = sc;
  return out;
}

/** Text in an element that holds none (a list, a row…): wrapped in the child that may hold it.
 *  Whitespace between inline elements is content where text is allowed, layout elsewhere. */
function wrapText(t: string, parent: string): XNode[] {
  if (!t) return [];
  if (holdsText(parent)) return [t];
  if (!t.trim()) return [];
  switch (parent) {
    case 'list': return [el('item', {}, t)];
    case 'tr': return [el('td', {}, t)];
    case 'thead': case 'tbody': case 'tfoot': return [el('tr', {}, el('td', {}, t))];
    case 'table': return [el('tbody', {}, el('tr', {}, el('td', {}, t)))];
    default: return [];
  }
}

/** The children of an XHTML element converted for a CDA parent, text runs and elements in document order. */
function convertChildren(x: CdaElement, parent: string, o: NarrativeOptions): XNode[] {
  const out: XNode[] = [];
  let pos = 0;
  for (const c of x.children) {
    const at = c.at ?? pos;
    out.push(...wrapText(x.text.slice(pos, at), parent), ...convertNode(c, parent, o));
    pos = at;
  }
  out.push(...wrapText(x.text.slice(pos), parent));
  return mergeText(out);
}

/** Adjacent text runs merged, and the spaces that flattening adds collapsed (renderers collapse them anyway). */
function mergeText(nodes: XNode[]): XNode[] {
  const out: XNode[] = [];
  for (const n of nodes) {
    const last = out[out.length - 1];
    if (typeof n === 'string' && typeof last === 'string') out[out.length - 1] = last + n;
    else out.push(n);
  }
  return out.map((n) => (typeof n === 'string' ? n.replace(/[ \t\r\n]{2,}/g, (m) => (m.includes('\n') ? '\n' : ' ')) : n));
}

/** Flattening keeps the text, separated from its neighbours. */
function flatten(x: CdaElement, parent: string, o: NarrativeOptions): XNode[] {
  const inner = convertChildren(x, parent, o);
  return holdsText(parent) && inner.length ? [' ', ...inner, ' '] : inner;
}

function list(x: CdaElement, attrs: Attrs, o: NarrativeOptions): XNode[] {
  const items: XElement[] = [];
  let pos = 0;
  const loose = (nodes: XNode[]) => {
    if (nodes.some((n) => typeof n !== 'string' || n.trim())) items.push(el('item', {}, nodes));
  };
  for (const c of x.children) {
    const at = c.at ?? pos;
    loose(x.text.slice(pos, at).trim() ? [x.text.slice(pos, at)] : []);
    if (c.name === 'li') items.push(...(convertNode(c, 'list', o).filter((n): n is XElement => typeof n !== 'string')));
    else loose(convertNode(c, 'item', o));
    pos = at;
  }
  loose(x.text.slice(pos).trim() ? [x.text.slice(pos)] : []);
  return items.length ? [el('list', attrs, items)] : [];
}

function rows(x: CdaElement, o: NarrativeOptions): XElement[] {
  const out: XElement[] = [];
  for (const c of x.children) {
    if (c.name === 'tr') out.push(...(convertNode(c, 'tbody', o) as XElement[]));
    else {
      const cells = convertNode(c, 'tr', o).filter((n): n is XElement => typeof n !== 'string');
      if (cells.length) out.push(el('tr', {}, cells));
    }
  }
  return out;
}

function table(x: CdaElement, attrs: Attrs, parent: string, o: NarrativeOptions): XNode[] {
  let caption: XElement | undefined;
  const cols: XElement[] = [];
  let thead: XElement | undefined;
  let tfoot: XElement | undefined;
  const bodies: XElement[] = [];
  let loose: XElement[] = [];
  const flush = () => {
    if (loose.length) bodies.push(el('tbody', {}, loose));
    loose = [];
  };
  for (const c of x.children) {
    const part = (name: string) => {
      const r = rows(c, o);
      return r.length ? el(name, attributes(c, name, ELEMENTS[c.name], o), r) : undefined;
    };
    if (c.name === 'caption' && !caption) caption = convertNode(c, 'table', o)[0] as XElement | undefined;
    else if (c.name === 'col' || c.name === 'colgroup') cols.push(...(convertNode(c, 'table', o) as XElement[]));
    else if (c.name === 'thead' && !thead) thead = part('thead');
    else if (c.name === 'tfoot' && !tfoot) tfoot = part('tfoot');
    else if (c.name === 'tbody') {
      flush();
      const b = part('tbody');
      if (b) bodies.push(b);
    } else if (c.name === 'tr') loose.push(...(convertNode(c, 'tbody', o) as XElement[]));
  }
  flush();
  // CDA wants at least one tbody: a table with only a header row keeps it as its body.
  if (!bodies.length && thead) {
    bodies.push({ ...thead, name: 'tbody' });
    thead = undefined;
  }
  if (!bodies.length) return flatten(x, parent, o);
  return [el('table', attrs, caption, cols, thead, tfoot, bodies)];
}

function convertNode(x: CdaElement, parent: string, o: NarrativeOptions): XNode[] {
  const tag = x.name.toLowerCase();
  if (tag === 'img') return holdsText(parent) ? [`[image${x.attrs.alt ? ` : ${x.attrs.alt}` : ''}]`] : [];
  if (HEADING.has(tag)) {
    if (allows(parent, 'paragraph')) return [el('paragraph', {}, el('content', { styleCode: 'Bold' }, convertChildren(x, 'content', o)))];
    if (allows(parent, 'content')) return [el('content', { styleCode: 'Bold' }, convertChildren(x, 'content', o))];
    return flatten(x, parent, o);
  }
  const def = ELEMENTS[tag];
  if (!def || BLOCK.has(tag)) return flatten(x, parent, o);
  const target = def.to;
  if (!allows(parent, target)) return flatten(x, parent, o);
  const attrs = attributes(x, target, def, o);
  switch (target) {
    case 'br': case 'col': return [el(target, attrs)];
    case 'list': return list(x, attrs, o);
    case 'table': return table(x, attrs, parent, o);
    case 'thead': case 'tbody': case 'tfoot': {
      const r = rows(x, o);
      return r.length ? [el(target, attrs, r)] : [];
    }
    case 'tr': {
      const cells = convertChildren(x, 'tr', o).filter((n): n is XElement => typeof n !== 'string');
      return cells.length ? [el('tr', attrs, cells)] : [];
    }
    default: return [el(target, attrs, convertChildren(x, target, o))];
  }
}

/** The CDA <text> of a section from a FHIR narrative div; undefined when it has no visible text. */
export function narrativeBlock(div: string | undefined, o: NarrativeOptions): XElement | undefined {
  if (!div?.trim()) return undefined;
  let root: CdaElement;
  try {
    root = parseCda(div, { maxDepth: 64 });
  } catch (e) {
    o.warn(`The narrative is not well-formed XHTML (${(e as Error).message}); it is left out`, o.path, 'warning');
    return undefined;
  }
  const nodes = root.name === 'div' ? convertChildren(root, 'text', o) : convertNode(root, 'text', o);
  const visible = (n: XNode): boolean => (typeof n === 'string' ? n.trim().length > 0 : n.children.some(visible));
  if (!nodes.some(visible)) return undefined;
  return el('text', {}, nodes);
}

/** A CDA <text> made of one paragraph per line (generated narratives). */
export function textBlock(lines: string[]): XElement | undefined {
  const kept = lines.map((l) => l.trim()).filter(Boolean);
  return kept.length ? el('text', {}, kept.map((l) => el('paragraph', {}, l))) : undefined;
}

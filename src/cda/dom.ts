// A small, read-only element tree for CDA documents, parsed with saxes (strict XML 1.0, namespaces,
// DOCTYPE refused: no entity expansion, no XXE). Every element knows its XPath, so validation
// messages and conversion warnings can name locations like
// /ClinicalDocument/component/structuredBody/component[2]/section/entry[1]/observation.
import { SaxesParser, type SaxesTagNS } from 'saxes';
import { FhirError } from '../fhir/errors.js';

export const HL7_NS = 'urn:hl7-org:v3';
export const XSI_NS = 'http://www.w3.org/2001/XMLSchema-instance';

export interface CdaElement {
  /** Local name (namespace prefix removed). */
  name: string;
  ns: string;
  /** Attributes by local name (xsi:type is under 'xsi:type'). */
  attrs: Record<string, string>;
  children: CdaElement[];
  parent?: CdaElement;
  /** Concatenated direct text content. */
  text: string;
  /** Offset in the parent's `text` where this element starts, so mixed content (narrative blocks)
   *  can be rendered in document order. */
  at?: number;
  /** 1-based position among same-named siblings, and whether there are several. */
  index: number;
  /** Line where the start tag begins. */
  line: number;
  /** XPath from the root, with [n] only where siblings share the name. */
  xpath: string;
}

export interface ParseOptions {
  /** Deepest element nesting accepted (default 256): guards the recursion of later walks. */
  maxDepth?: number;
}

/** Parses a CDA (or any namespaced XML) document. Throws a 400 FhirError naming the line on bad XML. */
export function parseCda(xml: string, opts: ParseOptions = {}): CdaElement {
  const maxDepth = opts.maxDepth ?? 256;
  const parser = new SaxesParser({ xmlns: true, position: true });
  const stack: CdaElement[] = [];
  const counts = new Map<CdaElement, Map<string, number>>();
  let root: CdaElement | undefined;
  let error: FhirError | undefined;
  const fail = (msg: string) => {
    error ??= new FhirError(400, `${msg} (line ${parser.line})`, 'structure', [`line ${parser.line}`]);
  };
  // DOCTYPE found by a scan rather than a 'doctype' handler: with that seventh handler saxes runs
  // about five times slower (V8 deoptimises its handler dispatch).
  const doctype = /<!DOCTYPE/i.exec(xml);
  if (doctype) {
    const line = xml.slice(0, doctype.index).split('\n').length;
    throw new FhirError(400, `A DOCTYPE is not allowed in a CDA document (line ${line})`, 'structure', [`line ${line}`]);
  }
  // The line where a start tag begins (opentag fires at its end, which may be lines later).
  let startLine = 1;
  parser.on('opentagstart', () => void (startLine = parser.line));
  parser.on('opentag', (tag: SaxesTagNS) => {
    const parent = stack[stack.length - 1];
    if (stack.length >= maxDepth) return fail(`Elements are nested deeper than ${maxDepth} levels`);
    const attrs: Record<string, string> = {};
    for (const a of Object.values(tag.attributes)) {
      if (a.prefix === 'xmlns' || a.name === 'xmlns') continue;
      attrs[a.uri === XSI_NS ? `xsi:${a.local}` : a.local] = a.value;
    }
    const el: CdaElement = { name: tag.local, ns: tag.uri, attrs, children: [], parent, text: '', index: 1, line: startLine, xpath: '' };
    if (parent) {
      el.at = parent.text.length;
      // Count same-named siblings with a per-parent tally (a filter per child is quadratic on wide elements).
      const tally = (counts.get(parent) ?? counts.set(parent, new Map()).get(parent))!;
      el.index = (tally.get(el.name) ?? 0) + 1;
      tally.set(el.name, el.index);
      parent.children.push(el);
    } else if (root) fail('More than one root element');
    else root = el;
    stack.push(el);
  });
  parser.on('text', (t: string) => {
    const top = stack[stack.length - 1];
    if (top) top.text += t;
  });
  parser.on('cdata', (t: string) => {
    const top = stack[stack.length - 1];
    if (top) top.text += t;
  });
  parser.on('closetag', () => void stack.pop());
  parser.on('error', (e: Error) => fail(`Malformed XML: ${e.message.replace(/^.*?:\d+:\d+: /, '')}`));
  try {
    parser.write(xml).close();
  } catch {
    fail('Malformed XML');
  }
  if (error) throw error;
  if (!root) throw new FhirError(400, 'The document has no root element', 'structure');
  assignXpaths(root, '', counts);
  return root;
}

function assignXpaths(el: CdaElement, prefix: string, counts: Map<CdaElement, Map<string, number>>): void {
  const several = el.parent ? (counts.get(el.parent)?.get(el.name) ?? 0) > 1 : false;
  el.xpath = `${prefix}/${el.name}${several ? `[${el.index}]` : ''}`;
  for (const c of el.children) assignXpaths(c, el.xpath, counts);
}

// ---- navigation helpers (paths are '/'-separated local names, e.g. 'recordTarget/patientRole')

export function children(el: CdaElement | undefined, name: string): CdaElement[] {
  return el ? el.children.filter((c) => c.name === name) : [];
}

export function child(el: CdaElement | undefined, name: string): CdaElement | undefined {
  return el?.children.find((c) => c.name === name);
}

/** All elements reached by a relative path of local names. */
export function all(el: CdaElement | undefined, path: string): CdaElement[] {
  let cur = el ? [el] : [];
  for (const step of path.split('/').filter(Boolean)) cur = cur.flatMap((e) => children(e, step));
  return cur;
}

export const first = (el: CdaElement | undefined, path: string): CdaElement | undefined => all(el, path)[0];

/** Attribute of the first element at path ('' = the element itself). */
export function attr(el: CdaElement | undefined, path: string, name: string): string | undefined {
  return (path ? first(el, path) : el)?.attrs[name];
}

/** Trimmed text of the first element at path, including nested text (e.g. <given>Jean</given>). */
export function text(el: CdaElement | undefined, path = ''): string | undefined {
  const e = path ? first(el, path) : el;
  if (!e) return undefined;
  const t = deepText(e).replace(/\s+/g, ' ').trim();
  return t || undefined;
}

export function deepText(el: CdaElement): string {
  return el.text + el.children.map(deepText).join('');
}

/** templateId roots of an element. */
export const templateIds = (el: CdaElement | undefined): string[] => children(el, 'templateId').map((t) => t.attrs.root).filter(Boolean);

/** Every descendant (depth first, document order). */
export function* descendants(el: CdaElement): Generator<CdaElement> {
  for (const c of el.children) {
    yield c;
    yield* descendants(c);
  }
}

/**
 * The ClinicalDocument element: the root itself, or the one embedded in a self-presenting document
 * (CI-SIS "autoprésentable": an xsl:stylesheet whose data:Contenu holds the CDA).
 */
export function findClinicalDocument(root: CdaElement): CdaElement | undefined {
  if (root.name === 'ClinicalDocument' && root.ns === HL7_NS) return root;
  for (const e of descendants(root)) if (e.name === 'ClinicalDocument' && e.ns === HL7_NS) return e;
  return undefined;
}

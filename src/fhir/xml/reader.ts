// FHIR R4 XML → FHIR JSON, driven by the type model. Parsed with saxes (strict XML 1.0, namespaces,
// no DTD processing: a DOCTYPE is refused, so no entity expansion and no XXE).
import type { Resource } from 'fhir/r4';
import { SaxesParser, type SaxesAttributeNS, type SaxesTagNS } from 'saxes';
import { FhirError, type Issue } from '../errors.js';
import { primitiveProblem } from '../structure.js';
import { NUMBER_TYPES, primitivePattern, resourceInfo, typeInfo, type PropertyInfo, type TypeInfo } from '../type-model.js';
import { FHIR_NS, XHTML_NS } from './escape.js';

type Json = Record<string, unknown>;
const XSI_NS = 'http://www.w3.org/2001/XMLSchema-instance';
const XMLNS_NS = 'http://www.w3.org/2000/xmlns/';

/** A primitive as collected: its value and its `_name` part. */
interface PrimItem {
  v?: unknown;
  meta?: Json;
}

interface ObjectFrame {
  kind: 'object';
  info: TypeInfo;
  path: string;
  resourceType?: string;
  /** jsonName → items in document order. */
  items: Map<string, unknown[]>;
  choices?: Map<string, string>;
  done?: (value: Json) => void;
}
interface PrimitiveFrame {
  kind: 'primitive';
  prop: PropertyInfo;
  path: string;
  item: PrimItem;
  done: (item: PrimItem) => void;
}
interface WrapperFrame {
  kind: 'wrapper';
  path: string;
  name: string;
  resource?: Json;
  done: (value: Json) => void;
}
interface DivFrame {
  kind: 'div';
  path: string;
  start: number;
  depth: number;
  done: (value: string) => void;
}
type Frame = ObjectFrame | PrimitiveFrame | WrapperFrame | DivFrame;

const fail = (diagnostics: string, path: string, code: Issue['code'] = 'structure'): FhirError =>
  new FhirError(400, [{ severity: 'error', code, diagnostics: `${diagnostics} (at ${path})`, expression: [path] }]);

/** Parses a FHIR XML resource into FHIR JSON. Throws a 400 FhirError with a FHIRPath location on any problem. */
export function fromXml(xml: string): Resource {
  const parser = new SaxesParser({ xmlns: true, position: true });
  const stack: Frame[] = [];
  let result: Json | undefined;
  let pending: FhirError | undefined;

  const top = () => stack[stack.length - 1];

  // The element whose start tag is being read, to locate errors inside start tags.
  let opening: string | undefined;
  parser.on('opentagstart', (t) => (opening = t.name));

  parser.on('doctype', () => {
    throw fail('DOCTYPE declarations are not allowed in FHIR XML', 'Resource');
  });
  parser.on('text', (t) => {
    const f = top();
    if (f?.kind === 'div' || !/\S/.test(t)) return;
    throw fail(`Unexpected text ${JSON.stringify(t.trim().slice(0, 40))}`, f?.path ?? 'Resource');
  });
  parser.on('cdata', () => {
    const f = top();
    if (f?.kind !== 'div') throw fail('Unexpected CDATA section', f?.path ?? 'Resource');
  });

  parser.on('opentag', (tag: SaxesTagNS) => {
    opening = undefined;
    const f = top();
    if (f?.kind === 'div') {
      f.depth++;
      return;
    }
    if (!f) {
      // The root element: a resource.
      stack.push(openResource(tag, '', (r) => (result = r)));
      return;
    }
    const path0 = f.path;
    if (f.kind === 'wrapper') {
      if (f.resource) throw fail(`${f.name} holds a single resource`, path0);
      stack.push(openResource(tag, path0, (r) => (f.resource = r)));
      return;
    }
    if (tag.uri !== FHIR_NS && !(tag.local === 'div' && tag.uri === XHTML_NS)) {
      throw fail(`Element <${tag.name}> is not in the FHIR namespace`, `${path0}.${tag.local}`);
    }
    const parentInfo = f.kind === 'object' ? f.info : typeInfo(f.prop.type)!;
    const name = tag.local;
    const prop = parentInfo.properties.get(name);
    if (!prop || prop.element.xmlAttr) throw fail(`Unknown element '${name}'`, `${path0}.${name}`);
    if ((prop.type === 'xhtml') !== (tag.uri === XHTML_NS)) {
      throw fail(prop.type === 'xhtml' ? 'The narrative div must be in the XHTML namespace' : `Element <${name}> is not in the FHIR namespace`, `${path0}.${name}`);
    }
    // Where the child goes: an object frame's item list, or a primitive's extensions.
    let list: unknown[];
    if (f.kind === 'object') list = itemsOf(f, prop, name);
    else if (name === 'extension') list = ((f.item.meta ??= {}).extension ??= []) as unknown[];
    else throw fail(`Unknown element '${name}'`, `${path0}.${name}`);
    const array = prop.element.array;
    if (!array && list.length > 0) throw fail(`Element '${name}' cannot repeat`, `${path0}.${name}`);
    const path = array ? `${path0}.${name}[${list.length}]` : `${path0}.${name}`;
    const slot = list.length;
    list.push(undefined);
    const put = (v: unknown) => (list[slot] = v);

    if (prop.type === 'xhtml') {
      // Prefixed XHTML would need rewriting to become the JSON form; it is refused rather than re-serialised.
      if (tag.prefix) throw fail('The narrative div must use the default XHTML namespace: <div xmlns="http://www.w3.org/1999/xhtml">', path0 + '.div');
      stack.push({ kind: 'div', path, start: xml.lastIndexOf('<', parser.position - 1), depth: 0, done: put });
      return;
    }
    if (prop.primitive) {
      const item: PrimItem = {};
      for (const a of attrs(tag)) {
        if (a.local === 'value') item.v = parsePrimitive(prop.type, a.value, path);
        else if (a.local === 'id') (item.meta ??= {}).id = checked('string', a.value, `${path}.id`);
        else throw fail(`Unknown attribute '${a.name}'`, path);
      }
      stack.push({ kind: 'primitive', prop, path, item, done: put });
      return;
    }
    if (prop.type === 'Resource') {
      for (const a of attrs(tag)) throw fail(`Unknown attribute '${a.name}'`, path);
      stack.push({ kind: 'wrapper', path, name, done: put });
      return;
    }
    const info = typeInfo(prop.type)!;
    const frame: ObjectFrame = { kind: 'object', info, path, items: new Map(), done: put };
    for (const a of attrs(tag)) {
      const ap = info.properties.get(a.local);
      if (!ap?.element.xmlAttr) throw fail(`Unknown attribute '${a.name}'`, path);
      frame.items.set(a.local, [{ v: checked(ap.type, a.value, `${path}.${a.local}`) }]);
    }
    stack.push(frame);
  });

  parser.on('closetag', (tag) => {
    const f = top();
    if (!tag.isSelfClosing) {
      // saxes reports a mismatched end tag only after closing the open elements: check it first.
      const lt = xml.lastIndexOf('</', parser.position - 1);
      const closing = /^<\/([^\s>]+)/.exec(xml.slice(lt, lt + tag.name.length + 3))?.[1];
      if (closing !== tag.name) {
        throw fail(`Malformed XML: ${parser.line}:${parser.column}: end tag </${closing}> does not match <${tag.name}>`, f?.path ?? 'Resource');
      }
    }
    if (f.kind === 'div' && f.depth > 0) {
      f.depth--;
      return;
    }
    stack.pop();
    switch (f.kind) {
      case 'div':
        f.done(divText(xml.slice(f.start, parser.position)));
        break;
      case 'primitive':
        if (f.item.v === undefined && f.item.meta?.extension === undefined) {
          throw fail('A primitive element needs a value attribute or extensions', f.path);
        }
        f.done(f.item);
        break;
      case 'wrapper':
        if (!f.resource) throw fail(`${f.name} must contain a resource`, f.path);
        f.done(f.resource);
        break;
      case 'object':
        f.done!(finish(f));
        break;
    }
  });

  try {
    parser.write(xml).close();
  } catch (e) {
    if (e instanceof FhirError) pending = e;
    else pending = fail(`Malformed XML: ${(e as Error).message}`, errorPath(top(), opening));
  }
  if (pending) throw pending;
  if (!result) throw fail('No resource element found', 'Resource');
  return result as unknown as Resource;
}

/** Location of a parse error: the element being opened, or the innermost open one. */
function errorPath(f: Frame | undefined, opening: string | undefined): string {
  if (!f) return 'Resource';
  if (!opening || f.kind !== 'object') return f.path;
  const local = opening.slice(opening.indexOf(':') + 1);
  const prop = f.info.properties.get(local);
  return prop?.element.array ? `${f.path}.${local}[${f.items.get(local)?.length ?? 0}]` : `${f.path}.${local}`;
}

function openResource(tag: SaxesTagNS, path: string, done: (r: Json) => void): ObjectFrame {
  const p = path || tag.local;
  if (tag.uri !== FHIR_NS) throw fail(`The resource element <${tag.name}> must be in the namespace ${FHIR_NS}, not '${tag.uri}'`, p);
  const info = resourceInfo(tag.local);
  if (!info) throw fail(`Unknown resource type '${tag.local}'`, p);
  for (const a of attrs(tag)) throw fail(`Unknown attribute '${a.name}' on a resource element`, p);
  return { kind: 'object', info, path: p, resourceType: tag.local, items: new Map(), done: (v) => done(v) };
}

/** Attributes that carry FHIR content (namespace declarations and xsi:* are not content). */
function attrs(tag: SaxesTagNS): SaxesAttributeNS[] {
  const out: SaxesAttributeNS[] = [];
  for (const k in tag.attributes) {
    const a = tag.attributes[k] as SaxesAttributeNS;
    if (a.uri === XMLNS_NS || a.prefix === 'xmlns' || a.name === 'xmlns' || a.uri === XSI_NS) continue;
    if (a.uri) throw fail(`Unknown attribute '${a.name}'`, tag.local);
    out.push(a);
  }
  return out;
}

function itemsOf(f: ObjectFrame, prop: PropertyInfo, name: string): unknown[] {
  const el = prop.element;
  if (el.choice) {
    f.choices ??= new Map();
    const other = f.choices.get(el.name);
    if (other && other !== name) throw fail(`Only one of ${other} and ${name} is allowed (${el.name}[x])`, `${f.path}.${name}`);
    f.choices.set(el.name, name);
  }
  let list = f.items.get(name);
  if (!list) f.items.set(name, (list = []));
  return list;
}

/** Builds the JSON object of a closed frame, in element order, splitting primitives into value and `_name`. */
function finish(f: ObjectFrame): Json {
  const obj: Json = f.resourceType ? { resourceType: f.resourceType } : {};
  for (const el of f.info.elements) {
    for (const jn of el.jsonNames) {
      const items = f.items.get(jn);
      if (!items) continue;
      const prop = f.info.properties.get(jn)!;
      if (!prop.primitive || prop.type === 'xhtml') {
        obj[jn] = el.array ? items : items[0];
        continue;
      }
      const prims = items as PrimItem[];
      if (el.array) {
        if (prims.some((p) => p.v !== undefined)) obj[jn] = prims.map((p) => p.v ?? null);
        if (prims.some((p) => p.meta)) obj['_' + jn] = prims.map((p) => p.meta ?? null);
      } else {
        if (prims[0].v !== undefined) obj[jn] = prims[0].v;
        if (prims[0].meta) obj['_' + jn] = prims[0].meta;
      }
    }
  }
  if (!f.resourceType && Object.keys(obj).length === 0) throw fail('An element must have content', f.path);
  return obj;
}

/** The lexical XML value of a primitive → its JSON value (numbers and booleans become JSON numbers/booleans). */
function parsePrimitive(type: string, text: string, path: string): unknown {
  if (type === 'boolean') {
    if (text === 'true' || text === 'false') return text === 'true';
    throw fail(`"${text}" is not a valid boolean`, path, 'value');
  }
  if (NUMBER_TYPES.has(type)) {
    // The lexical form is checked first: Number() accepts " 1", "0x10", "Infinity"…
    checked(type, text, path, true);
    const n = Number(text);
    const problem = primitiveProblem(type, n);
    if (problem) throw fail(`Value ${problem}`, path, 'value');
    return n;
  }
  return checked(type, text, path);
}

function checked(type: string, text: string, path: string, lexicalOnly = false): string {
  const problem = lexicalOnly ? lexicalProblem(type, text) : primitiveProblem(type, text);
  if (problem) throw fail(`Value ${problem}`, path, 'value');
  return text;
}

function lexicalProblem(type: string, text: string): string | undefined {
  return primitivePattern(type)!.test(text) ? undefined : `"${text}" is not a valid ${type}`;
}

/** The verbatim XHTML of the narrative; the namespace declaration is added when it came from an outer element. */
function divText(raw: string): string {
  if (/^<div[^>]*\sxmlns\s*=\s*["']http:\/\/www\.w3\.org\/1999\/xhtml["']/.test(raw)) return raw;
  return raw.replace(/^<div/, `<div xmlns="${XHTML_NS}"`);
}

// A CodeSystem indexed for lookups: concepts by (case-normalised) code, the parent/child hierarchy
// (nested concepts, `parent`/`child`/`subsumedBy` properties), properties, and status flags.
import type { CodeSystem, CodeSystemConcept, CodeSystemConceptDesignation } from 'fhir/r4';
import { codeKey } from './canonical.js';

export type PropertyValue = string | number | boolean | { system?: string; code?: string; display?: string };

export interface ConceptInfo {
  code: string;
  display?: string;
  definition?: string;
  designation: CodeSystemConceptDesignation[];
  /** property code → values, as the CodeSystem wrote them (value[x] unwrapped). */
  properties: Map<string, PropertyValue[]>;
  parents: Set<string>;
  children: Set<string>;
  abstract: boolean;
  inactive: boolean;
  deprecated: boolean;
}

export interface CodeSystemIndex {
  cs: CodeSystem;
  url: string;
  caseSensitive: boolean | undefined;
  /** false when the resource does not carry all codes (not-present, example, fragment, or no concept at all). */
  complete: boolean;
  concepts: Map<string, ConceptInfo>;
  /** Concepts in document order, for stable expansions. */
  ordered: ConceptInfo[];
  get(code: string): ConceptInfo | undefined;
}

const HIERARCHY_UP = new Set(['parent', 'subsumedBy']);
const cache = new WeakMap<CodeSystem, CodeSystemIndex>();

function propertyValue(p: NonNullable<CodeSystemConcept['property']>[number]): PropertyValue | undefined {
  return p.valueCode ?? p.valueString ?? p.valueBoolean ?? p.valueInteger ?? p.valueDecimal ?? p.valueDateTime ?? p.valueCoding;
}

export function indexCodeSystem(cs: CodeSystem): CodeSystemIndex {
  const hit = cache.get(cs);
  if (hit) return hit;
  const caseSensitive = cs.caseSensitive;
  const concepts = new Map<string, ConceptInfo>();
  const ordered: ConceptInfo[] = [];
  const links: [child: string, parent: string][] = [];

  const walk = (list: CodeSystemConcept[] | undefined, parent?: string) => {
    for (const c of list ?? []) {
      if (typeof c.code !== 'string') continue;
      const properties = new Map<string, PropertyValue[]>();
      for (const p of c.property ?? []) {
        const v = propertyValue(p);
        if (v === undefined) continue;
        properties.set(p.code, [...(properties.get(p.code) ?? []), v]);
        if (HIERARCHY_UP.has(p.code) && typeof v === 'string') links.push([c.code, v]);
        if (p.code === 'child' && typeof v === 'string') links.push([v, c.code]);
      }
      const status = properties.get('status')?.[0];
      const info: ConceptInfo = {
        code: c.code,
        display: c.display,
        definition: c.definition,
        designation: c.designation ?? [],
        properties,
        parents: new Set(),
        children: new Set(),
        abstract: properties.get('notSelectable')?.[0] === true || properties.get('abstract')?.[0] === true,
        inactive: properties.get('inactive')?.[0] === true || status === 'retired' || status === 'inactive',
        deprecated: status === 'deprecated',
      };
      concepts.set(codeKey(c.code, caseSensitive), info);
      ordered.push(info);
      if (parent) links.push([c.code, parent]);
      walk(c.concept, c.code);
    }
  };
  walk(cs.concept);
  for (const [child, parent] of links) {
    const c = concepts.get(codeKey(child, caseSensitive));
    const p = concepts.get(codeKey(parent, caseSensitive));
    if (!c || !p) continue;
    c.parents.add(p.code);
    p.children.add(c.code);
  }
  const idx: CodeSystemIndex = {
    cs,
    url: cs.url!,
    caseSensitive,
    // A "complete" CodeSystem without any concept (e.g. message-events, defined elsewhere) carries no codes.
    complete: (cs.content === 'complete' || cs.content === undefined) && concepts.size > 0,
    concepts,
    ordered,
    get: (code) => concepts.get(codeKey(code, caseSensitive)),
  };
  cache.set(cs, idx);
  return idx;
}

/** The codes below `code` (not including it), following children transitively. */
export function descendants(idx: CodeSystemIndex, code: string): Set<string> {
  const out = new Set<string>();
  const start = idx.get(code);
  if (!start) return out;
  const stack = [...start.children];
  while (stack.length) {
    const c = stack.pop()!;
    if (out.has(c)) continue;
    out.add(c);
    for (const k of idx.get(c)?.children ?? []) stack.push(k);
  }
  return out;
}

/** The codes above `code` (not including it). */
export function ancestors(idx: CodeSystemIndex, code: string): Set<string> {
  const out = new Set<string>();
  const stack = [...(idx.get(code)?.parents ?? [])];
  while (stack.length) {
    const c = stack.pop()!;
    if (out.has(c)) continue;
    out.add(c);
    for (const k of idx.get(c)?.parents ?? []) stack.push(k);
  }
  return out;
}

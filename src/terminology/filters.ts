// ValueSet.compose.include.filter on a loaded CodeSystem: each filter becomes a predicate on concepts.
import type { ValueSetComposeIncludeFilter } from 'fhir/r4';
import { badRequest, notSupported } from '../fhir/errors.js';
import { codeKey } from './canonical.js';
import { ancestors, descendants, type CodeSystemIndex, type ConceptInfo, type PropertyValue } from './code-system-index.js';

export type ConceptPredicate = (c: ConceptInfo) => boolean;

const CONCEPT_PROPS = new Set(['concept', 'code']);

function valueText(v: PropertyValue): string {
  return typeof v === 'object' ? v.code ?? '' : String(v);
}

/** Values of a property, with the hierarchy and display exposed as pseudo-properties. */
function valuesOf(c: ConceptInfo, property: string): string[] {
  if (CONCEPT_PROPS.has(property)) return [c.code];
  if (property === 'display') return c.display === undefined ? [] : [c.display];
  const own = (c.properties.get(property) ?? []).map(valueText);
  if (property === 'parent') return [...new Set([...own, ...c.parents])];
  if (property === 'child') return [...new Set([...own, ...c.children])];
  return own;
}

function fullRegex(src: string, where: string): RegExp {
  try {
    return new RegExp(`^(?:${src})$`, 'u');
  } catch {
    throw badRequest(`Invalid regex in ValueSet filter: ${src}`, [where]);
  }
}

function splitList(value: string): string[] {
  return value.split(',').map((s) => s.trim()).filter(Boolean);
}

export function compileFilter(idx: CodeSystemIndex, f: ValueSetComposeIncludeFilter, where: string): ConceptPredicate {
  const { property, op, value } = f;
  if (typeof value !== 'string') throw badRequest(`ValueSet filter ${property} ${op} has no value`, [where]);
  const key = (code: string) => codeKey(code, idx.caseSensitive);
  const sameCode = (a: string, b: string) => key(a) === key(b);
  const onConcept = CONCEPT_PROPS.has(property);

  switch (op) {
    case 'is-a':
    case 'descendent-of':
    case 'is-not-a': {
      if (!onConcept) throw notSupported(`Filter op ${op} is only defined on the concept property, not ${property}`);
      const root = idx.get(value);
      const below = root ? new Set([...descendants(idx, root.code)].map(key)) : new Set<string>();
      if (root && op !== 'descendent-of') below.add(key(root.code));
      return op === 'is-not-a' ? (c) => !below.has(key(c.code)) : (c) => below.has(key(c.code));
    }
    case 'generalizes': {
      if (!onConcept) throw notSupported(`Filter op generalizes is only defined on the concept property, not ${property}`);
      const root = idx.get(value);
      const above = root ? new Set([...ancestors(idx, root.code), root.code].map(key)) : new Set<string>();
      return (c) => above.has(key(c.code));
    }
    case '=':
      return (c) => valuesOf(c, property).some((v) => (onConcept ? sameCode(v, value) : v === value));
    case 'in':
    case 'not-in': {
      const set = new Set(splitList(value).map((v) => (onConcept ? key(v) : v)));
      const hit = (c: ConceptInfo) => valuesOf(c, property).some((v) => set.has(onConcept ? key(v) : v));
      return op === 'in' ? hit : (c) => !hit(c);
    }
    case 'regex': {
      const re = fullRegex(value, where);
      return (c) => valuesOf(c, property).some((v) => re.test(v));
    }
    case 'exists': {
      if (value !== 'true' && value !== 'false') throw badRequest(`Filter ${property} exists needs the value true or false, not ${value}`, [where]);
      const want = value === 'true';
      return (c) => valuesOf(c, property).length > 0 === want;
    }
    default:
      throw notSupported(`Filter op ${String(op)} is not supported`);
  }
}

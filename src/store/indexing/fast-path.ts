// A small FHIRPath walker over the JSON for the simple forms most search expressions use:
// dotted paths, `|` unions, `.ofType(T)` (what `as` becomes after normaliseExpression),
// `.where(resolve() is T)` and `.where(name = 'literal')`. Anything else returns undefined and the
// caller falls back to fhirpath.js. Results must equal fhirpath.js (see the equivalence test).
import { splitUnion } from '../../fhir/search-params.js';
import { typeInfo, type ElementInfo } from '../../fhir/type-model.js';
import { isOfType, referenceTargetType, type TypedValue } from './typed-value.js';

export type Evaluator = (nodes: TypedValue[]) => TypedValue[];
type Step = (nodes: TypedValue[]) => TypedValue[];

const elementMaps = new Map<string, Map<string, ElementInfo>>();

function elementsOf(type: string): Map<string, ElementInfo> | undefined {
  let m = elementMaps.get(type);
  if (!m) {
    const info = typeInfo(type);
    if (!info) return undefined;
    m = new Map(info.elements.map((e) => [e.name, e]));
    elementMaps.set(type, m);
  }
  return m;
}

function push(out: TypedValue[], v: unknown, type: string): void {
  if (v === null || v === undefined) return;
  // Elements typed `Resource` (contained, Bundle.entry.resource) take their actual type.
  if (type === 'Resource' && typeof v === 'object' && typeof (v as { resourceType?: unknown }).resourceType === 'string') {
    type = (v as { resourceType: string }).resourceType;
  }
  out.push({ value: v, type });
}

function property(name: string): Step {
  return (nodes) => {
    const out: TypedValue[] = [];
    for (const n of nodes) {
      if (typeof n.value !== 'object' || Array.isArray(n.value)) continue;
      const el = elementsOf(n.type)?.get(name);
      if (!el) continue;
      const obj = n.value as Record<string, unknown>;
      for (let i = 0; i < el.jsonNames.length; i++) {
        const v = obj[el.jsonNames[i]];
        if (v === undefined) continue;
        const t = el.choice ? el.types[i] : el.types[0];
        if (Array.isArray(v)) for (const x of v) push(out, x, t);
        else push(out, v, t);
      }
    }
    return out;
  };
}

const ofType = (t: string): Step => (nodes) => nodes.filter((n) => isOfType(n.type, t));

const whereResolveIs = (t: string): Step => (nodes) =>
  nodes.filter((n) => {
    const target = referenceTargetType(n.value);
    return target !== undefined && isOfType(target, t);
  });

function whereEquals(name: string, literal: string): Step {
  const prop = property(name);
  return (nodes) =>
    nodes.filter((n) => {
      const vs = prop([n]);
      return vs.length === 1 && typeof vs[0].value === 'string' && vs[0].value === literal;
    });
}

const IDENT = /^[A-Za-z_][A-Za-z0-9_]*/;
const FUNCTIONS: Array<[RegExp, (m: RegExpExecArray) => Step]> = [
  [/^ofType\(\s*([A-Za-z][A-Za-z0-9]*)\s*\)/, (m) => ofType(m[1])],
  [/^where\(\s*resolve\(\)\s+is\s+([A-Z][A-Za-z0-9]*)\s*\)/, (m) => whereResolveIs(m[1])],
  [/^where\(\s*([a-z][A-Za-z0-9]*)\s*=\s*'([^'\\]*)'\s*\)/, (m) => whereEquals(m[1], m[2])],
];

/** Compiles one union branch, or returns undefined when it is not one of the simple forms. */
function compileBranch(branch: string, contextType: string): Step[] | undefined {
  const steps: Step[] = [];
  let rest = branch.trim();
  let first = true;
  while (rest.length) {
    let step: Step | undefined;
    for (const [re, make] of FUNCTIONS) {
      const m = re.exec(rest);
      if (m && !first) {
        step = make(m);
        rest = rest.slice(m[0].length);
        break;
      }
    }
    if (!step) {
      const m = IDENT.exec(rest);
      if (!m) return undefined;
      rest = rest.slice(m[0].length);
      if (rest.startsWith('(')) return undefined; // an unsupported function
      const root = first && (m[0] === contextType || (/^[A-Z]/.test(m[0]) && isOfType(contextType, m[0])));
      if (first && /^[A-Z]/.test(m[0]) && !root) return undefined; // a type name we do not handle
      step = root ? (nodes) => nodes : property(m[0]);
    }
    steps.push(step);
    first = false;
    if (!rest.length) break;
    if (rest[0] !== '.') return undefined;
    rest = rest.slice(1);
  }
  return steps;
}

/** Deduplicates like FHIRPath's union (by value); objects of different types never compare. */
function dedupe(nodes: TypedValue[]): TypedValue[] {
  if (nodes.length < 2) return nodes;
  const seen = new Set<string>();
  const objectTypes = new Map<string, number>();
  for (const n of nodes) if (typeof n.value === 'object') objectTypes.set(n.type, (objectTypes.get(n.type) ?? 0) + 1);
  return nodes.filter((n) => {
    if (typeof n.value === 'object' && objectTypes.get(n.type) === 1) return true; // alone of its type: nothing to compare
    const k = typeof n.value === 'object' ? n.type + stableJson(n.value) : typeof n.value + ':' + String(n.value);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

function stableJson(v: unknown): string {
  if (Array.isArray(v)) return '[' + v.map(stableJson).join(',') + ']';
  if (v && typeof v === 'object') {
    return '{' + Object.keys(v).sort().map((k) => JSON.stringify(k) + ':' + stableJson((v as Record<string, unknown>)[k])).join(',') + '}';
  }
  return JSON.stringify(v);
}

/**
 * Compiles an expression evaluated on nodes of `contextType` (a resource type or a backbone path).
 * Returns undefined when some branch uses a form the walker does not know.
 */
export function compileFast(expression: string, contextType: string): Evaluator | undefined {
  const branches = splitUnion(expression).map((b) => compileBranch(b, contextType));
  if (!branches.length || branches.some((b) => !b)) return undefined;
  const run = (steps: Step[], input: TypedValue[]) => steps.reduce((nodes, s) => (nodes.length ? s(nodes) : nodes), input);
  if (branches.length === 1) {
    const steps = branches[0]!;
    return (input) => run(steps, input);
  }
  return (input) => dedupe(branches.flatMap((steps) => run(steps!, input)));
}

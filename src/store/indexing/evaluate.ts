// Evaluates search expressions into typed values: the fast walker when it can, else fhirpath.js
// with the R4 model. Compiled once per (context type, expression).
import fhirpath from 'fhirpath';
import r4 from 'fhirpath/fhir-context/r4';
import { compileFast, type Evaluator } from './fast-path.js';
import { referenceTargetType, type TypedValue } from './typed-value.js';

/** FHIRPath System types written where the FHIR primitive is meant (e.g. `value.as(DateTime)`). */
const SYSTEM_TO_FHIR: Record<string, string> = {
  DateTime: 'dateTime', String: 'string', Boolean: 'boolean', Decimal: 'decimal', Integer: 'integer', Date: 'date', Time: 'time',
};

/**
 * Rewrites `(path as T)` and `path.as(T)` into `path.ofType(T)`: fhirpath.js throws on `as` over
 * several items (e.g. every Observation.component), while search wants the filter. System type
 * names become the FHIR primitive they stand for.
 */
export function normaliseExpression(expr: string): string {
  return expr
    .replace(/\(\s*([A-Za-z][A-Za-z0-9_.]*)\s+as\s+([A-Za-z][A-Za-z0-9]*)\s*\)/g, '$1.ofType($2)')
    .replace(/\.as\(\s*([A-Za-z][A-Za-z0-9]*)\s*\)/g, '.ofType($1)')
    .replace(/\.ofType\(([A-Za-z]+)\)/g, (_, t: string) => `.ofType(${SYSTEM_TO_FHIR[t] ?? t})`);
}

// fhirpath.js does not export ResourceNode; take the class from a result to build resolve()'s nodes.
type ResNodeClass = { makeResNode(ctx: unknown, data: unknown, parent: null, path: string, _d: null, type: string): unknown };
let ResourceNode: ResNodeClass | undefined;
function resourceNodeClass(): ResNodeClass {
  return (ResourceNode ??= (fhirpath.evaluate({ resourceType: 'Basic' }, 'Basic', undefined, r4, { resolveInternalTypes: false })[0] as { constructor: ResNodeClass }).constructor);
}

/** resolve() without a server: a stub resource of the type named by the reference (see referenceTargetType). */
const resolveStub = {
  fn(this: unknown, inputs: Array<{ data?: unknown }>) {
    const RN = resourceNodeClass();
    const out: unknown[] = [];
    for (const n of inputs) {
      const t = referenceTargetType(n?.data ?? n);
      if (t) out.push(RN.makeResNode(this, { resourceType: t }, null, t, null, t));
    }
    return out;
  },
  arity: { 0: [] },
  internalStructures: true,
};

const SYSTEM_TYPES: Record<string, string> = {
  'System.String': 'string', 'System.Boolean': 'boolean', 'System.Decimal': 'decimal', 'System.Integer': 'integer',
  'System.Date': 'date', 'System.DateTime': 'dateTime', 'System.Time': 'time',
};

interface FpNode { data?: unknown; fhirNodeDataType?: string; path?: string; getTypeInfo?: () => { name: string; namespace?: string } }

function fromFhirpath(results: unknown[]): TypedValue[] {
  const out: TypedValue[] = [];
  for (const r of results) {
    if (r !== null && typeof r === 'object' && 'data' in r) {
      const n = r as FpNode;
      if (n.data === null || n.data === undefined) continue;
      const t = n.fhirNodeDataType ?? n.path ?? 'string';
      out.push({ value: n.data, type: SYSTEM_TYPES[t] ?? t });
    } else if (typeof r === 'boolean') out.push({ value: r, type: 'boolean' });
    else if (typeof r === 'string') out.push({ value: r, type: 'string' });
    else if (typeof r === 'number') out.push({ value: r, type: 'decimal' });
  }
  return out;
}

/** Compiles with fhirpath.js only (used as the fallback and as the reference in tests). */
export function compileFhirpath(expression: string, contextType: string): (node: TypedValue, root: unknown) => TypedValue[] {
  const isRoot = /^[A-Z][A-Za-z]+$/.test(contextType);
  const path = isRoot ? expression : { base: contextType, expression };
  const fn = fhirpath.compile(path, r4, { resolveInternalTypes: false, userInvocationTable: { resolve: resolveStub } } as never);
  return (node, root) => fromFhirpath(fn(node.value as never, { resource: root } as never) as unknown[]);
}

export interface CompiledExpression {
  fast: boolean;
  /** Evaluates on one node; root is the resource (for %resource in fhirpath.js). */
  run(node: TypedValue, root: unknown): TypedValue[];
}

const cache = new Map<string, CompiledExpression>();

export function compileExpression(expression: string, contextType: string): CompiledExpression {
  const key = contextType + '\u0000' + expression;
  let c = cache.get(key);
  if (!c) {
    const norm = normaliseExpression(expression);
    const fast: Evaluator | undefined = compileFast(norm, contextType);
    if (fast) c = { fast: true, run: (node) => fast([node]) };
    else {
      const slow = compileFhirpath(norm, contextType);
      c = { fast: false, run: slow };
    }
    cache.set(key, c);
  }
  return c;
}

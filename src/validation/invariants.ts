// Invariants (ElementDefinition.constraint) compiled once: a native fast path for the frequent
// `a.empty() or b.exists()` shapes, and fhirpath.js otherwise. An expression that only reads child
// elements cannot change its verdict while none of them is present, so its verdict on an empty node is
// computed once and reused (most invariants never run on a typical resource).
import fhirpath from 'fhirpath';
import r4 from 'fhirpath/fhir-context/r4/index.js';
import type { ElementDefinitionConstraint } from 'fhir/r4';
import rules from './invariant-rules.json' with { type: 'json' };
import { typeModel } from '../fhir/type-model.js';

type Json = Record<string, unknown>;
export interface Env { resource: unknown; rootResource: unknown }

export interface Invariant {
  key: string;
  severity: 'error' | 'warning';
  human: string;
  expression: string;
  /** true/false, or undefined when fhirpath.js could not evaluate it. `type`: the concrete type of a choice element's value. */
  test(node: unknown, env: Env, type?: string): boolean | undefined;
}

const NATIVE = new Set(Object.keys(rules.native));
const SKIP = new Set(Object.keys(rules.skip));
const DANGEROUS = /%resource|%rootResource|%context|descendants\(|children\(|hasValue\(|resolve\(|repeat\(|\$this|\$index|\$total|%`|%\w+\.|htmlChecks|conformsTo|memberOf|is\(|as\(|\bis\b|\bas\b/;

/** Child-name lookup of the node's type, so that `value` matches `valueQuantity` but `period` not `periodUnit`. */
export type KeyMatcher = (obj: Json, name: string) => boolean;

/** How often each invariant went through fhirpath.js (for the benchmark's profile of the walk). */
export const fhirpathRuns = new Map<string, number>();

export function invariantSkipped(key: string): string | undefined {
  return (rules.native as Record<string, string>)[key] ?? (rules.skip as Record<string, string>)[key];
}

export function compileInvariant(c: ElementDefinitionConstraint, basePath: string, has: KeyMatcher, emptyNode: Json): Invariant | undefined {
  if (!c.expression || NATIVE.has(c.key) || SKIP.has(c.key)) return undefined;
  const expression = (rules.corrections as Record<string, string>)[c.key] ?? c.expression;
  const severity = c.severity === 'error' ? 'error' : 'warning';
  const base = { key: c.key, severity, human: c.human ?? c.key, expression } as const;
  const fast = fastPath(expression, has);
  if (fast) return { ...base, test: (node) => fast(node) };
  let fn: (r: unknown, env?: Json) => unknown[];
  try {
    fn = fhirpath.compile({ base: basePath, expression }, r4, { traceFn: () => undefined }) as typeof fn;
  } catch {
    return undefined; // does not compile in fhirpath.js: reported by tests/README, not at run time
  }
  // On a choice element (`Observation.effective[x]`), fhirpath.js only knows the value's type from a typed
  // base path (`Observation.effectiveDateTime`): compile once per concrete type, on first use.
  const typed = basePath.endsWith('[x]') ? new Map<string, typeof fn>() : undefined;
  const fnFor = (type: string | undefined): typeof fn => {
    if (!typed || !type) return fn;
    let f = typed.get(type);
    if (!f) {
      try {
        f = fhirpath.compile({ base: basePath.slice(0, -3) + type[0].toUpperCase() + type.slice(1), expression }, r4, { traceFn: () => undefined }) as typeof fn;
      } catch {
        f = fn;
      }
      typed.set(type, f);
    }
    return f;
  };
  const run = (node: unknown, env: Env, type?: string): boolean | undefined => {
    fhirpathRuns.set(c.key, (fhirpathRuns.get(c.key) ?? 0) + 1);
    try {
      const out = fnFor(type)(node, env as unknown as Json);
      // Like the HL7 validator, only a single `true` satisfies a constraint: an empty result (e.g. comparing
      // a date with a dateTime of another precision in per-1) fails it.
      return out.length === 1 && out[0] === true;
    } catch {
      return undefined;
    }
  };
  // `x.empty() or …` and `x.exists() implies …` hold whenever x is absent.
  const lead = expression.match(/^\(?\s*([A-Za-z_]\w*)\.(?:empty\(\)\s+or|exists\(\)\s+implies)\s/);
  const guard = (rules.guards as Record<string, string>)[c.key] ?? lead?.[1];
  if (guard) return { ...base, test: (node, env, type) => (typeof node === 'object' && node !== null && has(node as Json, guard) ? run(node, env, type) : true) };
  if (DANGEROUS.test(expression)) return { ...base, test: run };
  const idents = identifiers(expression);
  let emptyVerdict: boolean | undefined;
  try {
    emptyVerdict = run(emptyNode, { resource: emptyNode, rootResource: emptyNode });
  } catch {
    emptyVerdict = undefined;
  }
  if (emptyVerdict === undefined) return { ...base, test: run };
  return {
    ...base,
    test: (node, env, type) => {
      if (typeof node === 'object' && node !== null) {
        for (const id of idents) if (has(node as Json, id)) return run(node, env, type);
        return emptyVerdict;
      }
      return run(node, env, type);
    },
  };
}

function identifiers(expr: string): string[] {
  const noStrings = expr.replace(/'(?:[^'\\]|\\.)*'/g, "''");
  return [...new Set(noStrings.match(/[A-Za-z_][A-Za-z0-9_]*/g) ?? [])];
}

// ---- fast path: boolean combinations of `path.exists()`, `path.empty()`, `.not()` ----
type Pred = (node: unknown) => boolean;

function fastPath(expr: string, has: KeyMatcher): Pred | undefined {
  const toks = expr.match(/\(|\)|\.|[A-Za-z_][A-Za-z0-9_]*|\S/g);
  if (!toks) return undefined;
  let i = 0;
  const peek = () => toks[i];
  const eat = (t: string) => (toks[i] === t ? (i++, true) : false);
  const parseImplies = (): Pred | undefined => {
    let l = parseOr();
    while (l && eat('implies')) { const a = l, b = parseOr(); if (!b) return undefined; l = (n) => !a(n) || b(n); }
    return l;
  };
  const parseOr = (): Pred | undefined => {
    let l = parseAnd();
    for (;;) {
      if (eat('or')) { const a = l, b = parseAnd(); if (!a || !b) return undefined; l = (n) => a(n) || b(n); }
      else if (eat('xor')) { const a = l, b = parseAnd(); if (!a || !b) return undefined; l = (n) => a(n) !== b(n); }
      else return l;
    }
  };
  const parseAnd = (): Pred | undefined => {
    let l = parseUnary();
    while (l && eat('and')) { const a = l, b = parseUnary(); if (!b) return undefined; l = (n) => a(n) && b(n); }
    return l;
  };
  const parseNots = (p: Pred): Pred => {
    while (toks[i] === '.' && toks[i + 1] === 'not' && toks[i + 2] === '(' && toks[i + 3] === ')') { i += 4; const q = p; p = (n) => !q(n); }
    return p;
  };
  const parseUnary = (): Pred | undefined => {
    if (eat('(')) {
      const e = parseImplies();
      if (!e || !eat(')')) return undefined;
      return parseNots(e);
    }
    const path: string[] = [];
    for (;;) {
      const t = peek();
      if (!t || !/^[A-Za-z_]/.test(t) || ['exists', 'empty'].includes(t) && toks[i + 1] === '(') break;
      path.push(t); i++;
      if (!eat('.')) return undefined;
    }
    const fnName = toks[i];
    if (!path.length || (fnName !== 'exists' && fnName !== 'empty') || toks[i + 1] !== '(' || toks[i + 2] !== ')') return undefined;
    if (path.slice(1).some((seg) => choiceNames().has(seg))) return undefined; // deeper choices need type info
    i += 3;
    const exists = existsPath(path, has);
    return parseNots(fnName === 'exists' ? exists : (n) => !exists(n));
  };
  const p = parseImplies();
  return p && i === toks.length ? p : undefined;
}

function existsPath(path: string[], has: KeyMatcher): Pred {
  const [first, ...rest] = path;
  if (!rest.length) return (n) => typeof n === 'object' && n !== null && has(n as Json, first);
  return (n) => {
    let cur: unknown[] = [n];
    for (let k = 0; k < path.length; k++) {
      const next: unknown[] = [];
      for (const c of cur) {
        if (typeof c !== 'object' || c === null) continue;
        const v = (c as Json)[path[k]];
        if (k === path.length - 1 && ((c as Json)['_' + path[k]] !== undefined)) return true;
        if (v === undefined || v === null) continue;
        if (Array.isArray(v)) next.push(...v.filter((x) => x !== null)); else next.push(v);
      }
      if (!next.length) return false;
      cur = next;
    }
    return true;
  };
}

let choices: Set<string> | undefined;
/** Every choice element name of R4 (value, effective, onset…). */
function choiceNames(): Set<string> {
  if (!choices) {
    choices = new Set();
    for (const t of typeModel().values()) for (const e of t.elements) if (e.choice) choices.add(e.name);
  }
  return choices;
}

// ValueSet expansion per R4 ValueSet.compose (include/exclude by system, concept list, filter and
// valueSet import; inactive), cached per ValueSet object. Codes of systems that are not loaded are
// known only when enumerated; otherwise the system is recorded as `unknown` so callers can say so.
import type { CodeSystemConceptDesignation, ValueSet, ValueSetComposeInclude, ValueSetExpansionContains } from 'fhir/r4';
import { FhirError, badRequest } from '../fhir/errors.js';
import { codeKey } from './canonical.js';
import { indexCodeSystem, type CodeSystemIndex } from './code-system-index.js';
import { externalSystem } from './external.js';
import { compileFilter } from './filters.js';
import { getCodeSystem, getValueSet, onTerminologyChange } from './registry.js';

export interface ExpansionItem {
  system: string;
  version?: string;
  code: string;
  display?: string;
  abstract?: boolean;
  inactive?: boolean;
  designation?: CodeSystemConceptDesignation[];
}

/** A set of codes, with what could not be enumerated. */
export interface CodeSet {
  /** system → code key (case-normalised per the CodeSystem) → item; insertion order is expansion order. */
  bySystem: Map<string, Map<string, ExpansionItem>>;
  /** Systems with codes in the set that could not be enumerated (not loaded, or fragment content). */
  unknownSystems: Set<string>;
  /** Some part is undecidable for any system (an imported value set that is not loaded). */
  unknownAll: boolean;
  /** Why codes are unknown, for messages. */
  reasons: string[];
  /** Grammar-based systems (UCUM) included by rule: membership decided code by code. */
  rules: { system: string; test: (code: string) => boolean }[];
}

const emptySet = (): CodeSet => ({ bySystem: new Map(), unknownSystems: new Set(), unknownAll: false, reasons: [], rules: [] });

export function systemIndex(system: string, version?: string): CodeSystemIndex | undefined {
  const cs = (version && getCodeSystem(`${system}|${version}`)) || getCodeSystem(system);
  return cs ? indexCodeSystem(cs) : undefined;
}

export function keyFor(system: string, code: string): string {
  return codeKey(code, systemIndex(system)?.caseSensitive);
}

function addItem(set: CodeSet, item: ExpansionItem, caseSensitive: boolean | undefined): void {
  let m = set.bySystem.get(item.system);
  if (!m) set.bySystem.set(item.system, (m = new Map()));
  const k = codeKey(item.code, caseSensitive);
  if (!m.has(k)) m.set(k, item);
}

export function hasItem(set: CodeSet, system: string, code: string): ExpansionItem | undefined {
  const item = set.bySystem.get(system)?.get(keyFor(system, code));
  if (item || !set.rules.length) return item;
  if (!set.rules.some((r) => r.system === system && r.test(code))) return undefined;
  const display = externalSystem(system)?.check(code).display;
  return { system, code, ...(display ? { display } : {}) };
}

function itemOf(idx: CodeSystemIndex, c: { code: string; display?: string; abstract: boolean; inactive: boolean; designation: CodeSystemConceptDesignation[] }): ExpansionItem {
  return {
    system: idx.url,
    ...(idx.cs.version ? { version: idx.cs.version } : {}),
    code: c.code,
    ...(c.display !== undefined ? { display: c.display } : {}),
    ...(c.abstract ? { abstract: true } : {}),
    ...(c.inactive ? { inactive: true } : {}),
    ...(c.designation.length ? { designation: c.designation } : {}),
  };
}

/** The codes one include/exclude entry selects, from its system part and its valueSet imports. */
function selectEntry(inc: ValueSetComposeInclude, where: string, stack: string[]): CodeSet {
  const parts: CodeSet[] = [];
  if (inc.system) parts.push(selectFromSystem(inc, where));
  (inc.valueSet ?? []).forEach((ref, i) => parts.push(importValueSet(ref, `${where}.valueSet[${i}]`, stack)));
  if (!parts.length) throw badRequest('A ValueSet include/exclude needs a system or a valueSet', [where]);
  return parts.reduce(intersect);
}

function selectFromSystem(inc: ValueSetComposeInclude, where: string): CodeSet {
  const system = inc.system!;
  const out = emptySet();
  const idx = systemIndex(system, inc.version);
  if (inc.concept?.length) {
    for (const c of inc.concept) {
      const known = idx?.get(c.code);
      if (known) addItem(out, { ...itemOf(idx!, known), ...(c.display ? { display: c.display } : {}) }, idx!.caseSensitive);
      else if (!idx?.complete) addItem(out, { system, code: c.code, ...(c.display ? { display: c.display } : {}), ...(c.designation ? { designation: c.designation } : {}) }, idx?.caseSensitive);
      // A listed code that a complete CodeSystem does not define is not a member.
    }
    return out;
  }
  const ext = idx?.complete ? undefined : externalSystem(system);
  if (ext) {
    const preds = (inc.filter ?? []).map((f) => ext.filter(f));
    if (preds.every((p) => p)) {
      out.rules.push({ system, test: (code) => ext.check(code).valid && preds.every((p) => p!(code)) });
      return out;
    }
  }
  if (!idx || !idx.complete) {
    out.unknownSystems.add(system);
    out.reasons.push(idx && idx.cs.content !== 'not-present' ? `the code system ${system} is only partly loaded (content = ${idx.cs.content})` : `the code system ${system} is not loaded`);
    if (!idx || inc.filter?.length) return out;
  }
  const preds = (inc.filter ?? []).map((f, i) => compileFilter(idx, f, `${where}.filter[${i}]`));
  for (const c of idx.ordered) if (preds.every((p) => p(c))) addItem(out, itemOf(idx, c), idx.caseSensitive);
  return out;
}

function importValueSet(ref: string, where: string, stack: string[]): CodeSet {
  const vs = getValueSet(ref);
  if (!vs) {
    const out = emptySet();
    out.unknownAll = true;
    out.reasons.push(`the value set ${ref} is not loaded`);
    return out;
  }
  return expansionSet(vs, stack, where);
}

function intersect(a: CodeSet, b: CodeSet): CodeSet {
  const out = emptySet();
  const keep = (item: ExpansionItem, other: CodeSet) => !!hasItem(other, item.system, item.code) || other.unknownAll || other.unknownSystems.has(item.system);
  for (const [from, other] of [[a, b], [b, a]] as const) {
    for (const m of from.bySystem.values()) for (const item of m.values()) if (keep(item, other)) addItem(out, item, systemIndex(item.system)?.caseSensitive);
  }
  // Still undecidable: what both sides leave open.
  for (const s of a.unknownSystems) if (b.unknownAll || b.unknownSystems.has(s)) out.unknownSystems.add(s);
  for (const s of b.unknownSystems) if (a.unknownAll) out.unknownSystems.add(s);
  out.unknownAll = a.unknownAll && b.unknownAll;
  out.reasons = [...a.reasons, ...b.reasons];
  // Rules are not intersected: their systems stay undecidable.
  for (const r of [...a.rules, ...b.rules]) {
    out.unknownSystems.add(r.system);
    out.reasons.push(`the code system ${r.system} cannot be enumerated`);
  }
  return out;
}

function computeSet(vs: ValueSet, stack: string[], where: string): CodeSet {
  const compose = vs.compose;
  const out = emptySet();
  if (!compose) {
    // A ValueSet that ships its expansion only (no compose).
    const walk = (list: ValueSetExpansionContains[] | undefined) => {
      for (const c of list ?? []) {
        if (c.system && c.code) addItem(out, { system: c.system, code: c.code, ...(c.display ? { display: c.display } : {}), ...(c.abstract ? { abstract: true } : {}), ...(c.inactive ? { inactive: true } : {}) }, systemIndex(c.system)?.caseSensitive);
        walk(c.contains);
      }
    };
    if (!vs.expansion) throw badRequest(`The ValueSet ${vs.url ?? vs.id ?? ''} has neither compose nor expansion`, [where]);
    walk(vs.expansion.contains);
    return out;
  }
  const base = `${where}.compose`;
  (compose.include ?? []).forEach((inc, i) => {
    const part = selectEntry(inc, `${base}.include[${i}]`, stack);
    for (const m of part.bySystem.values()) for (const item of m.values()) addItem(out, item, systemIndex(item.system)?.caseSensitive);
    for (const s of part.unknownSystems) out.unknownSystems.add(s);
    out.unknownAll ||= part.unknownAll;
    out.reasons.push(...part.reasons);
    out.rules.push(...part.rules);
  });
  (compose.exclude ?? []).forEach((exc, i) => {
    const part = selectEntry(exc, `${base}.exclude[${i}]`, stack);
    for (const [system, m] of out.bySystem) {
      const ex = part.bySystem.get(system);
      if (part.unknownAll || part.unknownSystems.has(system)) {
        // The exclusion cannot be decided: nothing of this system is known to be in.
        out.bySystem.delete(system);
        out.unknownSystems.add(system);
        out.reasons.push(...part.reasons);
        continue;
      }
      if (ex) for (const k of ex.keys()) m.delete(k);
    }
    for (const r of part.rules) {
      // Excluding a grammar-based system by rule: its codes are no longer decidable.
      out.rules = out.rules.filter((x) => x.system !== r.system);
      out.unknownSystems.add(r.system);
    }
  });
  if (compose.inactive === false) for (const m of out.bySystem.values()) for (const [k, item] of m) if (item.inactive) m.delete(k);
  return out;
}

let cache = new WeakMap<ValueSet, CodeSet>();
onTerminologyChange(() => {
  cache = new WeakMap();
});

/** The (cached) code set of a ValueSet; throws FhirError on a cycle or a malformed compose. */
export function expansionSet(vs: ValueSet, stack: string[] = [], where = 'ValueSet'): CodeSet {
  const hit = cache.get(vs);
  if (hit) return hit;
  const key = vs.url ? `${vs.url}|${vs.version ?? ''}` : undefined;
  if (key && stack.includes(key)) throw new FhirError(400, `The ValueSet ${vs.url} imports itself (${[...stack, key].join(' → ')})`, 'processing', [where]);
  const set = computeSet(vs, key ? [...stack, key] : stack, where);
  cache.set(vs, set);
  return set;
}

export function itemsOf(set: CodeSet): ExpansionItem[] {
  return [...set.bySystem.values()].flatMap((m) => [...m.values()]);
}

// Registry of active SearchParameters per resource type: the R4 core ones, plus SearchParameter
// resources stored on the server (see registerSearchParameter).
import type { SearchParameter } from 'fhir/r4';
import { allResourceTypes, coreSearchParameters } from './definitions.js';

export type SearchParamType = 'number' | 'date' | 'string' | 'token' | 'reference' | 'composite' | 'quantity' | 'uri' | 'special';

export interface SearchParamDef {
  url: string;
  code: string;
  type: SearchParamType;
  /** The resource type this definition applies to (one entry per base type). */
  resourceType: string;
  /** The part of the FHIRPath expression that applies to resourceType. */
  expression?: string;
  target?: string[];
  component?: { definition: string; expression: string }[];
  resource: SearchParameter;
}

const byType = new Map<string, Map<string, SearchParamDef>>();
const byUrl = new Map<string, SearchParameter>();
let version = 0;

/** Increases on every change of the registry (compiled caches compare it). */
export function registryVersion(): number {
  return version;
}

/** Keeps only the union branches of a multi-base expression that start with resourceType. */
export function expressionFor(expression: string | undefined, resourceType: string): string | undefined {
  if (!expression) return undefined;
  const parts = splitUnion(expression).filter((p) => {
    const s = p.replace(/^\(+/, '');
    return s.startsWith(resourceType + '.') || s.startsWith('Resource.') || s.startsWith('DomainResource.') || s === resourceType;
  });
  return parts.length ? parts.join(' | ') : undefined;
}

/** Splits a FHIRPath expression on top-level `|`. */
export function splitUnion(expr: string): string[] {
  const out: string[] = [];
  let depth = 0, quote = false, start = 0;
  for (let i = 0; i < expr.length; i++) {
    const c = expr[i];
    if (c === "'" && expr[i - 1] !== '\\') quote = !quote;
    if (quote) continue;
    if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (c === '|' && depth === 0) {
      out.push(expr.slice(start, i).trim());
      start = i + 1;
    }
  }
  out.push(expr.slice(start).trim());
  return out.filter(Boolean);
}

export function registerSearchParameter(sp: SearchParameter): void {
  ensureLoaded(); // so that the core set, loaded lazily, never overwrites a custom parameter
  version++;
  byUrl.set(sp.url, sp);
  const bases = (sp.base as string[]).flatMap((b) => (b === 'Resource' || b === 'DomainResource' ? allResourceTypes() : [b]));
  for (const t of bases) registerFor(sp, t);
}

function registerFor(sp: SearchParameter, t: string): void {
  let m = byType.get(t);
  if (!m) byType.set(t, (m = new Map()));
  m.set(sp.code, {
    url: sp.url,
    code: sp.code,
    type: sp.type as SearchParamType,
    resourceType: t,
    expression: expressionFor(sp.expression, t),
    target: sp.target as string[] | undefined,
    component: sp.component?.map((c) => ({ definition: c.definition, expression: c.expression })),
    resource: sp,
  });
}

/**
 * Removes a SearchParameter registered by url; a core parameter it had replaced (same base and
 * code) becomes active again.
 */
export function unregisterSearchParameter(url: string): void {
  ensureLoaded();
  if (!byUrl.delete(url)) return;
  version++;
  for (const [type, m] of byType) {
    for (const [code, def] of m) {
      if (def.url !== url) continue;
      m.delete(code);
      const core = coreByTypeCode().get(type + '.' + code);
      if (core && core.url !== url) {
        byUrl.set(core.url, core);
        registerFor(core, type);
      }
    }
  }
}

let coreIndex: Map<string, SearchParameter> | undefined;
function coreByTypeCode(): Map<string, SearchParameter> {
  if (!coreIndex) {
    coreIndex = new Map();
    for (const sp of coreSearchParameters()) {
      for (const b of sp.base as string[]) {
        for (const t of b === 'Resource' || b === 'DomainResource' ? allResourceTypes() : [b]) coreIndex.set(t + '.' + sp.code, sp);
      }
    }
  }
  return coreIndex;
}

let loaded = false;
function ensureLoaded(): void {
  if (loaded) return;
  loaded = true;
  for (const sp of coreSearchParameters()) registerSearchParameter(sp);
}

export function searchParamsFor(resourceType: string): SearchParamDef[] {
  ensureLoaded();
  return [...(byType.get(resourceType)?.values() ?? [])];
}

export function getSearchParam(resourceType: string, code: string): SearchParamDef | undefined {
  ensureLoaded();
  return byType.get(resourceType)?.get(code);
}

export function getSearchParamByUrl(url: string): SearchParameter | undefined {
  ensureLoaded();
  return byUrl.get(url);
}

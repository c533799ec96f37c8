// _summary and _elements (https://hl7.org/fhir/R4/search.html#summary, #elements): subsets of a resource,
// marked with the SUBSETTED tag. The input resource is never modified.
import type { Coding, Meta, Resource } from 'fhir/r4';
import { resourceInfo, typeInfo, type ElementInfo, type TypeInfo } from './type-model.js';

export type SummaryMode = 'true' | 'text' | 'data' | 'false';

export const SUBSETTED: Readonly<Coding> = Object.freeze({
  system: 'http://terminology.hl7.org/CodeSystem/v3-ObservationValue',
  code: 'SUBSETTED',
  display: 'subsetted',
});

type Json = Record<string, unknown>;

/** The resource as `_summary=<mode>` returns it. `count` is a search concern and not handled here. */
export function applySummary<T extends Resource>(resource: T, mode: SummaryMode): T {
  if (mode === 'false') return resource;
  const info = resourceInfo(resource.resourceType);
  if (!info) return resource;
  let out: Json;
  if (mode === 'data') {
    out = { ...(resource as unknown as Json) };
    delete out.text;
    delete out._text;
  } else if (mode === 'text') {
    out = pick(resource as unknown as Json, info, (el) => el.name === 'text' || el.name === 'id' || el.name === 'meta' || el.min > 0, false);
  } else {
    out = pick(resource as unknown as Json, info, inSummary, true);
  }
  return markSubsetted(out) as unknown as T;
}

/** The resource as `_elements=a,b` returns it: the listed top-level elements plus id, meta and mandatory ones. */
export function applyElements<T extends Resource>(resource: T, elements: string[]): T {
  const info = resourceInfo(resource.resourceType);
  if (!info) return resource;
  const wanted = new Set<string>();
  for (const raw of elements) {
    let e = raw.trim();
    // `Patient.name` (the R5 form) and `name.family` are reduced to the top-level element name.
    if (e.startsWith(resource.resourceType + '.')) e = e.slice(resource.resourceType.length + 1);
    e = e.split('.')[0].replace(/\[x\]$/, '');
    if (e) wanted.add(e);
  }
  const keep = (el: ElementInfo) =>
    el.name === 'id' || el.name === 'meta' || el.min > 0 || wanted.has(el.name) || el.jsonNames.some((j) => wanted.has(j));
  const out = pick(resource as unknown as Json, info, keep, false, wanted);
  return markSubsetted(out) as unknown as T;
}

const inSummary = (el: ElementInfo) => el.isSummary || el.min > 0;

/**
 * Copies the properties of `obj` whose element passes `keep` (with their `_name` companions). With `deep`,
 * backbone elements are filtered by the same rule; datatypes are kept whole.
 * `exact`: JSON names of a choice that were asked for by their full name (`valueQuantity`) keep only that one.
 */
function pick(obj: Json, info: TypeInfo, keep: (el: ElementInfo) => boolean, deep: boolean, exact?: Set<string>): Json {
  const out: Json = {};
  if (typeof obj.resourceType === 'string') out.resourceType = obj.resourceType;
  for (const el of info.elements) {
    if (!keep(el)) continue;
    const only = exact && el.choice && !exact.has(el.name) ? el.jsonNames.filter((j) => exact.has(j)) : undefined;
    for (const jn of only?.length ? only : el.jsonNames) {
      const v = obj[jn];
      if (v !== undefined) out[jn] = deep ? filterBackbone(v, info.properties.get(jn)!.type, keep) : v;
      if (obj['_' + jn] !== undefined) out['_' + jn] = obj['_' + jn];
    }
  }
  return out;
}

function filterBackbone(v: unknown, type: string, keep: (el: ElementInfo) => boolean): unknown {
  const t = typeInfo(type);
  if (t?.kind !== 'backbone') return v;
  const one = (x: unknown) => (typeof x === 'object' && x !== null ? pick(x as Json, t, keep, true) : x);
  return Array.isArray(v) ? v.map(one) : one(v);
}

function markSubsetted(r: Json): Json {
  const meta: Meta = { ...((r.meta as Meta | undefined) ?? {}) };
  const tags = meta.tag ?? [];
  if (!tags.some((t) => t.system === SUBSETTED.system && t.code === SUBSETTED.code)) meta.tag = [...tags, { ...SUBSETTED }];
  // meta goes right after id, where it belongs.
  const out: Json = {};
  for (const k of Object.keys(r)) {
    if (k === 'meta') continue;
    out[k] = r[k];
    if (k === 'id' || (k === 'resourceType' && r.id === undefined)) out.meta = meta;
  }
  out.meta ??= meta;
  return out;
}

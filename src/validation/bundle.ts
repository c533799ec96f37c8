// Bundle rules that the core invariants (bdl-*) do not express: fullUrl/resource id consistency,
// duplicate entries, and reference resolution between entries (urn:uuid, absolute and relative urls);
// and bdl-3, bdl-4, bdl-7, bdl-8 natively (through FHIRPath each walked every entry: ~1 ms a document).
import type { Issue } from '../fhir/errors.js';

type Json = Record<string, unknown>;

export interface BundleIndex {
  type?: string;
  resolve(reference: string, fromFullUrl?: string): Json | undefined;
  /** Every entry a reference matches (several when the Bundle holds several versions of one resource). */
  matches(reference: string, fromFullUrl?: string): Json[];
  /** A conformance resource of the Bundle by its canonical url. */
  resolveCanonical(url: string): Json | undefined;
}

const present = (v: unknown) => v !== undefined && v !== null;
const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const entriesOf = (b: Json): Json[] => (Array.isArray(b.entry) ? b.entry.filter(isObj) : []);

/** Base of a RESTful fullUrl: `http://x/fhir/Patient/1` → `http://x/fhir/`. */
export function baseOf(fullUrl: string): string | undefined {
  const m = fullUrl.match(/^(.*\/)[A-Z][A-Za-z]+\/[^/]+(\/_history\/[^/]+)?$/);
  return m?.[1];
}

export function indexBundle(bundle: Json): BundleIndex {
  const byUrl = new Map<string, Json[]>();
  const byRel = new Map<string, Json>();
  const byCanonical = new Map<string, Json>();
  for (const e of entriesOf(bundle)) {
    const r = e.resource;
    if (!isObj(r)) continue;
    if (typeof e.fullUrl === 'string') {
      const key = e.fullUrl.replace(/\/_history\/[^/]+$/, '');
      const list = byUrl.get(key);
      if (list) list.push(r);
      else byUrl.set(key, [r]);
    }
    if (typeof r.url === 'string') byCanonical.set(r.url, r);
    if (typeof r.id === 'string' && typeof r.resourceType === 'string') {
      const rel = `${r.resourceType}/${r.id}`;
      if (!byRel.has(rel)) byRel.set(rel, r);
    }
  }
  const matches = (reference: string, fromFullUrl?: string): Json[] => {
    const ref = reference.replace(/\/_history\/[^/]+$/, '');
    const hit = byUrl.get(ref);
    if (hit) return hit;
    // A relative reference is resolved against the base of the referring entry's fullUrl.
    if (fromFullUrl && !/^[a-z]+:/.test(ref)) {
      const base = baseOf(fromFullUrl);
      const list = base ? byUrl.get(base + ref) : undefined;
      if (list) return list;
    }
    const rel = byRel.get(ref);
    return rel ? [rel] : [];
  };
  return {
    type: typeof bundle.type === 'string' ? bundle.type : undefined,
    resolveCanonical: (url) => byCanonical.get(url),
    matches,
    resolve: (reference, fromFullUrl) => matches(reference, fromFullUrl)[0],
  };
}

const PAGING = new Set(['first', 'previous', 'prev', 'next', 'last']);
const REQUEST_TYPES = new Set(['batch', 'transaction', 'history']);
const RESPONSE_TYPES = new Set(['batch-response', 'transaction-response', 'history']);

export function bundleRules(bundle: Json, path: string): Issue[] {
  const issues: Issue[] = [];
  // Paging links belong to search results (and histories); another kind of Bundle has no pages.
  if (Array.isArray(bundle.link) && bundle.type !== 'searchset' && bundle.type !== 'history') {
    bundle.link.forEach((l, i) => {
      if (isObj(l) && typeof l.relation === 'string' && PAGING.has(l.relation)) {
        issues.push({ severity: 'error', code: 'invalid', diagnostics: `The link relation '${l.relation}' is for paging search results; it is not allowed in a ${String(bundle.type)} Bundle`, expression: [`${path}.link[${i}].relation`] });
      }
    });
  }
  const seen = new Map<string, number>();
  const invariant = (key: string, human: string, at: string) => issues.push({ severity: 'error', code: 'invariant', diagnostics: `Constraint ${key} failed: ${human}`, expression: [at] });
  // bdl-3 / bdl-4: entry.all(request.exists() = (%resource.type = 'batch' or …)): an absent type fails any entry.
  const type = typeof bundle.type === 'string' ? bundle.type : undefined;
  const entries = entriesOf(bundle);
  if (entries.some((e) => present(e.request) !== (type !== undefined && REQUEST_TYPES.has(type)) || type === undefined)) invariant('bdl-3', 'entry.request mandatory for batch/transaction/history, otherwise prohibited', path);
  if (entries.some((e) => present(e.response) !== (type !== undefined && RESPONSE_TYPES.has(type)) || type === undefined)) invariant('bdl-4', 'entry.response mandatory for batch-response/transaction-response/history, otherwise prohibited', path);
  // bdl-7: (type = 'history') or entry.where(fullUrl.exists()).select(fullUrl&resource.meta.versionId).isDistinct()
  if (type !== 'history') {
    const keys = entries.filter((e) => typeof e.fullUrl === 'string').map((e) => `${String(e.fullUrl)}${isObj(e.resource) && isObj(e.resource.meta) && typeof e.resource.meta.versionId === 'string' ? e.resource.meta.versionId : ''}`);
    if (new Set(keys).size !== keys.length) invariant('bdl-7', 'FullUrl must be unique in a bundle, or else entries with the same fullUrl must have different meta.versionId (except in history bundles)', path);
  }
  (Array.isArray(bundle.entry) ? bundle.entry : []).forEach((e, i) => {
    // bdl-8 (on each entry): fullUrl.exists() implies fullUrl.contains('/_history/').not()
    if (isObj(e) && typeof e.fullUrl === 'string' && e.fullUrl.includes('/_history/')) invariant('bdl-8', 'fullUrl cannot be a version specific reference', `${path}.entry[${i}]`);
  });
  entriesOf(bundle).forEach((e, i) => {
    const at = `${path}.entry[${i}]`;
    const r = e.resource;
    const fullUrl = typeof e.fullUrl === 'string' ? e.fullUrl : undefined;
    if (!isObj(r) || typeof r.resourceType !== 'string') return;
    if (fullUrl && !/^[A-Za-z][A-Za-z0-9+.-]*:/.test(fullUrl)) {
      issues.push({ severity: 'error', code: 'invalid', diagnostics: `The fullUrl must be an absolute URL (not '${fullUrl}')`, expression: [at] });
    } else if (fullUrl && typeof r.id === 'string' && /^https?:/.test(fullUrl)) {
      const tail = `${r.resourceType}/${r.id}`;
      if (!fullUrl.replace(/\/_history\/[^/]+$/, '').endsWith('/' + tail) && fullUrl !== tail) {
        issues.push({ severity: 'error', code: 'invalid', diagnostics: `The fullUrl ${fullUrl} does not match the resource ${tail}`, expression: [at] });
      }
    }
    if (bundle.type === 'searchset' && isObj(e.search)) {
      if (e.search.mode === 'match' && typeof r.id !== 'string') issues.push({ severity: 'error', code: 'invalid', diagnostics: 'Search results must have ids', expression: [`${at}.resource`] });
      if (e.search.mode === 'outcome' && r.resourceType !== 'OperationOutcome') issues.push({ severity: 'error', code: 'invalid', diagnostics: `An entry with search.mode 'outcome' must be an OperationOutcome, not a ${r.resourceType}`, expression: [`${at}.resource`] });
    }
    if (fullUrl) {
      const version = isObj(r.meta) ? r.meta.versionId : undefined;
      const key = `${fullUrl}|${version ?? ''}`;
      const prev = seen.get(key);
      if (prev !== undefined && bundle.type !== 'history') {
        issues.push({ severity: 'error', code: 'invalid', diagnostics: `Duplicate fullUrl ${fullUrl} (also entry ${prev})`, expression: [at] });
      } else seen.set(key, i);
    }
  });
  return issues;
}

// Batch and transaction Bundles (R4 http.html#transaction).
// A transaction runs in one SQL transaction: ids are assigned and urn:uuid / conditional
// references rewritten first, then entries run in the spec's order DELETE, POST, PUT/PATCH, GET.
import type { Bundle, BundleEntry, Resource } from 'fhir/r4';
import { badRequest, FhirError, outcome, preconditionFailed } from '../fhir/errors.js';
import { isResourceType } from '../fhir/definitions.js';
import type { Queryable } from '../store/db.js';
import { findMatches } from '../store/search/index.js';
import { checkIncoming } from './incoming.js';
import { newId } from './ids.js';
import { parsePrefer } from './prefer.js';
import { dispatch } from './router.js';
import type { Call, FhirRequest, FhirResponse, Method } from './types.js';
import { createMany } from './write.js';
import { runAfterCommit } from './write-hooks.js';
import { auditInteraction } from '../security/audit-hook.js';
import { authorize, checkWritable } from '../security/authorize.js';
import { describeInteraction } from '../security/interaction.js';

const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE']);
const ORDER: Record<string, number> = { DELETE: 0, POST: 1, PUT: 2, PATCH: 2, GET: 3, HEAD: 3 };
const STATUS_TEXT: Record<number, string> = { 200: 'OK', 201: 'Created', 204: 'No Content', 304: 'Not Modified' };

interface Entry {
  index: number;
  fullUrl?: string;
  req: FhirRequest;
  type?: string;
  /** The id a POST will get, decided before any reference is rewritten. */
  assignedId?: string;
  /** A conditional create that matched an existing resource. */
  existingId?: string;
}

export async function processBundle(call: Call): Promise<FhirResponse> {
  const bundle = call.req.body as Bundle;
  if (!bundle || typeof bundle !== 'object' || bundle.resourceType !== 'Bundle') throw badRequest('POST to the base URL takes a batch or transaction Bundle', ['Bundle']);
  if (bundle.type !== 'batch' && bundle.type !== 'transaction') throw badRequest(`Bundle.type must be batch or transaction, not "${bundle.type}"`, ['Bundle.type']);
  if (bundle.entry !== undefined && !Array.isArray(bundle.entry)) throw badRequest('Bundle.entry must be an array', ['Bundle.entry']);
  const minimal = parsePrefer(call.req.headers.prefer).return === 'minimal';
  const entries = (bundle.entry ?? []).map((e, i) => toEntry(e, i, bundle.type === 'transaction'));
  const responses = bundle.type === 'transaction' ? await transaction(call, entries) : await batch(call, entries);
  return {
    status: 200,
    resource: {
      resourceType: 'Bundle',
      type: bundle.type === 'transaction' ? 'transaction-response' : 'batch-response',
      entry: responses.map((r) => toResponseEntry(r, call.ctx.config.baseUrl, minimal)),
    } as Bundle<Resource> as Resource,
  };
}

function toEntry(e: BundleEntry, index: number, strict: boolean): Entry {
  const at = `Bundle.entry[${index}]`;
  const method = e?.request?.method;
  const url = e?.request?.url;
  if (!method || !METHODS.has(method)) {
    const err = badRequest(`${at}.request.method is missing or not a FHIR method`, [`${at}.request.method`]);
    if (strict) throw err;
    return { index, req: { method: 'GET', path: '', query: [], headers: {} }, type: undefined, fullUrl: e?.fullUrl, ...{ invalid: err } } as Entry;
  }
  if (typeof url !== 'string' || !url) throw badRequest(`${at}.request.url is missing`, [`${at}.request.url`]);
  const u = new URL(url, 'http://base.invalid/');
  const path = (url.includes('://') ? u.pathname.replace(/^.*?\/(?=[A-Z_$][^/]*(\/|$))/, '') : u.pathname).replace(/^\/+/, '');
  const req: FhirRequest = {
    method: method as Method,
    path,
    query: [...u.searchParams.entries()],
    body: e.resource,
    headers: { ifMatch: e.request!.ifMatch, ifNoneMatch: e.request!.ifNoneMatch, ifNoneExist: e.request!.ifNoneExist, ifModifiedSince: e.request!.ifModifiedSince },
  };
  return { index, fullUrl: e.fullUrl, req, type: path.split('/')[0] };
}

/** The caller's identity, for the entries' own calls (each is authorised and audited). */
const caller = (call: Call): Call => ({ ctx: call.ctx, auth: call.auth, source: call.source, req: call.req });

async function batch(call: Call, entries: Entry[]): Promise<(FhirResponse | FhirError)[]> {
  const out: (FhirResponse | FhirError)[] = [];
  for (const e of entries) {
    try {
      const invalid = (e as Entry & { invalid?: FhirError }).invalid;
      if (invalid) throw invalid;
      out.push(await dispatch({ ...caller(call), req: e.req }));
    } catch (err) {
      out.push(err instanceof FhirError ? err : new FhirError(500, 'The entry could not be processed', 'exception'));
    }
  }
  return out;
}

async function transaction(call: Call, entries: Entry[]): Promise<FhirResponse[]> {
  const afterCommit: (() => Promise<void>)[] = [];
  const responses = await call.ctx.db.transaction(async (tx) => {
    const inner: Call = { ...caller(call), tx, afterCommit };
    // Every entry is authorised before anything runs, conditional look-ups included.
    for (const e of entries) await at(e.index, async () => authorize(inner, describeInteraction(e.req)));
    const idMap = await assignIds(tx, entries);
    await rewriteReferences(tx, entries, idMap, (type) => authorize(inner, { subtype: 'search-type', action: 'E', type, needs: [[type, 's']] }));
    const responses: FhirResponse[] = new Array(entries.length);
    const ordered = [...entries].sort((a, b) => ORDER[a.req.method] - ORDER[b.req.method] || a.index - b.index);
    // Plain creates go in one batch: the common shape of imports.
    const plain = ordered.filter((e) => e.req.method === 'POST' && e.assignedId && e.req.path === e.type);
    const plainSet = new Set(plain);
    const items: { type: string; id?: string; resource: Resource }[] = [];
    for (const e of plain) {
      await at(e.index, async () => {
        const resource = checkIncoming(e.req.body, e.type!);
        checkWritable(inner, resource, 'c');
        items.push({ type: e.type!, id: e.assignedId, resource });
      });
    }
    const created = await createMany(tx, inner, items);
    for (const [n, e] of plain.entries()) {
      responses[e.index] = created[n];
      await auditInteraction(inner, describeInteraction(e.req), created[n].status, created[n]);
    }
    for (const e of ordered) {
      if (plainSet.has(e)) continue;
      await at(e.index, async () => {
        if (e.existingId) {
          responses[e.index] = await dispatch({ ...caller(call), tx, afterCommit, req: { method: 'GET', path: `${e.type}/${e.existingId}`, query: [], headers: {} } });
          return;
        }
        responses[e.index] = await dispatch({ ...caller(call), tx, afterCommit, req: e.req });
      });
    }
    return responses;
  });
  await runAfterCommit(afterCommit);
  return responses;
}

/** Runs fn and re-labels a failure with the entry's location. */
async function at(index: number | undefined, fn: () => Promise<void>): Promise<void> {
  try {
    await fn();
  } catch (err) {
    if (err instanceof FhirError && index !== undefined) {
      throw new FhirError(err.status, err.issues.map((i) => ({
        ...i,
        diagnostics: `Bundle.entry[${index}]: ${i.diagnostics}`,
        expression: i.expression?.length ? i.expression.map((x) => (x.startsWith('Bundle.') ? x : `Bundle.entry[${index}].resource.${x.replace(/^[A-Z][A-Za-z]+\./, '')}`)) : [`Bundle.entry[${index}]`],
      })));
    }
    throw err;
  }
}

async function assignIds(tx: Queryable, entries: Entry[]): Promise<Map<string, string>> {
  const idMap = new Map<string, string>();
  for (const e of entries) {
    const { method, path, headers } = e.req;
    const parts = path.split('/');
    if (e.type && !isResourceType(e.type) && !e.type.startsWith('$') && e.type !== '' && e.type !== '_history' && e.type !== 'metadata') {
      throw badRequest(`Bundle.entry[${e.index}]: unknown resource type "${e.type.slice(0, 60)}"`, [`Bundle.entry[${e.index}].request.url`]);
    }
    if (method === 'POST' && parts.length === 1 && isResourceType(parts[0])) {
      if (headers.ifNoneExist) {
        const found = await findMatches(tx, parts[0], headers.ifNoneExist);
        if (found.length > 1) throw preconditionFailed(`Bundle.entry[${e.index}]: If-None-Exist matched ${found.length} resources`);
        if (found.length === 1) e.existingId = found[0].id;
      }
      if (!e.existingId) e.assignedId = newId();
      if (e.fullUrl) idMap.set(e.fullUrl, `${parts[0]}/${e.existingId ?? e.assignedId}`);
    } else if (method === 'PUT' && parts.length === 2) {
      if (e.fullUrl) idMap.set(e.fullUrl, path);
    } else if (method === 'PUT' && parts.length === 1 && e.req.query.length) {
      const found = await findMatches(tx, parts[0], new URLSearchParams(e.req.query).toString());
      const body = e.req.body as Resource | undefined;
      const id = found.length === 1 ? found[0].id : body?.id ?? newId();
      if (found.length === 0 && body && !body.id) e.req.body = { ...body, id };
      if (e.fullUrl && found.length <= 1) idMap.set(e.fullUrl, `${parts[0]}/${id}`);
    }
  }
  return idMap;
}

/** Rewrites urn:uuid / fullUrl and conditional references in every entry resource. */
async function rewriteReferences(tx: Queryable, entries: Entry[], idMap: Map<string, string>, canSearch: (type: string) => void): Promise<void> {
  const conditional = new Map<string, string>();
  for (const e of entries) {
    if (!e.req.body || typeof e.req.body !== 'object' || Array.isArray(e.req.body)) continue;
    const pending: { obj: Record<string, unknown>; ref: string }[] = [];
    walk(e.req.body, (obj) => {
      const ref = obj.reference;
      if (typeof ref !== 'string') return;
      const mapped = idMap.get(ref);
      if (mapped) obj.reference = mapped;
      else if (ref.startsWith('urn:uuid:') || ref.startsWith('urn:oid:')) {
        throw badRequest(`Bundle.entry[${e.index}]: the reference ${ref} names no entry of this transaction`, [`Bundle.entry[${e.index}].resource`]);
      } else if (/^[A-Z][A-Za-z]+\?/.test(ref)) pending.push({ obj, ref });
    });
    for (const p of pending) {
      let target = conditional.get(p.ref);
      if (!target) {
        const [type, criteria] = [p.ref.slice(0, p.ref.indexOf('?')), p.ref.slice(p.ref.indexOf('?') + 1)];
        canSearch(type);
        const found = await findMatches(tx, type, criteria);
        if (found.length !== 1) throw preconditionFailed(`Bundle.entry[${e.index}]: the conditional reference ${p.ref} matched ${found.length} resources, not 1`);
        conditional.set(p.ref, (target = `${type}/${found[0].id}`));
      }
      p.obj.reference = target;
    }
  }
}

function walk(node: unknown, visit: (obj: Record<string, unknown>) => void): void {
  if (Array.isArray(node)) for (const n of node) walk(n, visit);
  else if (node && typeof node === 'object') {
    visit(node as Record<string, unknown>);
    for (const v of Object.values(node)) if (v && typeof v === 'object') walk(v, visit);
  }
}

function toResponseEntry(r: FhirResponse | FhirError, baseUrl: string, minimal: boolean): BundleEntry<Resource> {
  if (r instanceof FhirError) {
    return { response: { status: String(r.status), outcome: outcome(r.issues) } };
  }
  const id = r.resource?.id;
  const type = r.resource?.resourceType;
  return {
    ...(id && type && type !== 'Bundle' ? { fullUrl: `${baseUrl}/${type}/${id}` } : {}),
    ...(r.resource && !minimal ? { resource: r.resource } : {}),
    response: {
      status: `${r.status} ${STATUS_TEXT[r.status] ?? ''}`.trim(),
      ...(r.location ? { location: r.location } : {}),
      ...(r.versionId ? { etag: `W/"${r.versionId}"` } : {}),
      ...(r.lastModified ? { lastModified: r.lastModified } : {}),
    },
  };
}

// create, update, patch and delete, including their conditional forms and If-Match.
// Every interaction runs in one SQL transaction (the caller's, inside a transaction Bundle).
import type { Resource } from 'fhir/r4';
import jsonpatch, { type Operation } from 'fast-json-patch';
import { badRequest, preconditionFailed, unprocessable, FhirError } from '../fhir/errors.js';
import type { Queryable } from '../store/db.js';
import { sqlState } from '../store/db.js';
import { currentRow, insertNew, replaceVersion, type WriteMethod } from '../store/resource-store.js';
import { findMatches } from '../store/search/index.js';
import { noteWrites } from '../store/maintenance.js';
import { afterWrite, runAfterCommit } from './write-hooks.js';
import { checkIncoming } from './incoming.js';
import { checkId, newId, versionFromEtag } from './ids.js';
import type { Call, FhirResponse } from './types.js';

const UNIQUE_VIOLATION = '23505';

/** Runs fn in the call's transaction, or in a new one; retries once when a concurrent insert won. */
export async function inTx<T>(call: Call, fn: (q: Queryable) => Promise<T>): Promise<T> {
  if (call.tx) return fn(call.tx);
  const deferred = (call.afterCommit ??= []);
  for (let attempt = 0; ; attempt++) {
    try {
      const out = await call.ctx.db.transaction(fn);
      await runAfterCommit(deferred);
      return out;
    } catch (err) {
      deferred.length = 0;
      if (attempt < 3 && sqlState(err) === UNIQUE_VIOLATION) continue;
      throw err;
    }
  }
}

function stamp(resource: Resource, id: string, version: number, lastUpdated: string): Resource {
  return { ...resource, id, meta: { ...resource.meta, versionId: String(version), lastUpdated } };
}

const now = () => new Date().toISOString();

function created(type: string, resource: Resource, status = 201): FhirResponse {
  return { status, resource, versionId: resource.meta!.versionId, lastModified: resource.meta!.lastUpdated, location: `${type}/${resource.id}/_history/${resource.meta!.versionId}` };
}

export async function create(call: Call, type: string, body: unknown, assignedId?: string): Promise<FhirResponse> {
  const incoming = checkIncoming(body, type);
  return inTx(call, async (q) => {
    if (call.req.headers.ifNoneExist) {
      const found = await findMatches(q, type, call.req.headers.ifNoneExist);
      if (found.length > 1) throw preconditionFailed(`If-None-Exist matched ${found.length} ${type} resources`);
      if (found.length === 1) {
        const row = await currentRow(q, type, found[0].id);
        const resource = JSON.parse(row!.content!) as Resource;
        return { status: 200, resource, versionId: String(row!.version), lastModified: row!.lastUpdated, location: `${type}/${found[0].id}/_history/${row!.version}` };
      }
    }
    return (await createMany(q, call, [{ type, resource: incoming, id: assignedId }]))[0];
  });
}

/** Plain creates in one batch (no conditions): the fast path of transaction Bundles and imports. */
export async function createMany(q: Queryable, call: Call, items: { type: string; resource: Resource; id?: string }[]): Promise<FhirResponse[]> {
  const at = now();
  const resources = items.map((i) => stamp(i.resource, i.id ?? newId(), 1, at));
  await insertNew(q, resources.map((resource, n) => ({ type: items[n].type, id: resource.id!, version: 1, lastUpdated: at, method: 'POST' as const, resource })));
  noteWrites(call.ctx.db, resources.length);
  for (const r of resources) await afterWrite(q, call, r, 'POST');
  return resources.map((r, n) => created(items[n].type, r));
}

/** PUT [type]/[id]: update, or create with the client's id when it does not exist. */
export async function update(call: Call, type: string, id: string, body: unknown, method: WriteMethod = 'PUT'): Promise<FhirResponse> {
  checkId(id);
  const incoming = checkIncoming(body, type);
  if (incoming.id === undefined) throw badRequest('An update must carry the resource id in the body', [`${type}.id`]);
  if (incoming.id !== id) throw badRequest(`The body id "${incoming.id}" does not match the URL id "${id}"`, [`${type}.id`]);
  return inTx(call, (q) => writeVersion(q, call, type, id, incoming, method));
}

async function writeVersion(q: Queryable, call: Call, type: string, id: string, incoming: Resource, method: WriteMethod): Promise<FhirResponse> {
  const wanted = versionFromEtag(call.req.headers.ifMatch);
  if (Number.isNaN(wanted)) throw badRequest(`If-Match "${call.req.headers.ifMatch}" is not a version ETag such as W/"3"`);
  const row = await currentRow(q, type, id, true);
  if (wanted !== undefined && (!row || row.version !== wanted)) {
    throw preconditionFailed(`${type}/${id} is at version ${row?.version ?? 'none'}, not ${wanted}`);
  }
  noteWrites(call.ctx.db, 1);
  if (!row) {
    const resource = stamp(incoming, id, 1, now());
    await insertNew(q, [{ type, id, version: 1, lastUpdated: resource.meta!.lastUpdated!, method, resource }]);
    await afterWrite(q, call, resource, method);
    return created(type, resource);
  }
  const resource = stamp(incoming, id, row.version + 1, laterThan(row.lastUpdated));
  await replaceVersion(q, row.rid, { type, id, version: row.version + 1, lastUpdated: resource.meta!.lastUpdated!, method, resource });
  await afterWrite(q, call, resource, method);
  const status = row.deleted ? 201 : 200;
  return { ...created(type, resource, status) };
}

/** Keeps lastUpdated strictly increasing per resource even if clocks of two nodes differ. */
function laterThan(previous: string): string {
  const t = Math.max(Date.now(), Date.parse(previous) + 1);
  return new Date(t).toISOString();
}

export async function conditionalUpdate(call: Call, type: string, criteria: string, body: unknown): Promise<FhirResponse> {
  const incoming = checkIncoming(body, type);
  return inTx(call, async (q) => {
    const found = await findMatches(q, type, criteria);
    if (found.length > 1) throw preconditionFailed(`The conditional update criteria matched ${found.length} ${type} resources`);
    if (found.length === 1) {
      if (incoming.id !== undefined && incoming.id !== found[0].id) {
        throw badRequest(`The body id "${incoming.id}" differs from the matched resource ${type}/${found[0].id}`, [`${type}.id`]);
      }
      return writeVersion(q, call, type, found[0].id, incoming, 'PUT');
    }
    return writeVersion(q, call, type, incoming.id ?? newId(), incoming, 'PUT');
  });
}

export async function patch(call: Call, type: string, id: string, ops: unknown): Promise<FhirResponse> {
  checkId(id);
  if (!Array.isArray(ops)) throw badRequest('A JSON Patch body must be an array of operations (application/json-patch+json)');
  return inTx(call, async (q) => {
    const row = await currentRow(q, type, id, true);
    if (!row || row.deleted) throw new FhirError(row ? 410 : 404, `${type}/${id} ${row ? 'was deleted' : 'is not known'}`, row ? 'deleted' : 'not-found');
    const wanted = versionFromEtag(call.req.headers.ifMatch);
    if (wanted !== undefined && row.version !== wanted) throw preconditionFailed(`${type}/${id} is at version ${row.version}, not ${wanted}`);
    const current = JSON.parse(row.content!) as Resource;
    let patched: Resource;
    try {
      const err = jsonpatch.validate(ops as Operation[], current);
      if (err) throw err;
      patched = jsonpatch.applyPatch(current, ops as Operation[], false, false).newDocument;
    } catch (e) {
      throw unprocessable(`The JSON Patch cannot be applied: ${(e as Error).message.split('\n')[0]}`);
    }
    if (patched.resourceType !== type || patched.id !== id) throw unprocessable('A patch may not change resourceType or id');
    const checked = checkIncoming(patched, type);
    return writeVersion(q, { ...call, req: { ...call.req, headers: { ...call.req.headers, ifMatch: undefined } } }, type, id, checked, 'PATCH');
  });
}

export async function conditionalPatch(call: Call, type: string, criteria: string, ops: unknown): Promise<FhirResponse> {
  const found = await findMatches(call.tx ?? call.ctx.db, type, criteria);
  if (found.length === 0) throw new FhirError(404, `No ${type} matches ${criteria}`, 'not-found');
  if (found.length > 1) throw preconditionFailed(`The conditional patch criteria matched ${found.length} ${type} resources`);
  return patch(call, type, found[0].id, ops);
}

export async function remove(call: Call, type: string, id: string): Promise<FhirResponse> {
  checkId(id);
  return inTx(call, async (q) => {
    const row = await currentRow(q, type, id, true);
    const wanted = versionFromEtag(call.req.headers.ifMatch);
    if (wanted !== undefined && row?.version !== wanted) throw preconditionFailed(`${type}/${id} is at version ${row?.version ?? 'none'}, not ${wanted}`);
    if (!row || row.deleted) return { status: 204 };
    const version = row.version + 1;
    await replaceVersion(q, row.rid, { type, id, version, lastUpdated: laterThan(row.lastUpdated), method: 'DELETE', resource: null });
    await afterWrite(q, call, { resourceType: type, id } as Resource, 'DELETE');
    return { status: 204, versionId: String(version) };
  });
}

export async function conditionalDelete(call: Call, type: string, criteria: string): Promise<FhirResponse> {
  return inTx(call, async (q) => {
    const found = await findMatches(q, type, criteria);
    if (found.length > 1) throw preconditionFailed(`The conditional delete criteria matched ${found.length} ${type} resources; delete them one by one`);
    if (found.length === 0) return { status: 204 };
    return remove({ ...call, tx: q }, type, found[0].id);
  });
}

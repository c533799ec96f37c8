// The validator in the server: $validate (type and instance level), the check run on every write
// (base spec + declared profiles; 400 for structure, 422 for the rest), and StructureDefinitions
// stored on the server kept in the profile registry of every node (write hook + cheap version check).
import type { Parameters, Resource, StructureDefinition } from 'fhir/r4';
import { registerOperation, type OperationTarget } from '../api/operations.js';
import type { Call, FhirResponse } from '../api/types.js';
import { onWrite } from '../api/write-hooks.js';
import { FhirError, badRequest, outcome, type Issue } from '../fhir/errors.js';
import { checkStructure } from '../fhir/structure.js';
import type { Queryable } from '../store/db.js';
import { currentRow } from '../store/resource-store.js';
import { addStructureDefinition, getStructureDefinition, removeStructureDefinition } from './registry.js';
import { validateChecked, validateResource } from './validator.js';

const isError = (i: Issue) => i.severity === 'error' || i.severity === 'fatal';

/** PROFILE_VIOLATIONS=warning turns violations of declared (meta.profile) profiles into warnings on writes. */
export function declaredProfileSeverity(): 'error' | 'warning' {
  return process.env.PROFILE_VIOLATIONS === 'warning' ? 'warning' : 'error';
}

/**
 * The write-path check, for setStructureCheck(): returns the structural issues (the caller answers 400),
 * and throws a 422 FhirError when the resource is well-formed but violates the base rules or a declared profile.
 */
export function validateOnWrite(resource: Resource): Issue[] {
  const structural = checkStructure(resource);
  if (structural.some(isError)) return structural;
  const issues = validateChecked(resource, structural, { declaredProfileSeverity: declaredProfileSeverity() });
  if (issues.some(isError)) throw new FhirError(422, issues.filter((i) => i.severity !== 'information'));
  return issues;
}

// ---- StructureDefinitions stored on the server ----

const fromStore = new Map<string, { id: string; url: string }>(); // id → url of SDs loaded from the store
let storeSignature = '';

/**
 * Loads the current StructureDefinition rows into the registry when they changed since the last call.
 * The check is one aggregate query, so every node can run it often (and before each $validate).
 */
export async function refreshProfilesFromStore(q: Queryable): Promise<{ changed: boolean; count: number }> {
  const { rows } = await q.query<{ n: unknown; lu: unknown; mv: unknown }>(
    `SELECT count(*) AS n, max(last_updated) AS lu, sum(version) AS mv FROM resource WHERE type = 'StructureDefinition'`,
  );
  const sig = `${String(rows[0]?.n)}|${String(rows[0]?.lu)}|${String(rows[0]?.mv)}`;
  if (sig === storeSignature) return { changed: false, count: fromStore.size };
  const { rows: sds } = await q.query<{ id: string; content: string | null }>(
    `SELECT id, content FROM resource WHERE type = 'StructureDefinition' AND NOT deleted`,
  );
  const seen = new Set<string>();
  for (const r of sds) {
    if (!r.content) continue;
    const sd = JSON.parse(r.content) as StructureDefinition;
    if (typeof sd.url !== 'string') continue;
    seen.add(r.id);
    const prev = fromStore.get(r.id);
    if (prev && prev.url !== sd.url) removeStructureDefinition(prev.url);
    if (getStructureDefinition(sd.url) !== sd) addStructureDefinition(sd);
    fromStore.set(r.id, { id: r.id, url: sd.url });
  }
  for (const [id, v] of fromStore) {
    if (!seen.has(id)) {
      removeStructureDefinition(v.url);
      fromStore.delete(id);
    }
  }
  storeSignature = sig;
  return { changed: true, count: fromStore.size };
}

/** Re-checks the stored StructureDefinitions every `ms` (other nodes' writes); returns a stop function. */
export function startProfileSync(q: Queryable, ms = 5000): () => void {
  const timer = setInterval(() => {
    refreshProfilesFromStore(q).catch(() => undefined); // a failed check is retried on the next tick
  }, ms);
  timer.unref();
  return () => clearInterval(timer);
}

/** Forget what was loaded from a store (tests, or a node switching databases). */
export function resetStoreProfiles(): void {
  for (const v of fromStore.values()) removeStructureDefinition(v.url);
  fromStore.clear();
  storeSignature = '';
}

let hooked = false;
/** Makes a StructureDefinition written through this node usable at once (other nodes catch up via refresh). */
export function installProfileWriteHook(): void {
  if (hooked) return;
  hooked = true;
  onWrite(async (_q, _call, resource, method) => {
    if (resource.resourceType !== 'StructureDefinition') return;
    const sd = resource as StructureDefinition;
    const known = [...fromStore.values()].find((v) => v.id === sd.id);
    if (method === 'DELETE') {
      if (known) { removeStructureDefinition(known.url); fromStore.delete(known.id); }
      return;
    }
    if (known && known.url !== sd.url) removeStructureDefinition(known.url);
    addStructureDefinition(sd);
    if (sd.id) fromStore.set(sd.id, { id: sd.id, url: sd.url });
    storeSignature = ''; // the next refresh re-reads: the write may still roll back
  });
}

// ---- $validate ----

interface ValidateParams { resource?: Resource; profile?: string; mode?: string }

function readParams(call: Call): ValidateParams {
  const out: ValidateParams = {};
  const body = call.req.body as Resource | undefined;
  if (body && body.resourceType === 'Parameters') {
    for (const p of (body as Parameters).parameter ?? []) {
      if (p.name === 'resource') out.resource = p.resource;
      else if (p.name === 'profile') out.profile = p.valueUri ?? p.valueCanonical ?? p.valueString;
      else if (p.name === 'mode') out.mode = p.valueCode ?? p.valueString;
    }
  } else if (body) out.resource = body;
  for (const [k, v] of call.req.query) {
    if (k === 'profile') out.profile ??= v;
    if (k === 'mode') out.mode ??= v;
  }
  return out;
}

const MODES = new Set(['create', 'update', 'delete']);

async function validateOperation(call: Call, target: OperationTarget): Promise<FhirResponse> {
  const { profile, mode } = readParams(call);
  let { resource } = readParams(call);
  if (mode !== undefined && !MODES.has(mode)) throw badRequest(`Unknown mode "${mode}" (create, update or delete)`);
  const q = call.tx ?? call.ctx.db;
  await refreshProfilesFromStore(q);
  if (mode === 'delete') {
    if (target.level !== 'instance') throw badRequest('mode=delete needs an instance: [type]/[id]/$validate');
    const row = await currentRow(q, target.type!, target.id!);
    const ok = row && !row.deleted;
    return { status: 200, resource: outcome([{ severity: ok ? 'information' : 'error', code: ok ? 'informational' : 'not-found', diagnostics: ok ? `${target.type}/${target.id} can be deleted` : `${target.type}/${target.id} does not exist` }]) };
  }
  if (!resource && target.level === 'instance') {
    const row = await currentRow(q, target.type!, target.id!);
    if (!row || row.deleted || !row.content) throw new FhirError(404, `${target.type}/${target.id} does not exist`, 'not-found');
    resource = JSON.parse(row.content) as Resource;
  }
  if (!resource) throw badRequest('Nothing to validate: send the resource as the body or as the "resource" parameter');
  const issues: Issue[] = [];
  if (target.type && resource.resourceType !== target.type) {
    issues.push({ severity: 'error', code: 'invalid', diagnostics: `The resource is a ${String(resource.resourceType)} but the URL names ${target.type}`, expression: [String(resource.resourceType)] });
  }
  if (mode === 'update' && target.level === 'instance' && resource.id !== target.id) {
    issues.push({ severity: 'error', code: 'invalid', diagnostics: `For mode=update the resource id must be ${target.id}`, expression: [`${resource.resourceType}.id`] });
  }
  if (mode === 'update' && !resource.id) issues.push({ severity: 'error', code: 'required', diagnostics: 'For mode=update the resource must have an id', expression: [`${resource.resourceType}`] });
  if (profile && !getStructureDefinition(profile)) {
    issues.push({ severity: 'error', code: 'not-found', diagnostics: `Profile ${profile} is not known to this server`, expression: [String(resource.resourceType)] });
  }
  issues.push(...validateResource(resource, { profiles: profile && getStructureDefinition(profile) ? [profile] : [] }));
  if (!issues.length) issues.push({ severity: 'information', code: 'informational', diagnostics: 'Validation successful: no issues found' });
  return { status: 200, resource: outcome(issues) };
}

let registered = false;
/** Registers $validate and the StructureDefinition write hook. */
export function registerValidationOperations(): void {
  if (registered) return;
  registered = true;
  registerOperation({
    name: 'validate',
    levels: ['type', 'instance'],
    definition: 'http://hl7.org/fhir/OperationDefinition/Resource-validate',
    affectsState: false,
    handler: validateOperation,
  });
  installProfileWriteHook();
}

// SMART scope enforcement for every interaction (top-level, Bundle entries, operations), and the
// confinement of patient/ scopes to the token's patient compartment. Included resources a token
// may not read are left out of search results rather than failing the search.
import type { Bundle, Resource } from 'fhir/r4';
import type { Call, FhirResponse } from '../api/types.js';
import { currentRow } from '../store/resource-store.js';
import type { AuthContext } from './auth-context.js';
import { patientsOf } from './compartment.js';
import { forbidden } from './errors.js';
import type { Interaction } from './interaction.js';
import type { Permission, Scope } from './scopes.js';

const VERB: Record<Permission, string> = { c: 'create', r: 'read', u: 'update', d: 'delete', s: 'search' };
/** Types a wildcard scope does not reach: they need a scope naming them. */
const EXPLICIT_ONLY = new Set(['AuditEvent']);

function grants(auth: AuthContext, type: string, p: Permission): Scope[] {
  return auth.scopes.filter(
    (s) => (s.type === type || (s.type === '*' && !EXPLICIT_ONLY.has(type))) && s.permissions.has(p) && (s.context !== 'patient' || !!auth.patient),
  );
}

/** Throws 403 unless the caller's scopes grant every permission the interaction needs. */
export function authorize(call: Call, it: Interaction): void {
  const auth = call.auth;
  if (!auth || auth.unrestricted) return;
  for (const [type, p] of it.needs) {
    if (!grants(auth, type, p).length) {
      throw forbidden(`The access token's scopes do not allow ${VERB[p]} on ${type === '*' ? 'all resource types' : type}`);
    }
  }
}

/** The patient id results must belong to, when only patient/ scopes grant `p` on `type`. */
function confinement(auth: AuthContext | undefined, type: string, p: Permission): string | undefined {
  if (!auth || auth.unrestricted) return undefined;
  const g = grants(auth, type, p);
  return g.length && g.every((s) => s.context === 'patient') ? auth.patient : undefined;
}

const belongs = (r: Resource, patient: string) => patientsOf(r).includes(patient);

/** Checks a resource about to be written against patient/ scopes. */
export function checkWritable(call: Call, resource: Resource, p: Permission): void {
  const patient = confinement(call.auth, resource.resourceType, p);
  if (patient && !belongs(resource, patient)) throw forbidden(`A patient/ scope only allows ${VERB[p]} within Patient/${patient}'s compartment`);
}

/** Applies patient/ confinement and include filtering to a response. */
export function confineResponse(call: Call, it: Interaction, out: FhirResponse): FhirResponse {
  const auth = call.auth;
  if (!auth || auth.unrestricted || !out.resource) return out;
  const r = out.resource;
  if (r.resourceType === 'Bundle') {
    const b = r as Bundle;
    return b.type === 'searchset' || b.type === 'history' ? { ...out, resource: filterBundle(auth, b) } : out;
  }
  if (it.subtype === 'read' || it.subtype === 'vread') {
    const patient = confinement(auth, r.resourceType, 'r');
    if (patient && !belongs(r, patient)) throw forbidden(`A patient/ scope only allows reading within Patient/${patient}'s compartment`);
  }
  return out;
}

function filterBundle(auth: AuthContext, b: Bundle): Bundle {
  let removed = 0;
  const entry = (b.entry ?? []).filter((e) => {
    const res = e.resource;
    if (!res || res.resourceType === 'OperationOutcome') return true;
    // Matches of the searched type were authorised by `s`; other entries (includes, history,
    // $everything) need `r` or `s` on their own type.
    const allowed = grants(auth, res.resourceType, 'r').length > 0 || grants(auth, res.resourceType, 's').length > 0;
    const patient = confinement(auth, res.resourceType, 's') ?? confinement(auth, res.resourceType, 'r');
    const keep = allowed && (!patient || belongs(res, patient));
    if (!keep && e.search?.mode !== 'include') removed++;
    return keep;
  });
  if (entry.length === (b.entry ?? []).length) return b;
  // Totals counted before filtering would reveal what the caller may not see.
  const { total: _t, ...rest } = b;
  return { ...rest, ...(removed === 0 && b.total !== undefined ? { total: b.total } : {}), entry };
}

/** Before a write under patient/ scopes: the new content and the current version (if any) must
 *  both lie in the token's patient compartment. */
export async function checkWrite(call: Call, it: Interaction): Promise<void> {
  const auth = call.auth;
  if (!auth || auth.unrestricted || !it.type) return;
  const p: Permission | undefined = it.subtype === 'create' ? 'c' : it.subtype === 'update' || it.subtype === 'patch' ? 'u' : it.subtype === 'delete' ? 'd' : undefined;
  if (!p) return;
  const body = call.req.body as Resource | undefined;
  if (body && typeof body === 'object' && (it.subtype === 'create' || it.subtype === 'update') && (body as Resource).resourceType === it.type) checkWritable(call, body, p);
  const patient = confinement(auth, it.type, p);
  if (!patient || (it.subtype === 'create' && !call.req.headers.ifNoneExist)) return;
  if (!it.id) throw forbidden('Conditional writes are not available under patient/ scopes');
  const row = await currentRow(call.tx ?? call.ctx.db, it.type, it.id);
  if (row && !row.deleted && row.content && !belongs(JSON.parse(row.content) as Resource, patient)) {
    throw forbidden(`A patient/ scope only allows ${VERB[p]} within Patient/${patient}'s compartment`);
  }
}

// Maps a FhirRequest to its interaction (R4 http.html). Transport-neutral: the HTTP door and
// the Bundle processor both call dispatch().
import type { Resource } from 'fhir/r4';
import { isResourceType } from '../fhir/definitions.js';
import { badRequest, methodNotAllowed, notFound, FhirError } from '../fhir/errors.js';
import { processBundle } from './bundle.js';
import { capabilityStatement } from './capability.js';
import { history } from './history.js';
import { getOperation, type OperationTarget } from './operations.js';
import { read, vread } from './read.js';
import { search } from './search.js';
import { auditInteraction } from '../security/audit-hook.js';
import { auditApi } from '../security/audit/api.js';
import { authorize, checkWrite, confineResponse } from '../security/authorize.js';
import { describeInteraction, type Interaction } from '../security/interaction.js';
import { withProvenance } from '../patient-rights/provenance.js';
import type { Call, FhirResponse } from './types.js';
import { conditionalDelete, conditionalPatch, conditionalUpdate, create, patch, remove, update } from './write.js';

const queryString = (q: [string, string][]) => new URLSearchParams(q.filter(([k]) => !k.startsWith('_format') && k !== '_pretty')).toString();

const PROVENANCED = new Set(['create', 'update', 'patch']);

/** Runs one interaction for a caller: authorise, route, confine the result, audit the outcome. */
export async function dispatch(call: Call): Promise<FhirResponse> {
  const it = describeInteraction(call.req);
  try {
    authorize(call, it);
    await checkWrite(call, it);
    const provenance = call.req.headers.xProvenance && !call.tx && PROVENANCED.has(it.subtype);
    const run = (c: Call) => route(c, it);
    const out = confineResponse(call, it, await (provenance ? withProvenance(call, run) : run(call)));
    await auditInteraction(call, it, out.status, out);
    return out;
  } catch (err) {
    await auditInteraction(call, it, err instanceof FhirError ? err.status : 500).catch(() => undefined);
    throw err;
  }
}

/** Runs the interaction describeInteraction named (one path grammar for routing, authorisation and audit). */
async function route(call: Call, it: Interaction): Promise<FhirResponse> {
  const { req } = call;
  const parts = req.path.split('/').filter(Boolean).map(decodeURIComponent);
  const m = req.method === 'HEAD' ? 'GET' : req.method;
  if (it.subtype === 'operation') return operation(call, parts);
  // Audit records live in audit_event, not in the resource table (src/security/audit).
  if (it.type === 'AuditEvent') return auditApi(call, parts);
  if (it.type && !isResourceType(it.type)) throw notFound(`Unknown resource type "${it.type.slice(0, 60)}"`);
  const type = it.type!, id = it.id!;
  const criteria = () => queryString(req.query);
  const overSearch = parts[parts.length - 1] === '_search';
  switch (it.subtype) {
    case 'transaction':
    case 'batch':
      return processBundle(call);
    case 'capabilities':
      if (m !== 'GET') throw methodNotAllowed(`${req.method} is not allowed on metadata`);
      return { status: 200, resource: capabilityStatement(call.ctx) };
    case 'search-system':
    case 'search-type':
      if (overSearch && m !== 'POST') throw methodNotAllowed('_search takes POST');
      if (!overSearch && m !== 'GET') throw methodNotAllowed(`${req.method} is not allowed on the base URL`);
      return { status: 200, resource: await search(call, it.type) };
    case 'history-system':
    case 'history-type':
    case 'history-instance':
      onlyGet(m);
      return { status: 200, resource: (await history(call, it.type, it.id)) as Resource };
    case 'vread':
      onlyGet(m);
      return vread(call, type, id, parts[3]);
    case 'read':
      return read(call, type, id);
    case 'create':
      return create(call, type, req.body);
    case 'update':
      if (it.id) return update(call, type, id, req.body);
      if (!criteria()) throw badRequest('A PUT on a type needs search criteria (conditional update)');
      return conditionalUpdate(call, type, criteria(), req.body);
    case 'patch':
      if (it.id) return patch(call, type, id, req.body);
      if (!criteria()) throw badRequest('A PATCH on a type needs search criteria (conditional patch)');
      return conditionalPatch(call, type, criteria(), req.body);
    case 'delete':
      if (it.id) return remove(call, type, id);
      if (!criteria()) throw badRequest('A DELETE on a type needs search criteria (conditional delete)');
      return conditionalDelete(call, type, criteria());
  }
  if (parts.length === 2) throw methodNotAllowed(`${req.method} is not allowed on ${parts[0]}/${parts[1]}`);
  throw notFound(`No FHIR interaction at ${req.path.slice(0, 120)}`);
}

function onlyGet(m: string): void {
  if (m !== 'GET') throw methodNotAllowed(`${m} is not allowed here; history is read with GET`);
}

async function operation(call: Call, parts: string[]): Promise<FhirResponse> {
  const name = parts[parts.length - 1].slice(1);
  const op = getOperation(name);
  if (!op) throw new FhirError(404, `Unknown operation $${name}`, 'not-supported');
  const target: OperationTarget =
    parts.length === 1 ? { level: 'system' } : parts.length === 2 ? { level: 'type', type: parts[0] } : { level: 'instance', type: parts[0], id: parts[1] };
  if (parts.length > 3 || !op.levels.includes(target.level)) throw badRequest(`$${name} is not defined at ${target.level} level`);
  if (target.type && (!isResourceType(target.type) || (op.types && !op.types.includes(target.type)))) {
    throw notFound(`$${name} is not defined for ${target.type.slice(0, 60)}`);
  }
  if (call.req.method === 'GET' && op.affectsState) throw methodNotAllowed(`$${name} changes state and must be invoked with POST`);
  return op.handler(call, target);
}

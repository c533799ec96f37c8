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
import { describeInteraction } from '../security/interaction.js';
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
    const out = confineResponse(call, it, await (provenance ? withProvenance(call, route) : route(call)));
    await auditInteraction(call, it, out.status, out);
    return out;
  } catch (err) {
    await auditInteraction(call, it, err instanceof FhirError ? err.status : 500).catch(() => undefined);
    throw err;
  }
}

async function route(call: Call): Promise<FhirResponse> {
  const { req } = call;
  const parts = req.path.split('/').filter(Boolean).map(decodeURIComponent);
  const m = req.method === 'HEAD' ? 'GET' : req.method;
  const last = parts[parts.length - 1];
  // Audit records live in audit_event, not in the resource table (src/security/audit).
  if (parts[0] === 'AuditEvent' && !last.startsWith('$')) return auditApi(call, parts);
  if (last?.startsWith('$')) return operation(call, parts);
  const [a, b, c, d] = parts;

  if (parts.length === 0) {
    if (m === 'POST') return processBundle(call);
    if (m === 'GET') return { status: 200, resource: await search(call, undefined) };
    throw methodNotAllowed(`${req.method} is not allowed on the base URL`);
  }
  if (a === 'metadata' && parts.length === 1) {
    if (m !== 'GET') throw methodNotAllowed(`${req.method} is not allowed on metadata`);
    return { status: 200, resource: capabilityStatement(call.ctx) };
  }
  if (a === '_history' && parts.length === 1) return historyOf(call, m);
  if (a === '_search' && parts.length === 1) {
    if (m !== 'POST') throw methodNotAllowed('_search takes POST');
    return { status: 200, resource: await search(call, undefined) };
  }
  if (!isResourceType(a)) throw notFound(`Unknown resource type "${a.slice(0, 60)}"`);
  if (parts.length === 1) {
    const criteria = queryString(req.query);
    switch (m) {
      case 'GET': return { status: 200, resource: await search(call, a) };
      case 'POST': return create(call, a, req.body);
      case 'PUT':
        if (!criteria) throw badRequest('A PUT on a type needs search criteria (conditional update)');
        return conditionalUpdate(call, a, criteria, req.body);
      case 'DELETE':
        if (!criteria) throw badRequest('A DELETE on a type needs search criteria (conditional delete)');
        return conditionalDelete(call, a, criteria);
      case 'PATCH':
        if (!criteria) throw badRequest('A PATCH on a type needs search criteria (conditional patch)');
        return conditionalPatch(call, a, criteria, req.body);
    }
  }
  if (parts.length === 2 && b === '_search') {
    if (m !== 'POST') throw methodNotAllowed('_search takes POST');
    return { status: 200, resource: await search(call, a) };
  }
  if (parts.length === 2 && b === '_history') return historyOf(call, m, a);
  if (parts.length === 2) {
    switch (m) {
      case 'GET': return read(call, a, b);
      case 'PUT': return update(call, a, b, req.body);
      case 'DELETE': return remove(call, a, b);
      case 'PATCH': return patch(call, a, b, req.body);
      default: throw methodNotAllowed(`${req.method} is not allowed on ${a}/${b}`);
    }
  }
  if (parts.length === 3 && c === '_history') return historyOf(call, m, a, b);
  if (parts.length === 4 && c === '_history') {
    onlyGet(m);
    return vread(call, a, b, d);
  }
  throw notFound(`No FHIR interaction at ${req.path.slice(0, 120)}`);
}

function onlyGet(m: string): void {
  if (m !== 'GET') throw methodNotAllowed(`${m} is not allowed here; history is read with GET`);
}

async function historyOf(call: Call, m: string, type?: string, id?: string): Promise<FhirResponse> {
  onlyGet(m);
  return { status: 200, resource: (await history(call, type, id)) as Resource };
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

// The FHIR face of the audit trail: AuditEvent read and search come from audit_event; every way
// of changing an audit record through the API (create, update, patch, delete, also inside
// batch/transaction Bundles) answers 405, and history is refused because records never change.
import type { AuditEvent } from 'fhir/r4';
import { methodNotAllowed, notFound } from '../../fhir/errors.js';
import { parsePrefer } from '../../api/prefer.js';
import { versionFromEtag } from '../../api/ids.js';
import { onWrite } from '../../api/write-hooks.js';
import type { Call, FhirResponse } from '../../api/types.js';
import { searchAuditEvents } from './search.js';

export const READ_ONLY_MESSAGE = 'Audit records cannot be modified or deleted';

const refuse = (extra = '') => methodNotAllowed(`${READ_ONLY_MESSAGE}${extra}`);

// Transaction Bundles write plain creates in one batch without going through dispatch(): this
// hook closes that path too (and any future one), failing the whole SQL transaction.
onWrite(async (_q, _call, resource) => {
  if (resource.resourceType === 'AuditEvent') throw refuse('; audit records are written by the server only');
});

/** Handles every request whose path starts with AuditEvent (except $operations). */
export async function auditApi(call: Call, parts: string[]): Promise<FhirResponse> {
  const m = call.req.method === 'HEAD' ? 'GET' : call.req.method;
  const [, b, c] = parts;
  if (b === '_history' || c === '_history') throw refuse('; they have no history');
  if (parts.length === 1) {
    if (m === 'GET') return search(call);
    throw refuse();
  }
  if (parts.length === 2 && b === '_search') {
    if (m === 'POST') return search(call);
    throw methodNotAllowed('_search takes POST');
  }
  if (parts.length === 2) {
    if (m === 'GET') return read(call, b);
    throw refuse();
  }
  throw notFound(`No FHIR interaction at ${call.req.path.slice(0, 120)}`);
}

async function search(call: Call): Promise<FhirResponse> {
  const { config } = call.ctx;
  const bundle = await searchAuditEvents(call.tx ?? call.ctx.db, call.req.query, {
    baseUrl: config.baseUrl,
    defaultCount: config.defaultCount,
    maxCount: config.maxCount,
    handling: parsePrefer(call.req.headers.prefer).handling,
  });
  return { status: 200, resource: bundle };
}

async function read(call: Call, id: string): Promise<FhirResponse> {
  const { rows } = await (call.tx ?? call.ctx.db).query<{ resource: AuditEvent | string }>('SELECT resource FROM audit_event WHERE id = $1', [id]);
  if (!rows.length) throw notFound(`AuditEvent/${id.slice(0, 64)} is not known`);
  const resource = typeof rows[0].resource === 'string' ? (JSON.parse(rows[0].resource) as AuditEvent) : rows[0].resource;
  const lastModified = resource.meta?.lastUpdated ?? resource.recorded;
  if (versionFromEtag(call.req.headers.ifNoneMatch) === 1) return { status: 304, versionId: '1', lastModified };
  return { status: 200, resource, versionId: '1', lastModified };
}

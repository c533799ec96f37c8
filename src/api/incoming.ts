// Checks on a resource body before it is written: the pieces of the base rules that the
// door can decide on its own. Profile validation is src/validation's job.
import type { Resource } from 'fhir/r4';
import { isResourceType } from '../fhir/definitions.js';
import { FhirError, badRequest, type Issue } from '../fhir/errors.js';
import { checkId } from './ids.js';

type StructureCheck = (r: Resource) => Issue[];
let structureCheck: StructureCheck | undefined;

/** Installed by the structural checker once available (kept pluggable to avoid a cycle). */
export function setStructureCheck(fn: StructureCheck): void {
  structureCheck = fn;
}

export function checkIncoming(body: unknown, expectedType: string, where = ''): Resource {
  const at = (p: string) => (where ? `${where}.${p}` : p);
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw badRequest('The body must be a FHIR resource (a JSON object)', where ? [where] : undefined);
  const r = body as Resource;
  if (typeof r.resourceType !== 'string') throw badRequest('The resource has no resourceType', [at('resourceType')]);
  if (!isResourceType(r.resourceType)) throw badRequest(`Unknown resource type "${String(r.resourceType).slice(0, 60)}"`, [at('resourceType')]);
  if (expectedType && r.resourceType !== expectedType) {
    throw badRequest(`The body is a ${r.resourceType} but the URL names ${expectedType}`, [at('resourceType')]);
  }
  if (r.id !== undefined) {
    if (typeof r.id !== 'string') throw badRequest('id must be a string', [`${r.resourceType}.id`]);
    checkId(r.id, `${r.resourceType}.id`);
  }
  const issues = structureCheck?.(r).filter((i) => i.severity === 'error' || i.severity === 'fatal') ?? [];
  if (issues.length) throw new FhirError(400, issues);
  return r;
}

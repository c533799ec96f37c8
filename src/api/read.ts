// read and vread.
import type { Resource } from 'fhir/r4';
import { gone, notFound } from '../fhir/errors.js';
import { currentRow, versionRow } from '../store/resource-store.js';
import type { Call, FhirResponse } from './types.js';
import { versionFromEtag } from './ids.js';

export async function read(call: Call, type: string, id: string): Promise<FhirResponse> {
  const q = call.tx ?? call.ctx.db;
  const row = await currentRow(q, type, id);
  if (!row) throw notFound(`${type}/${id} is not known`);
  if (row.deleted) throw Object.assign(gone(`${type}/${id} was deleted`), { versionId: String(row.version) });
  const { ifNoneMatch, ifModifiedSince } = call.req.headers;
  if (ifNoneMatch && versionFromEtag(ifNoneMatch) === row.version) return { status: 304, versionId: String(row.version), lastModified: row.lastUpdated };
  if (ifModifiedSince && !Number.isNaN(Date.parse(ifModifiedSince)) && Date.parse(row.lastUpdated) <= Date.parse(ifModifiedSince) + 999) {
    return { status: 304, versionId: String(row.version), lastModified: row.lastUpdated };
  }
  return { status: 200, resource: JSON.parse(row.content!) as Resource, versionId: String(row.version), lastModified: row.lastUpdated };
}

export async function vread(call: Call, type: string, id: string, vid: string): Promise<FhirResponse> {
  const version = Number(vid);
  if (!Number.isInteger(version) || version < 1) throw notFound(`${type}/${id} has no version "${vid}"`);
  const row = await versionRow(call.tx ?? call.ctx.db, type, id, version);
  if (!row) throw notFound(`${type}/${id}/_history/${vid} is not known`);
  if (row.deleted) throw gone(`${type}/${id} version ${vid} is a deletion`);
  return { status: 200, resource: JSON.parse(row.content!) as Resource, versionId: vid, lastModified: row.lastUpdated };
}

// Right of access: Patient/{id}/$everything returns the Patient and every current resource of its
// compartment (R4 OperationDefinition Patient-everything: _type, _since, _count, paged).
import type { Bundle, FhirResource } from 'fhir/r4';
import type { Call, FhirResponse } from '../api/types.js';
import type { OperationTarget } from '../api/operations.js';
import { badRequest, notFound } from '../fhir/errors.js';
import { isResourceType } from '../fhir/definitions.js';
import { compartmentPairs } from '../security/compartment.js';

const param = (call: Call, name: string) => call.req.query.find(([k]) => k === name)?.[1];

export async function everything(call: Call, target: OperationTarget): Promise<FhirResponse> {
  const id = target.id!;
  const q = call.tx ?? call.ctx.db;
  const { config } = call.ctx;
  const types = param(call, '_type')?.split(',').map((t) => t.trim()).filter(Boolean);
  for (const t of types ?? []) if (!isResourceType(t)) throw badRequest(`_type: unknown resource type "${t.slice(0, 60)}"`);
  const since = param(call, '_since');
  if (since && Number.isNaN(Date.parse(since))) throw badRequest('_since must be an instant');
  const count = Math.min(Math.max(Number(param(call, '_count') ?? config.maxCount) || config.maxCount, 1), config.maxCount);
  const after = Number(param(call, '_cursor') ?? 0) || 0;

  const patient = await q.query<{ rid: number }>("SELECT rid FROM resource WHERE type = 'Patient' AND id = $1 AND NOT deleted", [id]);
  if (!patient.rows.length) throw notFound(`Patient/${id} is not known`);
  const pairs = compartmentPairs();
  const { rows } = await q.query<{ rid: number; content: string }>(
    `SELECT r.rid, r.content FROM resource r
      WHERE NOT r.deleted AND r.rid > $2
        AND (r.rid = $1 OR r.rid IN (
          SELECT x.rid FROM idx_reference x
           JOIN unnest($3::text[], $4::text[]) AS c(rtype, param) ON c.rtype = x.rtype AND c.param = x.param
          WHERE x.target_type = 'Patient' AND x.target_id = $5))
        AND ($6::text[] IS NULL OR r.type = ANY($6))
        AND ($7::timestamptz IS NULL OR r.last_updated > $7)
      ORDER BY r.rid LIMIT $8`,
    [patient.rows[0].rid, after, pairs.map((p) => p[0]), pairs.map((p) => p[1]), id, types ?? null, since ?? null, count + 1],
  );
  const page = rows.slice(0, count);
  const self = new URLSearchParams(call.req.query.filter(([k]) => k !== '_format' && k !== '_pretty'));
  const link: Bundle['link'] = [{ relation: 'self', url: `${config.baseUrl}/Patient/${id}/$everything${self.size ? `?${self}` : ''}` }];
  if (rows.length > count) {
    self.set('_cursor', String(page[page.length - 1].rid));
    link.push({ relation: 'next', url: `${config.baseUrl}/Patient/${id}/$everything?${self}` });
  }
  const bundle: Bundle = {
    resourceType: 'Bundle',
    type: 'searchset',
    link,
    entry: page.map((r) => {
      const resource = JSON.parse(r.content) as FhirResource;
      return { fullUrl: `${config.baseUrl}/${resource.resourceType}/${resource.id}`, resource, search: { mode: 'match' } };
    }),
  };
  return { status: 200, resource: bundle };
}

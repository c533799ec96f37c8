// A document's actors (Patient, Practitioners, Organizations, PractitionerRoles…) looked up in ONE
// round trip instead of a search per identifier and a read per id: each identifier as
// `Type?identifier=system|value` finds it (the identifier token index, first match by rid), and each
// actor's own id. Nothing is cached: every submission asks the database, so nodes share nothing.
import type { Identifier, Resource } from 'fhir/r4';
import type { Queryable } from '../store/db.js';

export interface FoundActor {
  id: string;
  resource: Resource;
}

export interface ActorLookup {
  /** The stored resource the identifier names, if any. */
  byIdentifier(type: string, identifier: Identifier): FoundActor | undefined;
  /** The first of the identifiers (in their order) that names a stored resource. */
  firstMatch(type: string, identifiers: Identifier[] | undefined): FoundActor | undefined;
  /** The stored, not deleted, resource with this id. */
  byId(type: string, id: string): FoundActor | undefined;
}

const identifierKey = (type: string, system: string, value: string) => `${type}|${system}|${value}`;

export async function lookUpActors(q: Queryable, actors: Resource[]): Promise<ActorLookup> {
  const idents: [string, string, string][] = [];
  for (const r of actors) {
    for (const i of (r as { identifier?: Identifier[] }).identifier ?? []) if (i.system && i.value) idents.push([r.resourceType, i.system, i.value]);
  }
  const { rows } = await q.query<{ kind: string; type: string; system: string | null; code: string | null; id: string; content: string }>(
    `SELECT 'identifier' AS kind, m.rtype AS type, m.system, m.code, f.id, f.content
       FROM unnest($1::text[], $2::text[], $3::text[]) AS m(rtype, system, code)
       CROSS JOIN LATERAL (
         SELECT r.id, r.content FROM idx_token t JOIN resource r ON r.rid = t.rid
          WHERE t.rtype = m.rtype AND t.param = 'identifier' AND t.code = m.code AND t.system = m.system AND r.type = m.rtype AND NOT r.deleted
          ORDER BY r.rid LIMIT 1) f
     UNION ALL
     SELECT 'id', r.type, NULL, NULL, r.id, r.content FROM resource r
      WHERE (r.type, r.id) IN (SELECT * FROM unnest($4::text[], $5::text[])) AND NOT r.deleted`,
    [idents.map((i) => i[0]), idents.map((i) => i[1]), idents.map((i) => i[2]), actors.map((r) => r.resourceType), actors.map((r) => r.id ?? '')],
  );
  const byIdent = new Map<string, FoundActor>();
  const byId = new Map<string, FoundActor>();
  for (const row of rows) {
    const found = { id: row.id, resource: JSON.parse(row.content) as Resource };
    if (row.kind === 'id') byId.set(`${row.type}/${row.id}`, found);
    else byIdent.set(identifierKey(row.type, row.system!, row.code!), found);
  }
  const lookup: ActorLookup = {
    byIdentifier: (type, i) => (i.system && i.value ? byIdent.get(identifierKey(type, i.system, i.value)) : undefined),
    firstMatch: (type, identifiers) => {
      for (const i of identifiers ?? []) {
        const hit = lookup.byIdentifier(type, i);
        if (hit) return hit;
      }
      return undefined;
    },
    byId: (type, id) => byId.get(`${type}/${id}`),
  };
  return lookup;
}

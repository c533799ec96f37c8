// Resource rows: current versions and history. Owns the SQL on `resource` and `resource_version`;
// calls the indexer for every change, in the caller's transaction. Knows nothing about HTTP.
import type { Resource } from 'fhir/r4';
import type { Queryable } from './db.js';
import { deleteIndexes, writeIndexes } from './indexing/index.js';

export type WriteMethod = 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface CurrentRow {
  rid: number;
  version: number;
  deleted: boolean;
  lastUpdated: string;
  content: string | null;
}

export interface NewVersion {
  type: string;
  id: string;
  version: number;
  lastUpdated: string;
  method: WriteMethod;
  /** null for a deletion */
  resource: Resource | null;
}

const toIso = (v: unknown): string => (v instanceof Date ? v.toISOString() : new Date(String(v)).toISOString());

export async function currentRow(q: Queryable, type: string, id: string, forUpdate = false): Promise<CurrentRow | undefined> {
  const { rows } = await q.query<{ rid: number; version: number; deleted: boolean; last_updated: unknown; content: string | null }>(
    `SELECT rid, version, deleted, last_updated, content FROM resource WHERE type = $1 AND id = $2${forUpdate ? ' FOR UPDATE' : ''}`,
    [type, id],
  );
  const r = rows[0];
  return r && { rid: Number(r.rid), version: r.version, deleted: r.deleted, lastUpdated: toIso(r.last_updated), content: r.content };
}

export async function versionRow(q: Queryable, type: string, id: string, version: number) {
  const { rows } = await q.query<{ deleted: boolean; last_updated: unknown; content: string | null }>(
    `SELECT v.deleted, v.last_updated, v.content FROM resource_version v JOIN resource r ON r.rid = v.rid
      WHERE r.type = $1 AND r.id = $2 AND v.version = $3`,
    [type, id, version],
  );
  const r = rows[0];
  return r && { deleted: r.deleted, lastUpdated: toIso(r.last_updated), content: r.content };
}

/**
 * Inserts brand-new resources (ids known not to exist) in a few batched statements.
 * Returns their rids in input order. A concurrent insert of the same id fails with 23505.
 */
export async function insertNew(q: Queryable, items: NewVersion[]): Promise<number[]> {
  if (!items.length) return [];
  // One statement: the history row takes its content from the row just inserted, so each body
  // crosses the connection once (a document's Bundle and Binary are tens of KB each).
  const { rows } = await q.query<{ rid: number; type: string; id: string }>(
    `WITH ins AS (
       INSERT INTO resource (type, id, version, last_updated, deleted, content)
       SELECT * FROM unnest($1::text[], $2::text[], $3::int[], $4::timestamptz[], $5::bool[], $6::text[])
       RETURNING rid, type, id, version, last_updated, content
     ), hist AS (
       INSERT INTO resource_version (rid, type, id, version, last_updated, method, deleted, content)
       SELECT ins.rid, ins.type, ins.id, ins.version, ins.last_updated, m.method, false, ins.content
         FROM ins JOIN unnest($1::text[], $2::text[], $7::text[]) AS m(type, id, method) ON m.type = ins.type AND m.id = ins.id
     )
     SELECT rid, type, id FROM ins`,
    [items.map((i) => i.type), items.map((i) => i.id), items.map((i) => i.version), items.map((i) => i.lastUpdated), items.map(() => false),
      items.map((i) => JSON.stringify(i.resource)), items.map((i) => i.method)],
  );
  const ridOf = new Map(rows.map((r) => [`${r.type}/${r.id}`, Number(r.rid)]));
  const rids = items.map((i) => ridOf.get(`${i.type}/${i.id}`)!);
  await writeIndexes(q, items.map((i, n) => ({ rid: rids[n], resource: i.resource as Resource })));
  return rids;
}

/** Writes a new version of an existing row (locked by the caller with currentRow(..., true)). */
export async function replaceVersion(q: Queryable, rid: number, v: NewVersion): Promise<void> {
  // As in insertNew: the history row copies the content the UPDATE wrote (sent once).
  await q.query(
    `WITH u AS (
       UPDATE resource SET version = $2, last_updated = $3, deleted = $4, content = $5 WHERE rid = $1
       RETURNING rid, type, id, version, last_updated, deleted, content
     )
     INSERT INTO resource_version (rid, type, id, version, last_updated, method, deleted, content)
     SELECT rid, type, id, version, last_updated, $6, deleted, content FROM u`,
    [rid, v.version, v.lastUpdated, v.resource === null, v.resource ? JSON.stringify(v.resource) : null, v.method],
  );
  await deleteIndexes(q, [rid]);
  if (v.resource) await writeIndexes(q, [{ rid, resource: v.resource }]);
}

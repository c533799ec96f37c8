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
  const json = items.map((i) => JSON.stringify(i.resource));
  const { rows } = await q.query<{ rid: number }>(
    `INSERT INTO resource (type, id, version, last_updated, deleted, content)
     SELECT * FROM unnest($1::text[], $2::text[], $3::int[], $4::timestamptz[], $5::bool[], $6::text[])
     RETURNING rid`,
    [items.map((i) => i.type), items.map((i) => i.id), items.map((i) => i.version), items.map((i) => i.lastUpdated), items.map(() => false), json],
  );
  const rids = rows.map((r) => Number(r.rid));
  await insertVersions(q, rids, items, json);
  await writeIndexes(q, items.map((i, n) => ({ rid: rids[n], resource: i.resource as Resource })));
  return rids;
}

/** Writes a new version of an existing row (locked by the caller with currentRow(..., true)). */
export async function replaceVersion(q: Queryable, rid: number, v: NewVersion): Promise<void> {
  const json = v.resource ? JSON.stringify(v.resource) : null;
  await q.query(`UPDATE resource SET version = $2, last_updated = $3, deleted = $4, content = $5 WHERE rid = $1`, [
    rid, v.version, v.lastUpdated, v.resource === null, json,
  ]);
  await insertVersions(q, [rid], [v], [json]);
  await deleteIndexes(q, [rid]);
  if (v.resource) await writeIndexes(q, [{ rid, resource: v.resource }]);
}

async function insertVersions(q: Queryable, rids: number[], items: NewVersion[], json: (string | null)[]): Promise<void> {
  await q.query(
    `INSERT INTO resource_version (rid, type, id, version, last_updated, method, deleted, content)
     SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::int[], $5::timestamptz[], $6::text[], $7::bool[], $8::text[])`,
    [rids, items.map((i) => i.type), items.map((i) => i.id), items.map((i) => i.version), items.map((i) => i.lastUpdated),
      items.map((i) => i.method), items.map((i) => i.resource === null), json],
  );
}

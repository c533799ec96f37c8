// Test helper: puts resources straight into `resource` and indexes them with writeIndexes
// (the search tests do not depend on the repository module).
import type { Bundle, Resource } from 'fhir/r4';
import type { Queryable } from '../../../src/store/db.js';
import { deleteIndexes, writeIndexes } from '../../../src/store/indexing/index.js';
import { executeSearch, type SearchContext } from '../../../src/store/search/index.js';

export const BASE = 'http://test.local/fhir';

export const ctx = (over: Partial<SearchContext> = {}): SearchContext => ({
  baseUrl: BASE, defaultCount: 20, maxCount: 100, maxSnapshot: 1000, handling: 'lenient', ...over,
});

let clock = Date.parse('2024-06-01T00:00:00Z');

/** Inserts (or replaces) resources as current versions and indexes them; returns their rids. */
export async function put(q: Queryable, resources: Resource[]): Promise<number[]> {
  const rids: number[] = [];
  for (const r of resources) {
    const lastUpdated = new Date((clock += 1000)).toISOString();
    const res = { ...r, meta: { ...r.meta, versionId: '1', lastUpdated } } as Resource;
    const { rows } = await q.query<{ rid: string }>(
      `INSERT INTO resource (type, id, version, last_updated, deleted, content) VALUES ($1, $2, 1, $3, false, $4)
       ON CONFLICT (type, id) DO UPDATE SET version = resource.version + 1, last_updated = $3, deleted = false, content = $4
       RETURNING rid`,
      [r.resourceType, r.id, lastUpdated, JSON.stringify(res)],
    );
    const rid = Number(rows[0].rid);
    await deleteIndexes(q, [rid]);
    await writeIndexes(q, [{ rid, resource: res }]);
    rids.push(rid);
  }
  return rids;
}

export async function remove(q: Queryable, type: string, id: string): Promise<void> {
  const { rows } = await q.query<{ rid: string }>('UPDATE resource SET deleted = true, content = NULL WHERE type = $1 AND id = $2 RETURNING rid', [type, id]);
  await deleteIndexes(q, rows.map((r) => Number(r.rid)));
}

export const queryParams = (qs: string): [string, string][] => [...new URLSearchParams(qs)] as [string, string][];

export function search(q: Queryable, type: string | undefined, qs: string, c: SearchContext = ctx()): Promise<Bundle> {
  return executeSearch(q, { type, params: queryParams(qs) }, c);
}

/** Sorted `Type/id` of the entries in a mode (match by default). */
export function refs(b: Bundle, mode = 'match'): string[] {
  return (b.entry ?? []).filter((e) => e.search?.mode === mode).map((e) => `${e.resource!.resourceType}/${e.resource!.id}`).sort();
}

/** The ids of the matches of `Type?qs`, sorted. */
export async function ids(q: Queryable, type: string | undefined, qs: string, c?: SearchContext): Promise<string[]> {
  return refs(await search(q, type, qs, c)).map((r) => (type ? r.split('/')[1] : r));
}

/** Bulk insert of new resources (one INSERT and one writeIndexes per batch), for volume tests. */
export async function putMany(q: Queryable, resources: Resource[], batch = 500): Promise<void> {
  const lastUpdated = new Date(clock).toISOString();
  for (let i = 0; i < resources.length; i += batch) {
    const part = resources.slice(i, i + batch).map((r) => ({ ...r, meta: { versionId: '1', lastUpdated } }) as Resource);
    const { rows } = await q.query<{ rid: string }>(
      `INSERT INTO resource (type, id, version, last_updated, deleted, content)
       SELECT t, i, 1, $3::timestamptz, false, c FROM unnest($1::text[], $2::text[], $4::text[]) AS u(t, i, c) RETURNING rid`,
      [part.map((r) => r.resourceType), part.map((r) => r.id), lastUpdated, part.map((r) => JSON.stringify(r))],
    );
    await writeIndexes(q, part.map((resource, n) => ({ rid: Number(rows[n].rid), resource })));
  }
}

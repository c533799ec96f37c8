// Paging snapshots in the database (table search_snapshot, migration 004): the ordered rids of a
// multi-page result, so that pages never shift and any server node can serve the next one.
// An expired or unknown snapshot answers 410 Gone: the client reruns its search.
import { randomUUID } from 'node:crypto';
import { gone } from '../../fhir/errors.js';
import type { Queryable } from '../db.js';

/** How long a snapshot stays usable. */
export const SNAPSHOT_TTL_SECONDS = 30 * 60;

export interface SnapshotRequest { type?: string; params: [string, string][] }

export interface CreatedSnapshot { id: string; page: number[]; size: number; matched: number }

/**
 * Runs `selectSql` (rid and sort keys, at most cap + 1 rows) into a new snapshot and returns its
 * first page; `aggOrder` repeats the sort over the subquery's columns (m.k0, m.rid…) so that the
 * stored array keeps the result order. The total is known when no more than cap rows matched.
 * Expired snapshots are purged in the same statement (cheap: indexed on expires).
 */
export async function createSnapshot(q: Queryable, selectSql: string, params: unknown[], aggOrder: string, cap: number, count: number, request: SnapshotRequest): Promise<CreatedSnapshot> {
  const id = randomUUID();
  const n = params.length;
  const sql = `WITH purge AS (DELETE FROM search_snapshot WHERE expires < now())
    INSERT INTO search_snapshot (id, expires, rids, matched, total, request)
    SELECT $${n + 1}::uuid, now() + make_interval(secs => $${n + 2}), coalesce((array_agg(m.rid${aggOrder ? ' ORDER BY ' + aggOrder : ''}))[1:$${n + 3}::int], '{}'), count(*),
           CASE WHEN count(*) <= $${n + 3}::int THEN count(*) END, $${n + 4}::jsonb
      FROM (${selectSql}) m
    RETURNING rids[1:$${n + 5}::int] AS page, cardinality(rids) AS size, matched`;
  const { rows } = await q.query<{ page: (string | number)[]; size: number; matched: number | string }>(sql, [
    ...params, id, SNAPSHOT_TTL_SECONDS, cap, JSON.stringify(request), count,
  ]);
  const r = rows[0];
  return { id, page: r.page.map(Number), size: Number(r.size), matched: Number(r.matched) };
}

export interface SnapshotPage { page: number[]; size: number; total: number | null; matched: number; request: SnapshotRequest }

export async function readSnapshot(q: Queryable, id: string, offset: number, count: number): Promise<SnapshotPage> {
  const valid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id);
  const { rows } = valid
    ? await q.query<{ page: (string | number)[] | null; size: number; total: number | null; matched: number; request: SnapshotRequest | string }>(
      `SELECT rids[$2::int + 1 : $2::int + $3::int] AS page, cardinality(rids) AS size, total, matched, request
         FROM search_snapshot WHERE id = $1::uuid AND expires >= now()`,
      [id, offset, count],
    )
    : { rows: [] };
  const r = rows[0];
  if (!r) throw gone(`The search result set ${id.slice(0, 40)} has expired or does not exist; run the search again`);
  const request = typeof r.request === 'string' ? (JSON.parse(r.request) as SnapshotRequest) : r.request;
  return { page: (r.page ?? []).map(Number), size: Number(r.size), total: r.total === null ? null : Number(r.total), matched: Number(r.matched), request };
}

/** Records an exact total computed after the snapshot (more than cap rows matched). */
export async function setSnapshotTotal(q: Queryable, id: string, total: number): Promise<void> {
  await q.query('UPDATE search_snapshot SET total = $2 WHERE id = $1::uuid', [id, total]);
}

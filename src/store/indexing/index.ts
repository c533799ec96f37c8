// Search indexing: turns resources into typed index rows at write time (owned by src/store/indexing).
// Must not touch the resource tables; the repository calls these inside its write transaction.
import type { Resource } from 'fhir/r4';
import type { Queryable } from '../db.js';

export interface IndexItem {
  rid: number;
  resource: Resource;
}

/** Computes and inserts the index rows of each resource (batched: a few statements per call). */
export async function writeIndexes(_q: Queryable, _items: IndexItem[]): Promise<void> {
  // implemented by the indexing module
}

/** Removes every index row of these resources (before re-indexing an update, or on delete). */
export async function deleteIndexes(q: Queryable, rids: number[]): Promise<void> {
  if (!rids.length) return;
  for (const t of ['idx_string', 'idx_token', 'idx_date', 'idx_number', 'idx_quantity', 'idx_reference', 'idx_uri']) {
    await q.query(`DELETE FROM ${t} WHERE rid = ANY($1::bigint[])`, [rids]);
  }
}

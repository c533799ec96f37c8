// Search indexing: turns resources into typed index rows at write time (owned by src/store/indexing).
// Must not touch the resource tables; the repository calls these inside its write transaction.
// Table shapes and normalisation rules: README.md in this folder.
import type { Resource } from 'fhir/r4';
import type { Queryable } from '../db.js';
import { extractRows } from './extract.js';
import { deleteRows, insertBatches } from './write.js';

export { reindex, type ReindexProgress, type ReindexScope } from './reindex.js';
export { loadStoredSearchParameters, refreshSearchParameters, searchParameterVersion } from './stored-params.js';
export { extractRows, rowsOf } from './extract.js';
export { normaliseString } from './normalise.js';
export { decimalRange } from './decimal.js';
export { ucumCanonical, UCUM_SYSTEM } from './ucum.js';
export { MAX_INDEXED_CHARS, CURRENCY_SYSTEM, parseReference } from './values.js';

export interface IndexItem {
  rid: number;
  resource: Resource;
}

/** Computes and inserts the index rows of each resource (one SQL statement per call). */
export async function writeIndexes(q: Queryable, items: IndexItem[]): Promise<void> {
  if (!items.length) return;
  await insertBatches(q, extractRows(items));
}

/** Removes every index row of these resources (before re-indexing an update, or on delete). */
export async function deleteIndexes(q: Queryable, rids: number[]): Promise<void> {
  await deleteRows(q, rids);
}

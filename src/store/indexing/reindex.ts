// Recomputes index rows of stored resources, in batches keyed on rid, after a SearchParameter
// is created or changed. Each batch is its own transaction, so a long reindex does not hold locks.
import type { Resource } from 'fhir/r4';
import { allResourceTypes } from '../../fhir/definitions.js';
import { getSearchParamByUrl, searchParamsFor } from '../../fhir/search-params.js';
import type { Db } from '../db.js';
import { extractRows } from './extract.js';
import { deleteRows, insertBatches } from './write.js';
import { TABLE_NAMES } from './tables.js';

export interface ReindexScope {
  /** Only resources of this type (default: every type the parameter applies to, or all). */
  type?: string;
  /** Only this SearchParameter (by canonical url); its rows are replaced, other rows kept. */
  paramUrl?: string;
}

export interface ReindexProgress { done: number; lastRid: number }

const BATCH = 500;

export async function reindex(db: Db, scope: ReindexScope = {}, onProgress?: (p: ReindexProgress) => void): Promise<number> {
  let types = scope.type ? [scope.type] : allResourceTypes();
  let codes: Set<string> | undefined;
  if (scope.paramUrl) {
    if (!getSearchParamByUrl(scope.paramUrl)) throw new Error(`SearchParameter ${scope.paramUrl} is not registered`);
    types = types.filter((t) => searchParamsFor(t).some((d) => d.url === scope.paramUrl));
    codes = new Set(types.flatMap((t) => searchParamsFor(t).filter((d) => d.url === scope.paramUrl).map((d) => d.code)));
  }
  if (!types.length) return 0;
  let lastRid = 0, done = 0;
  for (;;) {
    const { rows } = await db.query<{ rid: string | number; content: string }>(
      `SELECT rid, content FROM resource WHERE type = ANY($1::text[]) AND NOT deleted AND rid > $2 ORDER BY rid LIMIT ${BATCH}`,
      [types, lastRid],
    );
    if (!rows.length) break;
    const items = rows.map((r) => ({ rid: Number(r.rid), resource: JSON.parse(r.content) as Resource }));
    await db.transaction(async (tx) => {
      const rids = items.map((i) => i.rid);
      if (codes) {
        // Rows of this parameter only, whatever table they were in (its type may have changed).
        for (const t of TABLE_NAMES) await tx.query(`DELETE FROM ${t} WHERE rid = ANY($1::bigint[]) AND param = ANY($2::text[])`, [rids, [...codes]]);
      } else await deleteRows(tx, rids);
      await insertBatches(tx, extractRows(items, {}, codes));
    });
    done += items.length;
    lastRid = items[items.length - 1].rid;
    onProgress?.({ done, lastRid });
  }
  return done;
}

// Terminology resources stored on the server (table `resource`, current rows) mirrored into memory,
// so the validator's synchronous checks see them. A cheap aggregate per type tells whether anything
// changed (written by this node or another one) before anything is re-read.
import type { Resource } from 'fhir/r4';
import { deferUntilCommitted, onWrite } from '../api/write-hooks.js';
import type { Queryable } from '../store/db.js';
import { registerResource, unregisterResource, type TerminologyResource } from './registry.js';

const TYPES = ['ValueSet', 'CodeSystem', 'ConceptMap'] as const;
const TYPE_SET = new Set<string>(TYPES);

/** type → signature of the rows last loaded. */
let signatures = new Map<string, string>();
/** `Type/id` → the resource registered from the store. */
const fromStore = new Map<string, TerminologyResource>();

export async function refreshFromStore(q: Queryable): Promise<{ changed: boolean; count: number }> {
  const { rows } = await q.query<{ type: string; n: unknown; lu: unknown; sv: unknown }>(
    `SELECT type, count(*) AS n, max(last_updated) AS lu, sum(version) AS sv FROM resource
      WHERE type IN ('ValueSet', 'CodeSystem', 'ConceptMap') GROUP BY type`,
  );
  const now = new Map(rows.map((r) => [r.type, `${String(r.n)}|${String(r.lu)}|${String(r.sv)}`]));
  const stale = TYPES.filter((t) => (now.get(t) ?? '') !== (signatures.get(t) ?? ''));
  if (!stale.length) return { changed: false, count: fromStore.size };
  const { rows: found } = await q.query<{ type: string; id: string; content: string | null }>(
    `SELECT type, id, content FROM resource WHERE type = ANY($1) AND NOT deleted`,
    [stale],
  );
  const seen = new Set<string>();
  for (const row of found) {
    if (!row.content) continue;
    const r = JSON.parse(row.content) as TerminologyResource;
    if (typeof r.url !== 'string') continue; // no canonical: usable only by id (instance operations)
    const key = `${row.type}/${row.id}`;
    seen.add(key);
    const prev = fromStore.get(key);
    if (prev && prev.meta?.versionId === r.meta?.versionId && prev.url === r.url) continue;
    if (prev) unregisterResource(prev);
    registerResource(r);
    fromStore.set(key, r);
  }
  for (const [key, r] of fromStore) {
    if (stale.includes(r.resourceType) && !seen.has(key)) {
      unregisterResource(r);
      fromStore.delete(key);
    }
  }
  for (const t of stale) signatures.set(t, now.get(t) ?? '');
  return { changed: true, count: fromStore.size };
}

/** A stored ValueSet/CodeSystem/ConceptMap by id (current, not deleted). */
export async function readStored<T extends Resource>(q: Queryable, type: string, id: string): Promise<T | undefined> {
  const { rows } = await q.query<{ content: string | null }>(`SELECT content FROM resource WHERE type = $1 AND id = $2 AND NOT deleted`, [type, id]);
  return rows[0]?.content ? (JSON.parse(rows[0].content) as T) : undefined;
}

/** Forget what was loaded from a store (tests, or a node switching databases). */
export function resetStoreTerminology(): void {
  for (const r of fromStore.values()) unregisterResource(r);
  fromStore.clear();
  signatures = new Map();
}

let hooked = false;
/** After a committed write of a terminology resource through this node, re-read at once. */
export function installTerminologyWriteHook(): void {
  if (hooked) return;
  hooked = true;
  onWrite(async (_q, call, resource) => {
    if (!TYPE_SET.has(resource.resourceType) || !call.afterCommit) return;
    deferUntilCommitted(call, async () => {
      await refreshFromStore(call.ctx.db);
    });
  });
}

// SearchParameter resources stored on the server: loaded into the registry at start, and picked
// up by every stateless node through a cheap version check (newest last_updated and row count).
import type { SearchParameter } from 'fhir/r4';
import { registerSearchParameter, unregisterSearchParameter } from '../../fhir/search-params.js';
import type { Queryable } from '../db.js';

/** Urls registered from stored resources, so that deleted ones can be dropped on reload. */
let storedUrls = new Set<string>();
let knownVersion: string | undefined;
let lastCheck = 0;

/** Registers every current, non-retired SearchParameter resource; returns how many. */
export async function loadStoredSearchParameters(q: Queryable): Promise<number> {
  const { rows } = await q.query<{ content: string }>(`SELECT content FROM resource WHERE type = 'SearchParameter' AND NOT deleted`);
  const next = new Set<string>();
  for (const r of rows) {
    const sp = JSON.parse(r.content) as SearchParameter;
    if (sp.status === 'retired' || !sp.url || !sp.code || !sp.base?.length) continue;
    registerSearchParameter(sp);
    next.add(sp.url);
  }
  for (const url of storedUrls) if (!next.has(url)) unregisterSearchParameter(url);
  storedUrls = next;
  return next.size;
}

/** Changes whenever a SearchParameter resource is created, updated or deleted. */
export async function searchParameterVersion(q: Queryable): Promise<string> {
  const { rows } = await q.query<{ v: unknown; n: unknown }>(
    `SELECT max(last_updated) AS v, count(*) AS n FROM resource WHERE type = 'SearchParameter'`,
  );
  const v = rows[0]?.v;
  return `${v instanceof Date ? v.toISOString() : String(v ?? '')}|${String(rows[0]?.n ?? 0)}`;
}

/**
 * Reloads stored SearchParameters when their version changed; checks the database at most once
 * per minIntervalMs. Returns whether the registry was reloaded.
 */
export async function refreshSearchParameters(q: Queryable, minIntervalMs = 5000): Promise<boolean> {
  const now = Date.now();
  if (knownVersion !== undefined && now - lastCheck < minIntervalMs) return false;
  lastCheck = now;
  const v = await searchParameterVersion(q);
  if (v === knownVersion) return false;
  await loadStoredSearchParameters(q);
  knownVersion = v;
  return true;
}

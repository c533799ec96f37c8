// SearchParameter resources written to the server become active once committed, and existing
// resources are re-indexed for them before the write answers. Other nodes pick them up through
// refreshSearchParameters (a cheap version check, at most every few seconds).
import type { SearchParameter } from 'fhir/r4';
import { loadStoredSearchParameters, reindex } from '../store/indexing/index.js';
import { log } from '../log.js';
import { deferUntilCommitted, onWrite } from './write-hooks.js';

export function activateStoredSearchParameters(): void {
  onWrite(async (_q, call, resource, method) => {
    if (resource.resourceType !== 'SearchParameter') return;
    const url = method === 'DELETE' ? undefined : (resource as SearchParameter).url;
    deferUntilCommitted(call, async () => {
      await loadStoredSearchParameters(call.ctx.db);
      if (!url) return;
      const n = await reindex(call.ctx.db, { paramUrl: url });
      log.info('search parameter activated', { url, reindexed: n });
    });
  });
}

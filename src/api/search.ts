// Search interaction: GET/POST _search at type and system level.
import type { Bundle } from 'fhir/r4';
import { executeSearch } from '../store/search/index.js';
import { parsePrefer } from './prefer.js';
import type { Call } from './types.js';

/** Parameters handled at the door (format, pretty print) rather than by the search engine. */
const DOOR_PARAMS = new Set(['_format', '_pretty']);

export function search(call: Call, type: string | undefined): Promise<Bundle> {
  const { config } = call.ctx;
  const params = call.req.query.filter(([k]) => !DOOR_PARAMS.has(k));
  return executeSearch(call.tx ?? call.ctx.db, { type, params }, {
    baseUrl: config.baseUrl,
    defaultCount: config.defaultCount,
    maxCount: config.maxCount,
    maxSnapshot: config.maxSnapshot,
    handling: parsePrefer(call.req.headers.prefer).handling,
  });
}

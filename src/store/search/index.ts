// FHIR search over the typed index tables (owned by src/store/search).
import type { Bundle } from 'fhir/r4';
import type { Queryable } from '../db.js';

export interface SearchRequest {
  /** Resource type, or undefined for a system-level search. */
  type?: string;
  /** Query parameters in order, names with modifiers as sent (e.g. ['name:exact', 'Eve']). */
  params: [string, string][];
}

export interface SearchContext {
  baseUrl: string;
  defaultCount: number;
  maxCount: number;
  maxSnapshot: number;
  /** Prefer: handling=strict rejects unknown parameters; lenient ignores them. */
  handling: 'strict' | 'lenient';
}

/** Runs a search and returns the searchset Bundle, with paging links, includes and total. */
export async function executeSearch(_q: Queryable, _req: SearchRequest, _ctx: SearchContext): Promise<Bundle> {
  throw new Error('search not implemented yet');
}

/** Resolves a conditional URL's criteria (e.g. "identifier=x|1") to matching current resources. */
export async function findMatches(_q: Queryable, _type: string, _criteria: string): Promise<{ rid: number; id: string }[]> {
  throw new Error('search not implemented yet');
}

// FHIR search over the typed index tables (owned by src/store/search): parse (parse.ts) → SQL
// (sql.ts, sort.ts) → page, paging snapshot (snapshot.ts), includes (include.ts) → Bundle.
import type { Bundle, BundleEntry, BundleLink, FhirResource } from 'fhir/r4';
import { badRequest, outcome } from '../../fhir/errors.js';
import type { Queryable } from '../db.js';
import type { SearchQuery } from './ast.js';
import { resolveIncludes } from './include.js';
import { parseSearch } from './parse.js';
import { createSnapshot, readSnapshot, setSnapshotTotal, type SnapshotRequest } from './snapshot.js';
import { sortExprs } from './sort.js';
import { SqlParams, whereSql } from './sql.js';

export { parseSearch } from './parse.js';
export { includeQuery } from './include.js';
export { SNAPSHOT_TTL_SECONDS } from './snapshot.js';

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

/** Parameters that the HTTP layer applies to every page: kept in paging links. */
const CARRIED = ['_elements', '_summary'];

interface Built { select: string; aggOrder: string; countSql: string; params: unknown[]; countParams: unknown[] }

function build(query: SearchQuery, baseUrl: string): Built {
  const p = new SqlParams();
  const where = whereSql(query.types, query.clauses, baseUrl, p);
  const countSql = `SELECT count(*) AS n FROM resource r WHERE ${where}`;
  // Sort keys add parameters that the count does not use.
  const countParams = [...p.values];
  if (!query.sort.length) return { select: `SELECT r.rid FROM resource r WHERE ${where}`, aggOrder: '', countSql, params: p.values, countParams };
  // Sort keys are selected as k0…kn so that the snapshot can aggregate in the same order.
  const keys = sortExprs(query.sort, p).map((k, n) => ({ ...k, n }));
  const select = `SELECT r.rid${keys.map((k) => `, ${k.expr} AS k${k.n}`).join('')} FROM resource r WHERE ${where}
    ORDER BY ${keys.map((k) => `k${k.n} ${k.dir}`).join(', ')}, r.rid`;
  const aggOrder = [...keys.map((k) => `m.k${k.n} ${k.dir}`), 'm.rid'].join(', ');
  return { select, aggOrder, countSql, params: p.values, countParams };
}

/** The main SQL of a search (first page), for EXPLAIN in tests and benchmarks. */
export function compileSearch(req: SearchRequest, ctx: SearchContext): { sql: string; params: unknown[]; query: SearchQuery } {
  const query = parseSearch(req.type, req.params, ctx);
  const b = build(query, ctx.baseUrl);
  return { sql: `${b.select} LIMIT ${(query.count ?? ctx.defaultCount) + 1}`, params: b.params, query };
}

async function countOf(q: Queryable, b: Built): Promise<number> {
  const { rows } = await q.query<{ n: string | number }>(b.countSql, b.countParams);
  return Number(rows[0].n);
}

/** The planner's row estimate for the search (for _total=estimate). */
async function estimateOf(q: Queryable, b: Built): Promise<number | undefined> {
  const { rows } = await q.query<Record<string, unknown>>(`EXPLAIN (FORMAT JSON) ${b.countSql.replace('count(*) AS n', 'r.rid')}`, b.countParams);
  const raw = Object.values(rows[0] ?? {})[0];
  const plan = (typeof raw === 'string' ? JSON.parse(raw) : raw) as { Plan: { 'Plan Rows': number } }[];
  return plan?.[0]?.Plan?.['Plan Rows'];
}

async function loadEntries(q: Queryable, rids: number[], mode: 'match' | 'include', baseUrl: string): Promise<BundleEntry[]> {
  if (!rids.length) return [];
  const { rows } = await q.query<{ rid: string | number; type: string; id: string; content: string }>(
    'SELECT rid, type, id, content FROM resource WHERE rid = ANY($1::bigint[]) AND NOT deleted AND content IS NOT NULL',
    [rids],
  );
  const byRid = new Map(rows.map((r) => [Number(r.rid), r]));
  // Keep the page order; a resource deleted since the snapshot is left out.
  return rids.flatMap((rid) => {
    const r = byRid.get(rid);
    return r ? [{ fullUrl: `${baseUrl}/${r.type}/${r.id}`, resource: JSON.parse(r.content) as FhirResource, search: { mode } }] : [];
  });
}

function searchUrl(baseUrl: string, type: string | undefined, params: [string, string][]): string {
  const qs = new URLSearchParams(params).toString();
  return `${type ? `${baseUrl}/${type}` : baseUrl}${qs ? '?' + qs : ''}`;
}

function pageUrl(baseUrl: string, id: string, offset: number, count: number, carried: [string, string][]): string {
  return `${baseUrl}?${new URLSearchParams([['_getpages', id], ['_offset', String(offset)], ['_count', String(count)], ...carried]).toString()}`;
}

function ignoredOutcome(query: SearchQuery): BundleEntry[] {
  if (!query.ignored.length) return [];
  return [{
    resource: outcome(query.ignored.map((name) => ({ severity: 'warning', code: 'not-supported', diagnostics: `Unknown search parameter ${name} was ignored`, expression: [name] }))),
    search: { mode: 'outcome' },
  }];
}

function bundle(total: number | undefined, link: BundleLink[], entry: BundleEntry[]): Bundle {
  return { resourceType: 'Bundle', type: 'searchset', ...(total === undefined ? {} : { total }), link, entry };
}

/** Runs a search and returns the searchset Bundle, with paging links, includes and total. */
export async function executeSearch(q: Queryable, req: SearchRequest, ctx: SearchContext): Promise<Bundle> {
  const pages = req.params.find(([k]) => k === '_getpages');
  if (pages) return continueSearch(q, pages[1], req.params, ctx);
  const cursorParam = req.params.find(([k]) => k === CURSOR)?.[1];
  const params = req.params.filter(([k]) => k !== CURSOR);
  const query = parseSearch(req.type, params, ctx);
  const b = build(query, ctx.baseUrl);
  const count = query.count ?? Math.min(ctx.defaultCount, ctx.maxCount);
  const used = params.filter(([k]) => !query.ignored.includes(k));
  const self: BundleLink = { relation: 'self', url: searchUrl(ctx.baseUrl, req.type, req.params.filter(([k]) => !query.ignored.includes(k))) };
  const notes = ignoredOutcome(query);

  if (query.summaryCount || count === 0) {
    const total = query.total === 'none' && !query.summaryCount ? undefined : await countOf(q, b);
    return bundle(total, [self], notes);
  }
  if (!query.sort.length) return keysetPage(q, req.type, query, b, count, cursorParam, used, self, notes, ctx);
  const { rows } = await q.query<{ rid: string | number }>(`${b.select} LIMIT ${count + 1}`, b.params);
  if (rows.length <= count) {
    const matches = rows.map((r) => Number(r.rid));
    const entries = await pageEntries(q, matches, query, ctx.baseUrl);
    return bundle(query.total === 'none' ? undefined : matches.length, [self], [...notes, ...entries]);
  }
  // A sorted result of more than one page: snapshot it so that later pages stay put.
  const cap = Math.max(ctx.maxSnapshot, count);
  const request: SnapshotRequest = { type: req.type, params: used };
  const snap = await createSnapshot(q, `${b.select} LIMIT ${cap + 1}`, b.params, b.aggOrder, cap, count, request);
  let total: number | undefined = snap.matched <= cap ? snap.size : undefined;
  if (total === undefined && query.total === 'accurate') {
    total = await countOf(q, b);
    await setSnapshotTotal(q, snap.id, total);
  } else if (total === undefined && query.total === 'estimate') total = Math.max(cap + 1, Math.round((await estimateOf(q, b)) ?? 0));
  if (query.total === 'none') total = undefined;
  const carried = req.params.filter(([k]) => CARRIED.includes(k));
  const link: BundleLink[] = [
    self,
    { relation: 'first', url: pageUrl(ctx.baseUrl, snap.id, 0, count, carried) },
    { relation: 'next', url: pageUrl(ctx.baseUrl, snap.id, count, count, carried) },
  ];
  return bundle(total, link, [...notes, ...(await pageEntries(q, snap.page, query, ctx.baseUrl))]);
}

/** Paging parameter of unsorted searches: an opaque cursor after the last rid served. */
const CURSOR = '_cursor';
const encodeCursor = (rid: number) => Buffer.from(`r${rid}`).toString('base64url');
function decodeCursor(s: string): number {
  const m = /^r(\d{1,15})$/.exec(Buffer.from(s, 'base64url').toString());
  if (!m) throw badRequest(`Invalid ${CURSOR} "${s.slice(0, 40)}"`, [CURSOR]);
  return Number(m[1]);
}

/**
 * Unsorted searches page in rid (insertion) order with a cursor, with no snapshot: a page
 * never shifts, because new resources get higher rids and land after it, and paging is not
 * capped. The cost of a page does not grow with the size of the result.
 */
async function keysetPage(q: Queryable, type: string | undefined, query: SearchQuery, b: Built, count: number, cursor: string | undefined, used: [string, string][],
  self: BundleLink, notes: BundleEntry[], ctx: SearchContext): Promise<Bundle> {
  const after = cursor === undefined ? undefined : decodeCursor(cursor);
  const args = [...b.params];
  const sql = `${b.select}${after === undefined ? '' : ` AND r.rid > $${args.push(after)}`} ORDER BY r.rid LIMIT ${count + 1}`;
  const { rows } = await q.query<{ rid: string | number }>(sql, args);
  const matches = rows.slice(0, count).map((r) => Number(r.rid));
  const more = rows.length > count;
  let total: number | undefined;
  if (query.total === 'accurate' || (query.total === 'estimate' && (more || after !== undefined))) {
    total = query.total === 'accurate' ? await countOf(q, b) : Math.round((await estimateOf(q, b)) ?? 0);
  } else if (query.total !== 'none' && !more && after === undefined) total = matches.length;
  const first = searchUrl(ctx.baseUrl, type, used);
  const link: BundleLink[] = [self];
  if (more || after !== undefined) link.push({ relation: 'first', url: first });
  if (more) link.push({ relation: 'next', url: searchUrl(ctx.baseUrl, type, [...used, [CURSOR, encodeCursor(matches[matches.length - 1])]]) });
  return bundle(total, link, [...notes, ...(await pageEntries(q, matches, query, ctx.baseUrl))]);
}

async function pageEntries(q: Queryable, matches: number[], query: SearchQuery, baseUrl: string): Promise<BundleEntry[]> {
  const included = query.include.length || query.revinclude.length ? await resolveIncludes(q, matches, query.include, query.revinclude) : [];
  return [...(await loadEntries(q, matches, 'match', baseUrl)), ...(await loadEntries(q, included, 'include', baseUrl))];
}

function nonNegative(params: [string, string][], name: string, fallback: number): number {
  const raw = params.find(([k]) => k === name)?.[1];
  if (raw === undefined) return fallback;
  if (!/^\d+$/.test(raw)) throw badRequest(`${name} must be a non-negative integer, not "${raw.slice(0, 40)}"`, [name]);
  return Number(raw);
}

/** A later page of a snapshot (`_getpages=id&_offset=n&_count=m`). */
async function continueSearch(q: Queryable, id: string, params: [string, string][], ctx: SearchContext): Promise<Bundle> {
  const offset = nonNegative(params, '_offset', 0);
  const count = Math.min(nonNegative(params, '_count', ctx.defaultCount), ctx.maxCount) || ctx.defaultCount;
  const snap = await readSnapshot(q, id, offset, count);
  // The original request gives the includes and _total; it was valid when the search ran.
  const query = parseSearch(snap.request.type, snap.request.params, { ...ctx, handling: 'lenient' });
  const carried = params.filter(([k]) => CARRIED.includes(k));
  const url = (o: number) => pageUrl(ctx.baseUrl, id, o, count, carried);
  const link: BundleLink[] = [{ relation: 'self', url: url(offset) }, { relation: 'first', url: url(0) }];
  if (offset > 0) link.push({ relation: 'previous', url: url(Math.max(0, offset - count)) });
  if (offset + count < snap.size) link.push({ relation: 'next', url: url(offset + count) });
  const total = query.total === 'none' || snap.total === null ? undefined : snap.total;
  return bundle(total, link, await pageEntries(q, snap.page, query, ctx.baseUrl));
}

/** Resolves a conditional URL's criteria (e.g. "identifier=x|1") to matching current resources. */
export async function findMatches(q: Queryable, type: string, criteria: string, limit = 1000): Promise<{ rid: number; id: string }[]> {
  const params = [...new URLSearchParams(criteria.startsWith('?') ? criteria.slice(1) : criteria)] as [string, string][];
  const query = parseSearch(type, params, { baseUrl: '', defaultCount: limit, maxCount: limit, handling: 'strict' });
  const p = new SqlParams();
  const where = whereSql(query.types, query.clauses, '', p);
  const { rows } = await q.query<{ rid: string | number; id: string }>(`SELECT r.rid, r.id FROM resource r WHERE ${where} ORDER BY r.rid LIMIT ${limit}`, p.values);
  return rows.map((r) => ({ rid: Number(r.rid), id: r.id }));
}

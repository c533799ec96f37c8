// _include and _revinclude: the resources a page's matches refer to, and those referring to them,
// followed again for :iterate up to a fixed depth.
import type { Queryable } from '../db.js';
import type { IncludeSpec } from './ast.js';

/** Iterations of :iterate beyond the first round (guards against reference cycles and blow-ups). */
export const MAX_ITERATE_DEPTH = 3;
/** Most included resources per round. */
export const MAX_INCLUDED = 1000;

/** SQL of one _include (forward: the targets of the sources' references) or _revinclude. */
export function includeQuery(rids: number[], s: IncludeSpec, reverse: boolean): { sql: string; params: unknown[] } {
  const params: unknown[] = [rids];
  const cond: string[] = [];
  if (s.sourceType !== '*') cond.push(`x.rtype = $${params.push(s.sourceType)}`);
  if (s.param !== '*') cond.push(`x.param = $${params.push(s.param)}`);
  const and = cond.map((c) => ' AND ' + c).join('');
  if (!reverse) {
    if (s.targetType) cond.push(`t.type = $${params.push(s.targetType)}`);
    return {
      sql: `SELECT DISTINCT t.rid FROM idx_reference x JOIN resource t ON t.type = x.target_type AND t.id = x.target_id
        WHERE x.rid = ANY($1::bigint[]) AND NOT t.deleted${cond.map((c) => ' AND ' + c).join('')} LIMIT ${MAX_INCLUDED}`,
      params,
    };
  }
  const target = s.targetType ? ` AND m.type = $${params.push(s.targetType)}` : '';
  return {
    sql: `SELECT DISTINCT x.rid FROM resource m JOIN idx_reference x ON x.target_type = m.type AND x.target_id = m.id
      WHERE m.rid = ANY($1::bigint[])${and}${target} LIMIT ${MAX_INCLUDED}`,
    params,
  };
}

async function round(q: Queryable, rids: number[], specs: IncludeSpec[], reverse: boolean): Promise<number[]> {
  if (!specs.length || !rids.length) return [];
  const out = new Set<number>();
  for (const s of specs) {
    const { sql, params } = includeQuery(rids, s, reverse);
    const { rows } = await q.query<{ rid: string | number }>(sql, params);
    for (const r of rows) out.add(Number(r.rid));
  }
  return [...out];
}

/** Rids to add with search.mode = include (never one of the matches). */
export async function resolveIncludes(q: Queryable, matches: number[], include: IncludeSpec[], revinclude: IncludeSpec[]): Promise<number[]> {
  const seen = new Set(matches);
  const added: number[] = [];
  const take = (rids: number[]) => {
    const fresh = rids.filter((r) => !seen.has(r));
    for (const r of fresh) seen.add(r);
    added.push(...fresh);
    return fresh;
  };
  let frontier = take([...(await round(q, matches, include, false)), ...(await round(q, matches, revinclude, true))]);
  const inc = include.filter((s) => s.iterate), rev = revinclude.filter((s) => s.iterate);
  for (let depth = 0; depth < MAX_ITERATE_DEPTH && frontier.length && (inc.length || rev.length); depth++) {
    frontier = take([...(await round(q, frontier, inc, false)), ...(await round(q, frontier, rev, true))]);
  }
  return added;
}

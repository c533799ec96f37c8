// _sort keys → ORDER BY expressions: the smallest low bound ascending, the largest high bound
// descending (search.html#_sort), ties broken by rid so that the order is total and stable.
import type { SortKey } from './ast.js';
import { SqlParams, TABLE } from './sql.js';

/** Per kind: the column aggregated for ascending and for descending order. */
const SORT_COLUMNS: Record<string, [string, string]> = {
  date: ['lo', 'hi'],
  number: ['value', 'value'],
  quantity: ['coalesce(s.value, s.lo)', 'coalesce(s.value, s.hi)'],
  string: ['norm', 'norm'],
  token: ['code', 'code'],
  uri: ['value', 'value'],
  reference: ["coalesce(s.target_type || '/' || s.target_id, s.url)", "coalesce(s.target_type || '/' || s.target_id, s.url)"],
};

export interface SortExpr { expr: string; dir: 'ASC NULLS LAST' | 'DESC NULLS LAST' }

/** One SQL expression per key, over resource alias r (rid is appended by the caller). */
export function sortExprs(keys: SortKey[], p: SqlParams): SortExpr[] {
  return keys.map((k) => {
    const dir = k.desc ? 'DESC NULLS LAST' : 'ASC NULLS LAST';
    if (k.ptype === 'id') return { expr: 'r.id', dir };
    if (k.ptype === 'lastUpdated') return { expr: 'r.last_updated', dir };
    const col = SORT_COLUMNS[k.ptype][k.desc ? 1 : 0];
    const expr = col.includes('(') ? col : `s.${col}`;
    return { expr: `(SELECT ${k.desc ? 'max' : 'min'}(${expr}) FROM ${TABLE[k.ptype]} s WHERE s.rid = r.rid AND s.rtype = r.type AND s.param = ${p.add(k.code)})`, dir };
  });
}

// Batched SQL for the index tables: all inserts of a call in one statement (one unnest() INSERT
// per table, chained as data-modifying CTEs), all deletes in another.
import type { Queryable } from '../db.js';
import type { Batches } from './extract.js';
import { INDEX_TABLES, TABLE_NAMES, type IndexTable } from './tables.js';

export async function insertBatches(q: Queryable, batches: Batches): Promise<void> {
  const parts: string[] = [];
  const params: unknown[] = [];
  const arg = (values: unknown[], type: string) => {
    params.push(values);
    return `$${params.length}::${type}[]`;
  };
  for (const table of TABLE_NAMES) {
    const b = batches[table];
    if (!b || !b.rid.length) continue;
    const cols = INDEX_TABLES[table] as Record<string, string>;
    const names = ['rid', 'rtype', 'param', ...Object.keys(cols)];
    const args = [arg(b.rid, 'bigint'), arg(b.rtype, 'text'), arg(b.param, 'text'), ...Object.entries(cols).map(([c, t]) => arg(b.cols[c], t))];
    parts.push(`INSERT INTO ${table} (${names.join(', ')}) SELECT * FROM unnest(${args.join(', ')})`);
  }
  if (!parts.length) return;
  const last = parts.pop()!;
  const sql = parts.length ? `WITH ${parts.map((p, i) => `i${i} AS (${p})`).join(', ')} ${last}` : last;
  await q.query(sql, params);
}

export async function deleteRows(q: Queryable, rids: number[], tables: readonly IndexTable[] = TABLE_NAMES): Promise<void> {
  if (!rids.length) return;
  const parts = tables.map((t) => `DELETE FROM ${t} WHERE rid = ANY($1::bigint[])`);
  const last = parts.pop()!;
  const sql = parts.length ? `WITH ${parts.map((p, i) => `d${i} AS (${p})`).join(', ')} ${last}` : last;
  await q.query(sql, [rids]);
}

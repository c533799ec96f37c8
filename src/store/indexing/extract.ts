// Row extraction: every active SearchParameter of a resource's type, evaluated and converted into
// typed rows per index table (column arrays, ready for one unnest() INSERT per table).
import type { Resource } from 'fhir/r4';
import { getSearchParamByUrl, registryVersion, searchParamsFor, type SearchParamDef } from '../../fhir/search-params.js';
import { compileExpression } from './evaluate.js';
import { INDEX_TABLES, TABLE_OF_TYPE, type IndexTable, type Row } from './tables.js';
import type { TypedValue } from './typed-value.js';
import { ROWS_BY_KIND } from './values.js';

/** Column arrays of one table: rid, rtype, param, then the typed columns in INDEX_TABLES order. */
export interface TableBatch {
  rid: number[];
  rtype: string[];
  param: string[];
  cols: Record<string, unknown[]>;
  /** Column names, in order (the keys of cols). */
  names: string[];
}

export type Batches = Partial<Record<IndexTable, TableBatch>>;

type Obj = Record<string, unknown>;

interface CompiledParam {
  code: string;
  table: IndexTable;
  kind: string;
  run: (root: TypedValue) => TypedValue[];
  components?: { kind: string; run: (ctx: TypedValue, root: Obj) => TypedValue[] }[];
}

/** Compiled parameters per resource type, for one registry version. */
const compiled = new Map<string, CompiledParam[]>();
let compiledFor = -1;

function compileParam(def: SearchParamDef, type: string): CompiledParam | undefined {
  const table = TABLE_OF_TYPE[def.type];
  if (!table || !def.expression) return undefined; // special parameters and those without expression
  const expr = compileExpression(def.expression, type);
  const run = (root: TypedValue) => expr.run(root, root.value);
  if (def.type !== 'composite') return { code: def.code, table, kind: def.type, run };
  const components = (def.component ?? []).map((c) => {
    const kind = getSearchParamByUrl(c.definition)?.type;
    return kind && ROWS_BY_KIND[kind] ? { kind, expression: c.expression } : undefined;
  });
  if (!components.length || components.length > 3 || components.some((c) => !c)) return undefined;
  return {
    code: def.code, table, kind: 'composite', run,
    components: components.map((c) => {
      // Component expressions are relative to each context node, whose type varies (resource or backbone).
      const byCtx = new Map<string, ReturnType<typeof compileExpression>>();
      return {
        kind: c!.kind,
        run: (ctx: TypedValue, root: Obj) => {
          let e = byCtx.get(ctx.type);
          if (!e) byCtx.set(ctx.type, (e = compileExpression(c!.expression, ctx.type)));
          return e.run(ctx, root);
        },
      };
    }),
  };
}

function paramsOf(type: string): CompiledParam[] {
  if (compiledFor !== registryVersion()) {
    compiled.clear();
    compiledFor = registryVersion();
  }
  let list = compiled.get(type);
  if (!list) {
    list = searchParamsFor(type).map((d) => compileParam(d, type)).filter((p): p is CompiledParam => !!p);
    compiled.set(type, list);
  }
  return list;
}

/** Maps a component's own row to the composite columns of position i (see README). */
function componentColumns(kind: string, row: Row, i: number): Row | undefined {
  const c = `c${i}_`;
  switch (kind) {
    case 'token':
      return row.code == null ? undefined : { [c + 'system']: row.system, [c + 'code']: row.code };
    case 'string':
      return { [c + 'code']: row.norm };
    case 'uri':
      return { [c + 'code']: row.value };
    case 'reference':
      return { [c + 'system']: row.target_type, [c + 'code']: row.target_id ? `${row.target_type}/${row.target_id}` : row.url };
    case 'date':
      return { [c + 'dlo']: row.lo, [c + 'dhi']: row.hi };
    default: // number, quantity
      return {
        [c + 'value']: row.value, [c + 'lo']: row.lo, [c + 'hi']: row.hi, [c + 'system']: row.system,
        [c + 'code']: row.code, [c + 'canon_value']: row.canon_value, [c + 'canon_code']: row.canon_code,
      };
  }
}

/** One row per combination of the component values found in the same context node. */
function compositeRows(p: CompiledParam, ctxNodes: TypedValue[], root: Obj): Row[] {
  const out: Row[] = [];
  for (const ctx of ctxNodes) {
    let combos: Row[] = [{}];
    p.components!.forEach((comp, n) => {
      const parts = comp.run(ctx, root).flatMap((v) => ROWS_BY_KIND[comp.kind]!(v, root))
        .map((r) => componentColumns(comp.kind, r, n + 1)).filter((r): r is Row => !!r);
      combos = combos.flatMap((a) => parts.map((b) => ({ ...a, ...b })));
    });
    out.push(...combos);
  }
  return out;
}

function add(batches: Batches, table: IndexTable, rid: number, rtype: string, param: string, row: Row): void {
  let b = batches[table];
  if (!b) {
    const names = Object.keys(INDEX_TABLES[table]);
    b = batches[table] = { rid: [], rtype: [], param: [], names, cols: Object.fromEntries(names.map((c) => [c, []])) };
  }
  b.rid.push(rid);
  b.rtype.push(rtype);
  b.param.push(param);
  const { names, cols } = b;
  for (let i = 0; i < names.length; i++) cols[names[i]].push(row[names[i]] ?? null);
}

/** Extracts the rows of every item into column batches (only the parameters with codes in `only`, if given). */
export function extractRows(items: { rid: number; resource: Resource }[], batches: Batches = {}, only?: ReadonlySet<string>): Batches {
  for (const { rid, resource } of items) {
    const type = resource.resourceType;
    const root: TypedValue = { value: resource, type };
    for (const p of paramsOf(type)) {
      if (only && !only.has(p.code)) continue;
      const values = p.run(root);
      if (!values.length) continue;
      const rows = p.components ? compositeRows(p, values, resource as unknown as Obj) : values.flatMap((v) => ROWS_BY_KIND[p.kind]!(v, resource as unknown as Obj));
      for (const r of rows) add(batches, p.table, rid, type, p.code, r);
    }
  }
  return batches;
}

/** The rows of one resource as plain objects per table (for tests and debugging). */
export function rowsOf(resource: Resource): Partial<Record<IndexTable, Row[]>> {
  const b = extractRows([{ rid: 0, resource }]);
  const out: Partial<Record<IndexTable, Row[]>> = {};
  for (const [t, batch] of Object.entries(b) as [IndexTable, TableBatch][]) {
    out[t] = batch.param.map((param, i) => {
      const row: Row = { param };
      for (const c in batch.cols) if (batch.cols[c][i] !== null) row[c] = batch.cols[c][i] as Row[string];
      return row;
    });
  }
  return out;
}

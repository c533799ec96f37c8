// Clauses → SQL predicates over a `resource` alias. Every value test is a semi-join on an index
// table keyed by (rtype, param, value) so that PostgreSQL drives the search from its B-trees.
import type { SearchParamType } from '../../fhir/search-params.js';
import type { Clause, Prefix, Value } from './ast.js';
import PREFIXES from './prefixes.json' with { type: 'json' };

/** Collects positional parameters while SQL text is built. */
export class SqlParams {
  readonly values: unknown[] = [];
  add(v: unknown, cast?: string): string {
    this.values.push(v);
    return `$${this.values.length}${cast ? '::' + cast : ''}`;
  }
}

export const TABLE: Record<string, string> = {
  number: 'idx_number', date: 'idx_date', string: 'idx_string', token: 'idx_token', reference: 'idx_reference',
  quantity: 'idx_quantity', uri: 'idx_uri', composite: 'idx_composite',
};

/** Column names of one value kind, in an index table or in a composite component. */
type Cols = Record<string, string>;
const MAIN_COLS: Cols = {
  value: 'value', lo: 'lo', hi: 'hi', system: 'system', code: 'code', text: 'text', norm: 'norm', exact: 'exact', unit: 'unit',
  canon_value: 'canon_value', canon_code: 'canon_code', type_system: 'type_system', type_code: 'type_code',
  target_type: 'target_type', target_id: 'target_id', url: 'url', ident_system: 'ident_system', ident_value: 'ident_value', uri: 'value',
};
const componentCols = (i: number, kind: SearchParamType): Cols => {
  const c = (s: string) => `c${i}_${s}`;
  return {
    value: c('value'), lo: kind === 'date' ? c('dlo') : c('lo'), hi: kind === 'date' ? c('dhi') : c('hi'), system: c('system'), code: c('code'),
    norm: c('code'), canon_value: c('canon_value'), canon_code: c('canon_code'), uri: c('code'),
  };
};

type Templates = Record<Prefix, string | string[]>;
const T = PREFIXES as unknown as { number: Templates; range: Templates; date: Templates };

/**
 * Fills a prefix template: {v}/{lo}/{hi} are columns, {sv}/{slo}/{shi}/{alo}/{ahi} parameters.
 * Returns the alternatives (ORed by the caller), each an AND of tests one index can answer.
 */
function fill(tpl: string | string[], cols: Record<string, string>, vals: Record<string, string>, p: SqlParams, cast: string): string[] {
  const memo: Record<string, string> = {};
  return (Array.isArray(tpl) ? tpl : [tpl]).map((t) => t.replace(/\{(\w+)\}/g, (_, k: string) => cols[k] ?? (memo[k] ??= p.add(vals[k], cast))));
}

/** Alternatives as one predicate. */
const anyOf = (alts: string[]) => (alts.length === 1 ? alts[0] : `(${alts.map((a) => `(${a})`).join(' OR ')})`);

const approx = (value: string, lo: string, hi: string) => {
  const v = Number(value), d = Math.abs(v) * 0.1;
  return { sv: value, slo: lo, shi: hi, alo: String(v - d), ahi: String(v + d) };
};

function dateCond(v: Extract<Value, { k: 'date' }>, lo: string, hi: string, p: SqlParams): string[] {
  let vals: Record<string, string> = { slo: v.lo, shi: v.hi };
  if (v.prefix === 'ap') {
    // "Approximately": the search range widened by 10% of its distance from now.
    const l = Date.parse(v.lo), h = Date.parse(v.hi), gap = Math.abs(Date.now() - l) * 0.1;
    vals = { alo: new Date(l - gap).toISOString(), ahi: new Date(h + gap).toISOString() };
  }
  return fill(T.date[v.prefix], { lo, hi }, vals, p, 'timestamptz');
}

function numberCond(prefix: Prefix, n: { value: string; lo: string; hi: string }, col: string, p: SqlParams): string {
  return anyOf(fill(T.number[prefix], { v: col }, approx(n.value, n.lo, n.hi), p, 'numeric'));
}

function quantityCond(v: Extract<Value, { k: 'quantity' }>, c: Cols, a: string, p: SqlParams, withRanges: boolean): string[] {
  const col = (k: string) => `${a}.${c[k]}`;
  const units: string[] = [];
  if (v.system) units.push(`${col('system')} = ${p.add(v.system)}`);
  // number||code matches the unit code or, without a system, the human unit too.
  if (v.code) units.push(c.unit && !v.system ? `(${col('code')} = ${p.add(v.code)} OR ${col('unit')} = ${p.add(v.code)})` : `${col('code')} = ${p.add(v.code)}`);
  const alts = [[numberCond(v.prefix, v, col('value'), p), ...units].join(' AND ')];
  // A stored Range (value null) is compared through its bounds.
  if (withRanges) alts.push([`${col('value')} IS NULL`, anyOf(fill(T.range[v.prefix], { lo: col('lo'), hi: col('hi') }, approx(v.value, v.lo, v.hi), p, 'numeric')), ...units].join(' AND '));
  // UCUM: compare in base units too, so that 1 g matches 1000 mg.
  if (v.canon) alts.unshift(`${col('canon_code')} = ${p.add(v.canon.code)} AND ${numberCond(v.prefix, v.canon, col('canon_value'), p)}`);
  return alts;
}

function tokenCond(v: Extract<Value, { k: 'token' }>, c: Cols, a: string, p: SqlParams): string {
  const col = (k: string) => `${a}.${c[k]}`;
  if (v.text !== undefined) {
    const t = v.text.replace(/[\\%_]/g, '\\$&');
    return `(${col('text')} LIKE ${p.add(t + '%')} OR ${col('text')} LIKE ${p.add('% ' + t + '%')})`;
  }
  const parts: string[] = [];
  if (v.code !== undefined) parts.push(`${col('code')} = ${p.add(v.code)}`);
  if (v.system === null) parts.push(`${col('system')} IS NULL`);
  else if (v.system !== undefined) parts.push(`${col('system')} = ${p.add(v.system)}`);
  if (v.typeCode !== undefined) parts.push(`${col('type_code')} = ${p.add(v.typeCode)}`);
  if (v.typeSystem !== undefined) parts.push(`${col('type_system')} = ${p.add(v.typeSystem)}`);
  return parts.join(' AND ');
}

/** `prefix%` as a range, which a B-tree under COLLATE "C" answers directly. */
function startsWith(col: string, s: string, p: SqlParams): string {
  return `${col} >= ${p.add(s)} AND ${col} < ${p.add(s + '\u{10FFFF}')}`;
}

function stringCond(v: Extract<Value, { k: 'string' }>, c: Cols, a: string, p: SqlParams, modifier?: string): string {
  if (modifier === 'exact') return `${a}.${c.exact} = ${p.add(v.text)}`;
  if (modifier === 'contains' || modifier === 'text') return `${a}.${c.norm} LIKE ${p.add('%' + v.text.replace(/[\\%_]/g, '\\$&') + '%')}`;
  return startsWith(`${a}.${c.norm}`, v.text, p);
}

function uriCond(v: Extract<Value, { k: 'uri' }>, c: Cols, a: string, p: SqlParams, modifier?: string): string {
  const col = `${a}.${c.uri}`;
  if (modifier === 'below') return startsWith(col, v.uri, p);
  if (modifier === 'above') {
    // Every stored uri that is a path prefix of the value: enumerate those prefixes.
    const prefixes: string[] = [];
    const start = v.uri.includes('//') ? v.uri.indexOf('//') + 2 : 0;
    for (let j = start; j < v.uri.length; j++) if (v.uri[j] === '/') prefixes.push(v.uri.slice(0, j), v.uri.slice(0, j + 1));
    prefixes.push(v.uri);
    return `${col} = ANY(${p.add([...new Set(prefixes)], 'text[]')})`;
  }
  return `${col} = ${p.add(v.uri)}`;
}

function referenceCond(v: Extract<Value, { k: 'reference' }>, a: string, p: SqlParams, baseUrl: string): string[] {
  if (v.identifier) {
    const parts: string[] = [];
    if (v.identifier.value !== undefined) parts.push(`${a}.ident_value = ${p.add(v.identifier.value)}`);
    if (v.identifier.system === null) parts.push(`${a}.ident_system IS NULL`);
    else if (v.identifier.system !== undefined) parts.push(`${a}.ident_system = ${p.add(v.identifier.system)}`);
    return [parts.join(' AND ')];
  }
  if (v.url) return [`${a}.url = ${p.add(v.url)}`];
  const local = `${a}.target_id = ${p.add(v.id)}${v.type ? ` AND ${a}.target_type = ${p.add(v.type)}` : ''}`;
  // A reference written as an absolute URL to this server is the same target.
  return v.type ? [local, `${a}.url = ${p.add(`${baseUrl}/${v.type}/${v.id}`)}`] : [local];
}

/** Composite reference components store 'Type/id' (or the url) in ci_code, the type in ci_system. */
function compositeRefCond(v: Extract<Value, { k: 'reference' }>, c: Cols, a: string, p: SqlParams): string {
  if (v.url) return `${a}.${c.code} = ${p.add(v.url)}`;
  if (v.type) return `${a}.${c.code} = ${p.add(`${v.type}/${v.id}`)}`;
  return `${a}.${c.code} LIKE ${p.add('%/' + (v.id ?? '').replace(/[\\%_]/g, '\\$&'))}`;
}

/** The alternatives (ORed) that match one value. */
function valueAlts(v: Value, c: Cols, a: string, p: SqlParams, ctx: { modifier?: string; baseUrl: string; composite?: boolean }): string[] {
  switch (v.k) {
    case 'number': return [numberCond(v.prefix, v, `${a}.${c.value}`, p)];
    case 'date': return dateCond(v, `${a}.${c.lo}`, `${a}.${c.hi}`, p);
    case 'string': return [stringCond(v, c, a, p, ctx.modifier)];
    case 'token': return [tokenCond(v, c, a, p)];
    case 'quantity': return quantityCond(v, c, a, p, !ctx.composite);
    case 'reference': return ctx.composite ? [compositeRefCond(v, c, a, p)] : referenceCond(v, a, p, ctx.baseUrl);
    case 'uri': return [uriCond(v, c, a, p, ctx.modifier)];
    case 'composite': return [v.parts.map((part, i) => anyOf(valueAlts(part, componentCols(i + 1, part.k as SearchParamType), a, p, { ...ctx, composite: true }))).join(' AND ')];
  }
}

const typeFilter = (col: string, types: string[], p: SqlParams) => (types.length === 1 ? `${col} = ${p.add(types[0])}` : `${col} = ANY(${p.add(types, 'text[]')})`);

export interface BuildContext { baseUrl: string; p: SqlParams; depth: number }

/** The predicate of one clause on resource alias `r`. */
export function clauseSql(cl: Clause, r: string, ctx: BuildContext): string {
  const { p } = ctx;
  const i = `i${ctx.depth}`;
  const key = (code: string, types: string[]) => `${typeFilter(`${i}.rtype`, types, p)} AND ${i}.param = ${p.add(code)}`;
  switch (cl.kind) {
    case 'id': {
      const test = `${r}.id = ANY(${p.add(cl.ids, 'text[]')})`;
      return cl.not ? `NOT (${test})` : test;
    }
    case 'lastUpdated': {
      const col = `${r}.last_updated`;
      return anyOf(cl.values.flatMap((v) => dateCond(v, col, col, p)));
    }
    case 'missing': {
      const has = `SELECT 1 FROM ${TABLE[cl.ptype]} ${i} WHERE ${i}.rid = ${r}.rid AND ${key(cl.code, cl.types)}`;
      return cl.missing ? `NOT EXISTS (${has})` : `EXISTS (${has})`;
    }
    case 'param': {
      const alts = cl.values.flatMap((v) => valueAlts(v, MAIN_COLS, i, p, { modifier: cl.modifier, baseUrl: ctx.baseUrl }));
      const k = key(cl.code, cl.types);
      if (cl.modifier === 'not') {
        // :not keeps resources without any matching code, including those without the element.
        return `NOT EXISTS (SELECT 1 FROM idx_token ${i} WHERE ${i}.rid = ${r}.rid AND ${k} AND ${anyOf(alts)})`;
      }
      // Alternatives stay flat ANDs so that an OR of them is a BitmapOr of index scans (a UNION
      // would hide the rid from the planner and force hashing every row of a wide alternative).
      return `${r}.rid IN (SELECT ${i}.rid FROM ${TABLE[cl.ptype]} ${i} WHERE ${k} AND ${anyOf(alts)})`;
    }
    case 'chain': {
      const t = `t${ctx.depth}`;
      const inner = clauseSql(cl.inner, t, { ...ctx, depth: ctx.depth + 1 });
      return `${r}.rid IN (SELECT ${i}.rid FROM idx_reference ${i} JOIN resource ${t} ON ${t}.type = ${i}.target_type AND ${t}.id = ${i}.target_id
        WHERE ${key(cl.code, cl.types)} AND ${typeFilter(`${t}.type`, cl.targetTypes, p)} AND NOT ${t}.deleted AND ${inner})`;
    }
    case 'has': {
      const h = `h${ctx.depth}`;
      const inner = clauseSql(cl.inner, h, { ...ctx, depth: ctx.depth + 1 });
      return `(${r}.type, ${r}.id) IN (SELECT ${i}.target_type, ${i}.target_id FROM idx_reference ${i} JOIN resource ${h} ON ${h}.rid = ${i}.rid
        WHERE ${key(cl.refParam, [cl.sourceType])} AND NOT ${h}.deleted AND ${inner})`;
    }
  }
}

/** WHERE text for the main query over `r` (types, not deleted, every clause ANDed). */
export function whereSql(types: string[], clauses: Clause[], baseUrl: string, p: SqlParams): string {
  const parts = [typeFilter('r.type', types, p), 'NOT r.deleted', ...clauses.map((c) => clauseSql(c, 'r', { baseUrl, p, depth: 0 }))];
  return parts.join('\n  AND ');
}

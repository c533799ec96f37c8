// AuditEvent search over audit_event (not the resource index tables). Results come in chain
// order, which is date order (recorded never decreases along the chain), and page with a
// keyset cursor on the position, so pages never shift while new records are appended.
import type { AuditEvent, Bundle, BundleEntry, BundleLink } from 'fhir/r4';
import { dateRange } from '../../fhir/date-range.js';
import { badRequest, outcome } from '../../fhir/errors.js';
import type { Queryable } from '../../store/db.js';
import { patientId } from './build-event.js';

export interface AuditSearchContext {
  baseUrl: string;
  defaultCount: number;
  maxCount: number;
  handling: 'strict' | 'lenient';
}

/** The search parameters of AuditEvent that audit_event answers (all R4 core names). */
export const AUDIT_SEARCH_PARAMS = ['date', 'patient', 'entity', 'agent', 'subtype', 'action', 'outcome', 'address', '_id'] as const;
const SUPPORTED = new Set<string>(AUDIT_SEARCH_PARAMS);
/** Paging parameter: an opaque cursor on the chain position of the last record served. */
const CURSOR = '_cursor';
/** Result parameters handled here or at the HTTP door (_summary other than count, _elements). */
const CONTROL = new Set(['_count', '_sort', '_total', '_summary', '_elements', '_format', '_pretty', CURSOR]);
const DOOR = new Set(['_format', '_pretty']);
const OUTCOMES = new Set(['0', '4', '8', '12']);
const encodeCursor = (pos: number) => Buffer.from(`a${pos}`).toString('base64url');
function decodeCursor(s: string): number {
  const m = /^a(\d{1,15})$/.exec(Buffer.from(s, 'base64url').toString());
  if (!m) throw badRequest(`Invalid ${CURSOR} "${s.slice(0, 40)}"`, [CURSOR]);
  return Number(m[1]);
}

class Sql {
  readonly where: string[] = [];
  readonly values: unknown[] = [];
  param(v: unknown): string {
    this.values.push(v);
    return `$${this.values.length}`;
  }
}

/** 'Type/id', an absolute URL on this server, or a bare id (patient) → the stored form. */
function localRef(value: string, baseUrl: string): string {
  return value.startsWith(`${baseUrl}/`) ? value.slice(baseUrl.length + 1) : value;
}

/** recorded (an instant) against the search value's range [lo, hi] (search.html#prefix). */
const DATE_SQL: Record<string, { bound: 'lo' | 'hi' | 'both'; sql: (lo: string, hi: string) => string }> = {
  eq: { bound: 'both', sql: (lo, hi) => `(recorded >= ${lo} AND recorded <= ${hi})` },
  ne: { bound: 'both', sql: (lo, hi) => `NOT (recorded >= ${lo} AND recorded <= ${hi})` },
  gt: { bound: 'hi', sql: (_lo, hi) => `recorded > ${hi}` },
  sa: { bound: 'hi', sql: (_lo, hi) => `recorded > ${hi}` },
  ge: { bound: 'lo', sql: (lo) => `recorded >= ${lo}` },
  lt: { bound: 'lo', sql: (lo) => `recorded < ${lo}` },
  eb: { bound: 'lo', sql: (lo) => `recorded < ${lo}` },
  le: { bound: 'hi', sql: (_lo, hi) => `recorded <= ${hi}` },
};

function addClause(sql: Sql, name: string, values: string[], baseUrl: string): void {
  switch (name) {
    case 'date': {
      const ors = values.map((v) => {
        const m = /^(eq|ne|gt|lt|ge|le|sa|eb|ap)?(.+)$/.exec(v)!;
        const prefix = m[1] ?? 'eq';
        if (prefix === 'ap') throw badRequest('date: the ap prefix is not supported on AuditEvent', ['date']);
        const r = dateRange(m[2], 'date');
        const op = DATE_SQL[prefix];
        // Only the bounds the SQL uses become parameters: PostgreSQL rejects unused ones.
        const lo = op.bound === 'hi' ? '' : `${sql.param(r.lo)}::timestamptz`;
        const hi = op.bound === 'lo' ? '' : `${sql.param(r.hi)}::timestamptz`;
        return op.sql(lo, hi);
      });
      sql.where.push(`(${ors.join(' OR ')})`);
      return;
    }
    case 'patient':
      sql.where.push(`patient && ${sql.param(values.map((v) => patientId(localRef(v, baseUrl))))}::text[]`);
      return;
    case 'entity':
      sql.where.push(`entity && ${sql.param(values.map((v) => localRef(v, baseUrl)))}::text[]`);
      return;
    case 'agent': {
      const p = sql.param(values);
      sql.where.push(`(client_id = ANY(${p}::text[]) OR subject = ANY(${p}::text[]))`);
      return;
    }
    case 'subtype':
    case 'action': {
      // Tokens: 'code' or 'system|code'; the column holds the code.
      sql.where.push(`${name} = ANY(${sql.param(values.map((v) => v.slice(v.lastIndexOf('|') + 1)))}::text[])`);
      return;
    }
    case 'outcome': {
      const codes = values.map((v) => v.slice(v.lastIndexOf('|') + 1));
      const bad = codes.find((c) => !OUTCOMES.has(c));
      if (bad !== undefined) throw badRequest(`outcome must be 0, 4, 8 or 12, not "${bad.slice(0, 20)}"`, ['outcome']);
      sql.where.push(`outcome = ANY(${sql.param(codes.map(Number))}::int[])`);
      return;
    }
    case 'address':
      sql.where.push(`address = ANY(${sql.param(values)}::text[])`);
      return;
    case '_id':
      sql.where.push(`id = ANY(${sql.param(values)}::text[])`);
      return;
  }
}

function countParam(raw: string | undefined, ctx: AuditSearchContext): number {
  if (raw === undefined) return Math.min(ctx.defaultCount, ctx.maxCount);
  if (!/^\d+$/.test(raw)) throw badRequest(`_count must be a non-negative integer, not "${raw.slice(0, 40)}"`, ['_count']);
  return Math.min(Number(raw), ctx.maxCount);
}

function searchUrl(baseUrl: string, params: [string, string][]): string {
  const qs = new URLSearchParams(params).toString();
  return `${baseUrl}/AuditEvent${qs ? `?${qs}` : ''}`;
}

export async function searchAuditEvents(q: Queryable, query: [string, string][], ctx: AuditSearchContext): Promise<Bundle> {
  const params = query.filter(([k]) => !DOOR.has(k));
  const sql = new Sql();
  const ignored: string[] = [];
  for (const [rawName, value] of params) {
    const [name, modifier] = rawName.split(':');
    if (CONTROL.has(rawName)) continue;
    if (!SUPPORTED.has(name)) {
      if (ctx.handling === 'strict') throw badRequest(`Unknown or unsupported AuditEvent search parameter ${rawName.slice(0, 60)}`, [rawName]);
      ignored.push(rawName);
      continue;
    }
    if (modifier !== undefined) throw badRequest(`The modifier :${modifier.slice(0, 30)} is not supported on AuditEvent ${name}`, [rawName]);
    const values = value.split(',').map((v) => v.trim()).filter(Boolean);
    if (values.length) addClause(sql, name, values, ctx.baseUrl);
  }
  const get = (k: string) => params.find(([n]) => n === k)?.[1];
  const count = countParam(get('_count'), ctx);
  const sort = get('_sort') ?? '-date';
  if (sort !== 'date' && sort !== '-date') throw badRequest(`AuditEvent sorts by date or -date, not "${sort.slice(0, 40)}"`, ['_sort']);
  const desc = sort === '-date';
  const totalMode = get('_total') ?? 'default';
  const summaryCount = get('_summary') === 'count';
  const cursorRaw = get(CURSOR);
  const after = cursorRaw === undefined ? undefined : decodeCursor(cursorRaw);
  const where = sql.where.length ? sql.where.join(' AND ') : 'true';
  const countOf = async () => Number((await q.query<{ n: number | string }>(`SELECT count(*) AS n FROM audit_event WHERE ${where}`, sql.values)).rows[0].n);

  const used = params.filter(([k]) => !ignored.includes(k));
  const link: BundleLink[] = [{ relation: 'self', url: searchUrl(ctx.baseUrl, used) }];
  const notes: BundleEntry[] = ignored.length
    ? [{ resource: outcome(ignored.map((n) => ({ severity: 'warning', code: 'not-supported', diagnostics: `Unknown search parameter ${n} was ignored`, expression: [n] }))), search: { mode: 'outcome' } }]
    : [];
  if (summaryCount || count === 0) {
    const total = totalMode === 'none' && !summaryCount ? undefined : await countOf();
    return searchset(total, link, notes);
  }

  const pageValues = [...sql.values];
  const keyset = after === undefined ? '' : ` AND pos ${desc ? '<' : '>'} $${pageValues.push(after)}`;
  const { rows } = await q.query<{ pos: number | string; resource: AuditEvent | string }>(
    `SELECT pos, resource FROM audit_event WHERE ${where}${keyset} ORDER BY pos ${desc ? 'DESC' : 'ASC'} LIMIT ${count + 1}`,
    pageValues,
  );
  const page = rows.slice(0, count);
  const more = rows.length > count;
  let total: number | undefined;
  if (totalMode === 'accurate' || totalMode === 'estimate') total = await countOf();
  else if (totalMode !== 'none' && !more && after === undefined) total = page.length;
  const firstParams = used.filter(([k]) => k !== CURSOR);
  if (more || after !== undefined) link.push({ relation: 'first', url: searchUrl(ctx.baseUrl, firstParams) });
  if (more) link.push({ relation: 'next', url: searchUrl(ctx.baseUrl, [...firstParams, [CURSOR, encodeCursor(Number(page[page.length - 1].pos))]]) });
  const entries: BundleEntry[] = page.map((r) => {
    const resource = typeof r.resource === 'string' ? (JSON.parse(r.resource) as AuditEvent) : r.resource;
    return { fullUrl: `${ctx.baseUrl}/AuditEvent/${resource.id}`, resource, search: { mode: 'match' } };
  });
  return searchset(total, link, [...notes, ...entries]);
}

function searchset(total: number | undefined, link: BundleLink[], entry: BundleEntry[]): Bundle {
  return { resourceType: 'Bundle', type: 'searchset', ...(total === undefined ? {} : { total }), link, entry };
}

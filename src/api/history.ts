// History at instance, type and system level, with _since, _at, _count and cursor paging.
// New versions sort first, so a cursor over (last_updated, rid, version) descending keeps
// later pages stable while data changes.
import type { Bundle, BundleEntry, Resource } from 'fhir/r4';
import { badRequest, notFound } from '../fhir/errors.js';
import { currentRow } from '../store/resource-store.js';
import { dateRange } from '../fhir/date-range.js';
import type { Call } from './types.js';

interface Cursor { t: string; rid: number; v: number }

const encodeCursor = (c: Cursor) => Buffer.from(`${c.t}~${c.rid}~${c.v}`).toString('base64url');
function decodeCursor(s: string): Cursor {
  const [t, rid, v] = Buffer.from(s, 'base64url').toString().split('~');
  if (!t || Number.isNaN(Date.parse(t)) || !/^\d+$/.test(rid ?? '') || !/^\d+$/.test(v ?? '')) throw badRequest('Invalid _page cursor', ['_page']);
  return { t, rid: Number(rid), v: Number(v) };
}

const STATUS: Record<string, string> = { POST: '201 Created', PUT: '200 OK', PATCH: '200 OK', DELETE: '204 No Content' };

export async function history(call: Call, type?: string, id?: string): Promise<Bundle<Resource>> {
  const { config, db } = call.ctx;
  const q = call.tx ?? db;
  const where: string[] = [];
  const args: unknown[] = [];
  const arg = (v: unknown) => `$${args.push(v)}`;
  let count = config.defaultCount;
  const passOn: [string, string][] = [];
  for (const [k, v] of call.req.query) {
    if (k === '_count') {
      count = Number(v);
      if (!Number.isInteger(count) || count < 0) throw badRequest(`_count must be a non-negative integer, got "${v}"`, ['_count']);
      count = Math.min(count, config.maxCount);
    } else if (k === '_since') {
      if (Number.isNaN(Date.parse(v))) throw badRequest(`_since must be an instant, got "${v}"`, ['_since']);
      where.push(`v.last_updated >= ${arg(dateRange(v).lo)}`);
      passOn.push([k, v]);
    } else if (k === '_at') {
      const r = dateRange(v, '_at');
      where.push(`v.last_updated <= ${arg(r.hi)}`);
      where.push(`COALESCE((SELECT n.last_updated FROM resource_version n WHERE n.rid = v.rid AND n.version = v.version + 1), 'infinity') > ${arg(r.lo)}`);
      passOn.push([k, v]);
    } else if (k === '_page') {
      const c = decodeCursor(v);
      where.push(`(v.last_updated, v.rid, v.version) < (${arg(c.t)}::timestamptz, ${arg(c.rid)}::bigint, ${arg(c.v)}::int)`);
    } else if (k === '_format' || k === '_pretty' || k === '_summary' || k === '_elements') {
      passOn.push([k, v]);
    }
  }
  if (type && id) {
    const row = await currentRow(q, type, id);
    if (!row) throw notFound(`${type}/${id} is not known`);
    where.push(`v.rid = ${arg(row.rid)}`);
  } else if (type) {
    where.push(`v.type = ${arg(type)}`);
  }
  const { rows } = await q.query<{ rid: number; type: string; id: string; version: number; last_updated: Date | string; method: string; deleted: boolean; content: string | null }>(
    `SELECT v.rid, v.type, v.id, v.version, v.last_updated, v.method, v.deleted, v.content FROM resource_version v
      ${where.length ? 'WHERE ' + where.join(' AND ') : ''}
      ORDER BY v.last_updated DESC, v.rid DESC, v.version DESC LIMIT ${arg(count + 1)}`,
    args,
  );
  const page = rows.slice(0, count);
  const base = config.baseUrl;
  const self = [base, type, id, '_history'].filter(Boolean).join('/');
  const qs = (extra: [string, string][]) => {
    const p = new URLSearchParams([...passOn, ['_count', String(count)], ...extra]);
    return `${self}?${p}`;
  };
  const link: Bundle['link'] = [{ relation: 'self', url: call.req.query.length ? `${self}?${new URLSearchParams(call.req.query)}` : self }];
  if (rows.length > count && page.length) {
    const last = page[page.length - 1];
    link.push({ relation: 'next', url: qs([['_page', encodeCursor({ t: new Date(last.last_updated).toISOString(), rid: Number(last.rid), v: last.version })]]) });
  }
  return {
    resourceType: 'Bundle',
    type: 'history',
    link,
    entry: page.map((r): BundleEntry<Resource> => {
      const lastModified = new Date(r.last_updated).toISOString();
      return {
        fullUrl: `${base}/${r.type}/${r.id}`,
        ...(r.content ? { resource: JSON.parse(r.content) as Resource } : {}),
        request: { method: r.method as 'POST', url: r.method === 'POST' ? r.type : `${r.type}/${r.id}` },
        response: { status: STATUS[r.method] ?? '200 OK', etag: `W/"${r.version}"`, lastModified },
      };
    }),
  };
}

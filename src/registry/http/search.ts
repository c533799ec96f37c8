// Search over the registry's FHIR view: parameters as data (search-parameters.json) turned into SQL
// over registry_person / registry_case; restricted persons are always left out.
import type { Bundle, Resource } from 'fhir/r4';
import { badRequest } from '../../fhir/errors.js';
import type { Queryable } from '../../store/db.js';
import PARAMS from './search-parameters.json' with { type: 'json' };
import { bodyStructureOf, conditionOf, patientOf, provenanceOf, type CaseRow, type PersonRow } from './resources.js';

export const REGISTRY_TYPES = ['Patient', 'Condition', 'BodyStructure', 'Provenance'] as const;
export type RegistryType = (typeof REGISTRY_TYPES)[number];
interface ParamDef { column: string; kind: 'string' | 'gender' | 'year' | 'reference' | 'token' | 'date'; target?: string; system?: string }

const RESULT = ['_count', '_offset', '_total', '_format', '_pretty'];
const MAX_COUNT = 1000;
const GENDER: Record<string, string> = { male: 'M', female: 'F' };
const DATE = /^(eq|ne|lt|le|gt|ge)?(\d{4}(?:-\d{2}(?:-\d{2})?)?)$/;

const bad = (msg: string, expression?: string) => badRequest(msg, expression ? [expression] : undefined);

/** One value's SQL condition (values of one parameter are ORed, parameters ANDed). */
function condition(name: string, def: ParamDef, value: string, args: unknown[]): string {
  const arg = (v: unknown) => `$${args.push(v)}`;
  switch (def.kind) {
    case 'string': return `${def.column} = ${arg(value)}`;
    case 'gender': {
      if (!GENDER[value]) throw bad(`${name}: male or female (the registry records no other)`, name);
      return `${def.column} = ${arg(GENDER[value])}`;
    }
    case 'year': {
      if (!/^\d{4}$/.test(value)) throw bad(`${name}: the registry view exposes birth years only (YYYY)`, name);
      return `${def.column} = ${arg(value)}`;
    }
    case 'reference': {
      const m = /^(?:([A-Za-z]+)\/)?([A-Za-z0-9\-.]{1,64})$/.exec(value);
      if (!m || (m[1] && !def.target!.split('|').includes(m[1]))) throw bad(`${name}: a reference to ${def.target} is expected, not ${JSON.stringify(value)}`, name);
      return `${def.column} = ${arg(m[2])}`;
    }
    case 'token': {
      const [system, code] = value.includes('|') ? value.split('|', 2) : [undefined, value];
      if (system && system !== def.system) return 'false';
      if (!code) throw bad(`${name}: a code is needed`, name);
      return `${def.column} = ${arg(code)}`;
    }
    case 'date': {
      const m = DATE.exec(value);
      if (!m) throw bad(`${name}: [prefix]YYYY[-MM[-DD]] expected, not ${JSON.stringify(value)}`, name);
      const [, prefix = 'eq', d] = m;
      const col = def.column;
      if (prefix === 'eq') return `${col} LIKE ${arg(`${d}%`)}`;
      if (prefix === 'ne') return `${col} NOT LIKE ${arg(`${d}%`)}`;
      const op = { lt: '<', le: '<=', gt: '>', ge: '>=' }[prefix]!;
      // A partial date covers its whole period: le/gt compare with its end.
      return prefix === 'le' || prefix === 'gt' ? `${col} ${op} ${arg(`${d}\uffff`)}` : `${col} ${op} ${arg(d)}`;
    }
  }
}

export interface SearchResult { resources: Resource[]; total: number; count: number; offset: number }

export async function searchRegistry(q: Queryable, type: RegistryType, query: [string, string][], restricted: Set<string>): Promise<SearchResult> {
  const defs = (PARAMS as unknown as Record<string, Record<string, ParamDef>>)[type];
  const args: unknown[] = [[...restricted]];
  const where = [type === 'Patient' ? 'NOT (p.person_key = ANY($1))' : 'NOT (c.person_key = ANY($1))'];
  let count = 20, offset = 0;
  for (const [name, value] of query) {
    if (name === '_count') count = Math.min(MAX_COUNT, intParam(name, value));
    else if (name === '_offset') offset = intParam(name, value);
    else if (RESULT.includes(name)) continue;
    else {
      const def = defs[name];
      if (!def) throw bad(`Unknown search parameter ${name} for registry ${type} (supported: ${Object.keys(defs).join(', ')})`, name);
      where.push(`(${value.split(',').map((v) => condition(name, def, v, args)).join(' OR ')})`);
    }
  }
  const table = type === 'Patient' ? 'registry_person p' : 'registry_case c';
  const order = type === 'Patient' ? 'p.person_key' : 'c.id';
  const cols = type === 'Patient' ? 'p.person_key, p.sex, p.birth_date, p.departement' : 'c.id, c.person_key, c.tumour, c.updated_at';
  const sqlWhere = where.join(' AND ');
  const { rows: totalRows } = await q.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table} WHERE ${sqlWhere}`, args);
  const { rows } = await q.query(`SELECT ${cols} FROM ${table} WHERE ${sqlWhere} ORDER BY ${order} LIMIT ${count} OFFSET ${offset}`, args);
  return { resources: rows.map((r) => toResource(type, r)), total: Number(totalRows[0].n), count, offset };
}

function intParam(name: string, value: string): number {
  if (!/^\d{1,9}$/.test(value)) throw bad(`${name}: a non-negative integer is expected`, name);
  return Number(value);
}

export function toResource(type: RegistryType, row: unknown): Resource {
  if (type === 'Patient') return patientOf(row as PersonRow);
  const c = row as CaseRow;
  const tumour = typeof c.tumour === 'string' ? JSON.parse(c.tumour) : c.tumour;
  const r = { ...c, tumour };
  return type === 'Condition' ? conditionOf(r) : type === 'BodyStructure' ? bodyStructureOf(r) : provenanceOf(r);
}

/** A searchset Bundle with self/next/previous links on _offset. */
export function searchBundle(base: string, type: string, query: [string, string][], r: SearchResult): Bundle<Resource> {
  const keep = query.filter(([k]) => k !== '_offset' && k !== '_count');
  const url = (offset: number) => `${base}/${type}?${new URLSearchParams([...keep, ['_count', String(r.count)], ['_offset', String(offset)]]).toString()}`;
  const link = [{ relation: 'self', url: url(r.offset) }];
  if (r.offset + r.count < r.total) link.push({ relation: 'next', url: url(r.offset + r.count) });
  if (r.offset > 0) link.push({ relation: 'previous', url: url(Math.max(0, r.offset - r.count)) });
  return {
    resourceType: 'Bundle', type: 'searchset', total: r.total, link,
    entry: r.resources.map((res) => ({ fullUrl: `${base}/${res.resourceType}/${res.id}`, resource: res, search: { mode: 'match' as const } })),
  };
}

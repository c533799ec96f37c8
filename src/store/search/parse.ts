// Search parameters → typed SearchQuery (ast.ts). Every malformed value, unknown modifier or
// impossible chain is a 400 naming the parameter; unknown parameters follow Prefer: handling.
import { allResourceTypes, isResourceType } from '../../fhir/definitions.js';
import { badRequest } from '../../fhir/errors.js';
import { getSearchParam, getSearchParamByUrl, type SearchParamDef, type SearchParamType } from '../../fhir/search-params.js';
import type { Clause, IncludeSpec, SearchQuery, SortKey, Value } from './ast.js';
import MODIFIERS from './modifiers.json' with { type: 'json' };
import { parseDate, parseValue, splitEscaped } from './values.js';

export interface ParseOptions {
  baseUrl: string;
  defaultCount: number;
  maxCount: number;
  handling: 'strict' | 'lenient';
}

/** Parameters applied outside the SQL (HTTP layer or paging): accepted and left alone. */
const PASSED_THROUGH = new Set(['_elements', '_format', '_pretty', '_getpages', '_offset']);
const TOTALS = new Set(['none', 'estimate', 'accurate']);
const SUMMARIES = new Set(['true', 'false', 'text', 'data', 'count']);
/** Kinds whose index has no rows: cannot be searched (special: _text, _content, near…). */
const SEARCHABLE = new Set<SearchParamType>(['number', 'date', 'string', 'token', 'reference', 'quantity', 'uri', 'composite']);

export function parseSearch(type: string | undefined, params: [string, string][], opts: ParseOptions): SearchQuery {
  const typeParam = params.filter(([k]) => k === '_type').flatMap(([, v]) => v.split(',').map((s) => s.trim()).filter(Boolean));
  if (type && typeParam.length) throw badRequest('_type is only allowed in a system-level search', ['_type']);
  for (const t of typeParam) if (!isResourceType(t)) throw badRequest(`_type: ${t} is not a resource type`, ['_type']);
  if (type && !isResourceType(type)) throw badRequest(`${type} is not a resource type`);
  const types = type ? [type] : typeParam.length ? [...new Set(typeParam)] : allResourceTypes();
  const q: SearchQuery = { types, system: !type, clauses: [], sort: [], include: [], revinclude: [], summaryCount: false, ignored: [] };

  for (const [name, raw] of params) {
    const [code, ...mods] = name.split(':');
    if (name === '_type' || PASSED_THROUGH.has(name)) continue;
    if (code === '_count' && !mods.length) q.count = parseCount(raw, opts);
    else if (code === '_total' && !mods.length) {
      if (!TOTALS.has(raw)) throw badRequest(`_total must be none, estimate or accurate, not "${raw.slice(0, 40)}"`, ['_total']);
      q.total = raw as SearchQuery['total'];
    } else if (code === '_summary' && !mods.length) {
      if (!SUMMARIES.has(raw)) throw badRequest(`_summary must be one of ${[...SUMMARIES].join(', ')}`, ['_summary']);
      q.summaryCount = raw === 'count';
    } else if (code === '_sort' && !mods.length) q.sort.push(...parseSort(types, raw));
    else if (code === '_include' || code === '_revinclude') {
      const iterate = mods.length === 1 && (mods[0] === 'iterate' || mods[0] === 'recurse');
      if (mods.length && !iterate) throw badRequest(`${name}: the only modifier of ${code} is :iterate`, [name]);
      for (const v of raw.split(',').filter(Boolean)) (code === '_include' ? q.include : q.revinclude).push(parseInclude(name, v, iterate, types, code === '_revinclude'));
    } else {
      if (raw === '') continue; // an empty parameter is ignored (search.html#errors)
      const clause = parseClause(types, name, raw, opts);
      if (clause) q.clauses.push(clause);
      else if (opts.handling === 'strict') throw badRequest(`Unknown search parameter ${name} for ${type ?? types.join(', ')}`, [name]);
      else q.ignored.push(name);
    }
  }
  return q;
}

function parseCount(raw: string, opts: ParseOptions): number {
  if (!/^\d+$/.test(raw)) throw badRequest(`_count must be a non-negative integer, not "${raw.slice(0, 40)}"`, ['_count']);
  return Math.min(Number(raw), opts.maxCount);
}

/** Definitions of `code` on the given types (only the types that have it). */
function defsOf(types: string[], code: string): { def: SearchParamDef; types: string[] } | undefined {
  const found = types.map((t) => getSearchParam(t, code)).filter((d): d is SearchParamDef => !!d);
  if (!found.length) return undefined;
  const def = found[0];
  return { def, types: found.filter((d) => d.type === def.type).map((d) => d.resourceType) };
}

function parseClause(types: string[], name: string, raw: string, opts: ParseOptions, shown = name): Clause | undefined {
  if (name.startsWith('_has:')) return parseHas(types, name, raw, opts, shown);
  const dot = name.indexOf('.');
  if (dot > 0) return parseChain(types, name.slice(0, dot), name.slice(dot + 1), raw, opts, shown);
  const [code, modifier, ...extra] = name.split(':');
  if (extra.length) throw badRequest(`Parameter ${shown}: only one modifier is allowed`, [shown]);
  const values = () => splitEscaped(raw, ',').filter((v) => v !== '');

  if (code === '_id') {
    if (modifier && modifier !== 'not') throw badRequest(`Parameter ${shown}: modifier :${modifier} is not supported on _id`, [shown]);
    return { kind: 'id', name: shown, types, ids: values(), not: modifier === 'not' };
  }
  if (code === '_lastUpdated') {
    if (modifier) throw badRequest(`Parameter ${shown}: modifier :${modifier} is not supported on _lastUpdated`, [shown]);
    return { kind: 'lastUpdated', name: shown, types, values: values().map((v) => parseDate(v, shown)) };
  }
  const found = defsOf(types, code);
  if (!found || !SEARCHABLE.has(found.def.type) || !found.def.expression) return undefined;
  const { def } = found;
  const base = { name: shown, types: found.types, code, ptype: def.type };

  if (modifier === 'missing') {
    if (raw !== 'true' && raw !== 'false') throw badRequest(`Parameter ${shown}: :missing takes true or false`, [shown]);
    return { kind: 'missing', ...base, missing: raw === 'true' };
  }
  let typeModifier: string | undefined;
  if (modifier && def.type === 'reference' && isResourceType(modifier)) {
    if (def.target && !def.target.includes(modifier)) throw badRequest(`Parameter ${shown}: ${code} cannot refer to a ${modifier}`, [shown]);
    typeModifier = modifier;
  } else if (modifier && !(MODIFIERS as unknown as Record<string, string[]>)[def.type]?.includes(modifier)) {
    throw badRequest(`Parameter ${shown}: modifier :${modifier} is not supported on ${def.type} parameter ${code}`, [shown]);
  }
  if (def.type === 'composite') {
    const componentTypes = compositeTypes(def, shown);
    const parsed = values().map((v): Value => {
      const parts = splitEscaped(v, '$');
      if (parts.length !== componentTypes.length) {
        throw badRequest(`Parameter ${shown}: expected ${componentTypes.length} components separated by $, got "${v.slice(0, 60)}"`, [shown]);
      }
      return { k: 'composite', parts: parts.map((p, i) => parseValue(componentTypes[i], p, shown, { baseUrl: opts.baseUrl })) };
    });
    return { kind: 'param', ...base, values: parsed, componentTypes };
  }
  const parsed = values().map((v) => parseValue(def.type, v, shown, { modifier: typeModifier ?? modifier, baseUrl: opts.baseUrl }));
  // :[type] is carried by the values (Type/id); keep only real modifiers on the clause.
  return { kind: 'param', ...base, modifier: typeModifier ? undefined : modifier, values: parsed };
}

function compositeTypes(def: SearchParamDef, shown: string): SearchParamType[] {
  return (def.component ?? []).map((c) => {
    const sp = getSearchParamByUrl(c.definition);
    if (!sp) throw badRequest(`Parameter ${shown}: component ${c.definition} is not a known SearchParameter`, [shown]);
    return sp.type as SearchParamType;
  });
}

function parseChain(types: string[], head: string, rest: string, raw: string, opts: ParseOptions, shown: string): Clause {
  const [code, typeMod, ...extra] = head.split(':');
  const found = defsOf(types, code);
  if (!found || found.def.type !== 'reference') throw badRequest(`Parameter ${shown}: ${code} is not a reference parameter of ${types.join(', ')}, so it cannot be chained`, [shown]);
  if (extra.length || (typeMod && !isResourceType(typeMod))) throw badRequest(`Parameter ${shown}: a chained reference takes only a resource type modifier`, [shown]);
  const nextCode = rest.startsWith('_has:') ? undefined : rest.split(/[.:]/)[0];
  const candidates = typeMod ? [typeMod] : found.def.target ?? allResourceTypes();
  const targetTypes = candidates.filter((t) => !nextCode || nextCode === '_id' || nextCode === '_lastUpdated' || getSearchParam(t, nextCode));
  if (!targetTypes.length) throw badRequest(`Parameter ${shown}: ${nextCode} is not a search parameter of ${candidates.join(', ')}`, [shown]);
  const inner = parseClause(targetTypes, rest, raw, opts, shown);
  if (!inner) throw badRequest(`Parameter ${shown}: ${nextCode} cannot be searched on ${targetTypes.join(', ')}`, [shown]);
  return { kind: 'chain', name: shown, types: found.types, code, targetTypes, inner };
}

function parseHas(types: string[], name: string, raw: string, opts: ParseOptions, shown: string): Clause {
  const [, sourceType, refParam, ...rest] = name.split(':');
  if (!sourceType || !refParam || !rest.length) throw badRequest(`Parameter ${shown}: _has takes the form _has:Type:reference:parameter`, [shown]);
  if (!isResourceType(sourceType)) throw badRequest(`Parameter ${shown}: ${sourceType} is not a resource type`, [shown]);
  const ref = getSearchParam(sourceType, refParam);
  if (!ref || ref.type !== 'reference') throw badRequest(`Parameter ${shown}: ${refParam} is not a reference parameter of ${sourceType}`, [shown]);
  const inner = parseClause([sourceType], rest.join(':'), raw, opts, shown);
  if (!inner) throw badRequest(`Parameter ${shown}: ${rest.join(':')} is not a search parameter of ${sourceType}`, [shown]);
  return { kind: 'has', name: shown, types, sourceType, refParam, inner };
}

const SORTABLE = new Set<SearchParamType>(['number', 'date', 'string', 'token', 'reference', 'quantity', 'uri']);

function parseSort(types: string[], raw: string): SortKey[] {
  return raw.split(',').filter(Boolean).map((item) => {
    const desc = item.startsWith('-');
    const code = desc ? item.slice(1) : item;
    if (code === '_id') return { code, desc, ptype: 'id' };
    if (code === '_lastUpdated') return { code, desc, ptype: 'lastUpdated' };
    const found = defsOf(types, code);
    if (!found || !SORTABLE.has(found.def.type) || !found.def.expression) throw badRequest(`_sort: ${code} is not a sortable search parameter of ${types.length > 3 ? 'these types' : types.join(', ')}`, ['_sort']);
    return { code, desc, ptype: found.def.type };
  });
}

function parseInclude(name: string, value: string, iterate: boolean, types: string[], reverse: boolean): IncludeSpec {
  if (value === '*') return { sourceType: '*', param: '*', iterate };
  const [sourceType, param, targetType, ...extra] = value.split(':');
  if (!sourceType || !param || extra.length) throw badRequest(`${name}: expected Type:parameter[:targetType], not "${value.slice(0, 60)}"`, [name]);
  if (!isResourceType(sourceType)) throw badRequest(`${name}: ${sourceType} is not a resource type`, [name]);
  if (!reverse && !iterate && !types.includes(sourceType)) throw badRequest(`${name}: ${sourceType} is not the type searched`, [name]);
  if (param !== '*' && getSearchParam(sourceType, param)?.type !== 'reference') throw badRequest(`${name}: ${param} is not a reference parameter of ${sourceType}`, [name]);
  if (targetType && !isResourceType(targetType)) throw badRequest(`${name}: ${targetType} is not a resource type`, [name]);
  return { sourceType, param, targetType, iterate };
}

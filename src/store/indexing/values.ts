// Turns one typed value into the rows of its search parameter kind (search.html, per parameter type).
// Values that cannot be indexed (malformed dates, unknown complex types) yield no row.
import { dateRange } from '../../fhir/date-range.js';
import { decimalRange } from './decimal.js';
import { normaliseString } from './normalise.js';
import type { Row } from './tables.js';
import type { TypedValue } from './typed-value.js';
import { UCUM_SYSTEM, ucumCanonical } from './ucum.js';

/** Indexed text columns are cut to this many characters (B-tree entries have a size limit). */
export const MAX_INDEXED_CHARS = 600;
export const CURRENCY_SYSTEM = 'urn:iso:std:iso:4217';

type Obj = Record<string, unknown>;
type Converter = (v: TypedValue, root: Obj) => Row[];

const str = (x: unknown): string | undefined => (typeof x === 'string' && x.length ? x : undefined);
const cut = (s: string | undefined) => (s && s.length > MAX_INDEXED_CHARS ? s.slice(0, MAX_INDEXED_CHARS) : s);
const norm = (s: unknown) => (typeof s === 'string' && s ? cut(normaliseString(s)) || null : null);
const list = (x: unknown): unknown[] => (Array.isArray(x) ? x : x === undefined || x === null ? [] : [x]);

// ---- string

/** The parts of complex types that a string parameter matches. */
const STRING_PARTS: Record<string, string[]> = {
  HumanName: ['family', 'given', 'prefix', 'suffix', 'text'],
  Address: ['line', 'city', 'district', 'state', 'postalCode', 'country', 'text'],
};

function stringRows(v: TypedValue): Row[] {
  const parts = STRING_PARTS[v.type];
  const strings = parts ? parts.flatMap((p) => list((v.value as Obj)[p])) : [v.value];
  const rows: Row[] = [];
  for (const s of strings) {
    const n = norm(s);
    if (n) rows.push({ norm: n, exact: s as string });
  }
  return rows;
}

// ---- token

function codingRow(c: Obj): Row | undefined {
  const system = str(c.system) ?? null, code = cut(str(c.code)) ?? null, text = norm(c.display);
  return system || code || text ? { system, code, text } : undefined;
}

const TOKEN_BY_TYPE: Record<string, (o: Obj) => Row[]> = {
  Coding: (o) => list(codingRow(o)) as Row[],
  CodeableConcept: (o) => {
    const rows = list(o.coding).flatMap((c) => (c && typeof c === 'object' ? list(codingRow(c as Obj)) : [])) as Row[];
    const text = norm(o.text);
    // CodeableConcept.text gets its own row (for :text) unless a coding's display already says it.
    if (text && !rows.some((r) => r.text === text)) rows.push({ system: null, code: null, text });
    return rows;
  },
  Identifier: (o) => {
    const base = { system: str(o.system) ?? null, code: cut(str(o.value)) ?? null, text: norm((o.type as Obj | undefined)?.text) };
    if (!base.system && !base.code) return [];
    const types = list((o.type as Obj | undefined)?.coding).filter((c): c is Obj => !!c && typeof c === 'object' && !!str((c as Obj).code));
    if (!types.length) return [base];
    // One row per Identifier.type coding, for :of-type.
    return types.map((t) => ({ ...base, type_system: str(t.system) ?? null, type_code: str(t.code) ?? null }));
  },
  ContactPoint: (o) => (str(o.value) ? [{ system: null, code: cut(str(o.value)) }] : []),
};

function tokenRows(v: TypedValue): Row[] {
  const byType = TOKEN_BY_TYPE[v.type];
  if (byType) return typeof v.value === 'object' ? byType(v.value as Obj) : [];
  const t = typeof v.value;
  if (t === 'string' || t === 'boolean' || t === 'number') {
    const code = cut(String(v.value));
    return code ? [{ system: null, code }] : [];
  }
  return [];
}

// ---- date

const YMD_RE = /^(\d{4})-(\d{2})-(\d{2})/;

function range(s: unknown): { lo: string; hi: string } | undefined {
  if (typeof s !== 'string') return undefined;
  // Date() rolls 2021-02-30 over to March: reject days the month does not have.
  const ymd = YMD_RE.exec(s);
  if (ymd && new Date(Date.UTC(+ymd[1], +ymd[2] - 1, +ymd[3])).getUTCDate() !== +ymd[3]) return undefined;
  try {
    return dateRange(s);
  } catch {
    return undefined;
  }
}

function periodRow(o: Obj): Row | undefined {
  const start = o.start === undefined ? undefined : range(o.start);
  const end = o.end === undefined ? undefined : range(o.end);
  if ((o.start !== undefined && !start) || (o.end !== undefined && !end) || (!start && !end)) return undefined;
  return { lo: start?.lo ?? '-infinity', hi: end?.hi ?? 'infinity' };
}

const DATE_BY_TYPE: Record<string, (o: Obj) => Row[]> = {
  Period: (o) => list(periodRow(o)) as Row[],
  // Timing: only the outer limits of its events and bounds matter.
  Timing: (o) => {
    const parts = [...list(o.event).map(range), periodRow(((o.repeat as Obj | undefined)?.boundsPeriod as Obj) ?? {})].filter(Boolean) as Row[];
    if (!parts.length) return [];
    const lo = parts.some((p) => p.lo === '-infinity') ? '-infinity' : parts.map((p) => p.lo as string).sort()[0];
    const hi = parts.some((p) => p.hi === 'infinity') ? 'infinity' : parts.map((p) => p.hi as string).sort().at(-1)!;
    return [{ lo, hi }];
  },
};

function dateRows(v: TypedValue): Row[] {
  const byType = DATE_BY_TYPE[v.type];
  if (byType) return typeof v.value === 'object' ? byType(v.value as Obj) : [];
  return list(range(v.value)) as Row[];
}

// ---- number and quantity

function numberRows(v: TypedValue): Row[] {
  if (typeof v.value !== 'number') return [];
  const r = decimalRange(v.value);
  return r ? [{ value: r.value, lo: r.lo, hi: r.hi }] : [];
}

function quantityRow(q: Obj): Row | undefined {
  if (typeof q.value !== 'number') return undefined;
  const r = decimalRange(q.value);
  if (!r) return undefined;
  const system = str(q.system) ?? null, code = str(q.code) ?? null;
  const canon = system === UCUM_SYSTEM && code ? ucumCanonical(code, q.value) : undefined;
  return { value: r.value, lo: r.lo, hi: r.hi, system, code, unit: str(q.unit) ?? null, canon_value: canon?.value ?? null, canon_code: canon?.code ?? null };
}

const QUANTITY_BY_TYPE: Record<string, (o: Obj) => Row[]> = {
  Money: (o) => (typeof o.value === 'number' ? list(quantityRow({ value: o.value, system: CURRENCY_SYSTEM, code: o.currency, unit: o.currency })) as Row[] : []),
  SampledData: (o) => list(o.origin && quantityRow(o.origin as Obj)) as Row[],
  // A Range has no single value: value is null and lo/hi are its bounds (open ends are infinite).
  Range: (o) => {
    const low = o.low as Obj | undefined, high = o.high as Obj | undefined;
    const lo = typeof low?.value === 'number' ? decimalRange(low.value)?.value : undefined;
    const hi = typeof high?.value === 'number' ? decimalRange(high.value)?.value : undefined;
    if (lo === undefined && hi === undefined) return [];
    const u = low ?? high ?? {};
    return [{ value: null, lo: lo ?? '-Infinity', hi: hi ?? 'Infinity', system: str(u.system) ?? null, code: str(u.code) ?? null, unit: str(u.unit) ?? null }];
  },
};

function quantityRows(v: TypedValue): Row[] {
  if (typeof v.value !== 'object') return [];
  const byType = QUANTITY_BY_TYPE[v.type];
  return byType ? byType(v.value as Obj) : (list(quantityRow(v.value as Obj)) as Row[]);
}

// ---- reference and uri

const RELATIVE_RE = /^([A-Z][A-Za-z]+)\/([A-Za-z0-9\-.]{1,64})(?:\/_history\/[A-Za-z0-9\-.]{1,64})?$/;
const ABSOLUTE_RE = /^(.*\/)?([A-Z][A-Za-z]+)\/([A-Za-z0-9\-.]{1,64})(\/_history\/[A-Za-z0-9\-.]{1,64})?$/;

/** Splits a Reference.reference string into the reference columns (see README). */
export function parseReference(ref: string, root?: Obj): Row {
  const rel = RELATIVE_RE.exec(ref);
  if (rel) return { target_type: rel[1], target_id: rel[2], url: null };
  if (ref.startsWith('#')) {
    const c = list(root?.contained).find((x) => (x as Obj)?.id === ref.slice(1)) as Obj | undefined;
    return { target_type: str(c?.resourceType) ?? null, target_id: null, url: ref };
  }
  const abs = ABSOLUTE_RE.exec(ref);
  if (abs && /^[a-z][a-z0-9+.-]*:/i.test(ref)) return { target_type: abs[2], target_id: null, url: cut(ref.slice(0, ref.length - (abs[4]?.length ?? 0))) };
  return { target_type: null, target_id: null, url: cut(ref) };
}

function referenceRows(v: TypedValue, root: Obj): Row[] {
  const val = v.value;
  if (typeof val === 'string') {
    // canonical: the version after `|` is not part of the identity searched.
    const url = v.type === 'canonical' ? val.split('|')[0] : val;
    return url ? [{ target_type: null, target_id: null, url: cut(url) }] : [];
  }
  if (typeof val !== 'object' || val === null) return [];
  const o = val as Obj;
  if (typeof o.resourceType === 'string') return [{ target_type: o.resourceType, target_id: str(o.id) ?? null, url: null }];
  const row: Row = typeof o.reference === 'string' && o.reference ? parseReference(o.reference, root) : { target_type: null, target_id: null, url: null };
  if (!row.target_type && str(o.type)) row.target_type = /^[A-Z][A-Za-z]+$/.test(o.type as string) ? (o.type as string) : (o.type as string).split('/').at(-1)!;
  const ident = o.identifier as Obj | undefined;
  if (ident && typeof ident === 'object') {
    row.ident_system = str(ident.system) ?? null;
    row.ident_value = cut(str(ident.value)) ?? null;
  }
  return row.target_id || row.url || row.ident_value || row.ident_system ? [row] : [];
}

function uriRows(v: TypedValue): Row[] {
  return typeof v.value === 'string' && v.value ? [{ value: cut(v.value) }] : [];
}

/** Converter per search parameter type (composite is handled by the extractor). */
export const ROWS_BY_KIND: Record<string, Converter | undefined> = {
  string: stringRows, token: tokenRows, date: dateRows, number: numberRows, quantity: quantityRows, reference: referenceRows, uri: uriRows,
};

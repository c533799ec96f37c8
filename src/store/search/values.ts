// Parses one search value of each parameter kind (search.html#number … #uri), with its prefix
// and escapes. Errors are 400s located at the parameter name.
import { dateRange } from '../../fhir/date-range.js';
import { badRequest } from '../../fhir/errors.js';
import type { SearchParamType } from '../../fhir/search-params.js';
import { MAX_INDEXED_CHARS, decimalRange, normaliseString, ucumCanonical, UCUM_SYSTEM } from '../indexing/index.js';
import type { CanonValue, Prefix, Value } from './ast.js';

const PREFIXES = new Set(['eq', 'ne', 'gt', 'lt', 'ge', 'le', 'sa', 'eb', 'ap']);
const cut = (s: string) => (s.length > MAX_INDEXED_CHARS ? s.slice(0, MAX_INDEXED_CHARS) : s);

/** Splits on an unescaped separator (`\,` `\|` `\$` are literal); escapes are kept. */
export function splitEscaped(s: string, sep: string): string[] {
  const out: string[] = [];
  let cur = '';
  for (let i = 0; i < s.length; i++) {
    if (s[i] === '\\' && i + 1 < s.length) {
      cur += s[i] + s[i + 1];
      i++;
    } else if (s[i] === sep) {
      out.push(cur);
      cur = '';
    } else cur += s[i];
  }
  out.push(cur);
  return out;
}

export const unescape = (s: string) => s.replace(/\\([\\,|$])/g, '$1');

function prefixOf(raw: string): [Prefix, string] {
  const p = raw.slice(0, 2);
  return PREFIXES.has(p) && /^[-+\d.]/.test(raw.slice(2)) ? [p as Prefix, raw.slice(2)] : ['eq', raw];
}

function numberOf(s: string, name: string) {
  const r = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(s) ? decimalRange(s) : undefined;
  if (!r) throw badRequest(`Parameter ${name}: "${s.slice(0, 40)}" is not a number`, [name]);
  return r;
}

export function parseDate(raw: string, name: string): Extract<Value, { k: 'date' }> {
  const [prefix, rest] = prefixOf(raw);
  const ymd = /^(\d{4})-(\d{2})-(\d{2})/.exec(rest);
  if (ymd && new Date(Date.UTC(+ymd[1], +ymd[2] - 1, +ymd[3])).getUTCDate() !== +ymd[3]) {
    throw badRequest(`Parameter ${name}: "${rest}" is not a valid date`, [name]);
  }
  let r;
  try {
    r = dateRange(rest);
  } catch {
    throw badRequest(`Parameter ${name}: "${rest.slice(0, 40)}" is not a FHIR date, dateTime or instant`, [name]);
  }
  return { k: 'date', prefix, ...r };
}

function parseNumber(raw: string, name: string): Value {
  const [prefix, rest] = prefixOf(raw);
  return { k: 'number', prefix, ...numberOf(rest, name) };
}

/** `[system]|code`, `|code`, `system|`, `code`. */
export function parseTokenParts(raw: string, name: string): { system?: string | null; code?: string } {
  const parts = splitEscaped(raw, '|');
  if (parts.length > 2) throw badRequest(`Parameter ${name}: a token has the form [system|]code, not "${raw.slice(0, 60)}"`, [name]);
  if (parts.length === 1) return { code: cut(unescape(parts[0])) };
  const [system, code] = parts.map(unescape);
  if (!system && !code) throw badRequest(`Parameter ${name}: "|" alone is not a token`, [name]);
  return { system: system || null, code: code ? cut(code) : undefined };
}

function parseToken(raw: string, name: string, modifier?: string): Value {
  if (modifier === 'text') return { k: 'token', text: normaliseString(unescape(raw)) };
  if (modifier === 'of-type') {
    const parts = splitEscaped(raw, '|').map(unescape);
    if (parts.length !== 3 || !parts[1] || !parts[2]) {
      throw badRequest(`Parameter ${name}: :of-type takes type-system|type-code|value, not "${raw.slice(0, 60)}"`, [name]);
    }
    return { k: 'token', typeSystem: parts[0] || undefined, typeCode: parts[1], code: cut(parts[2]) };
  }
  return { k: 'token', ...parseTokenParts(raw, name) };
}

function canonical(code: string, n: { value: string; lo: string; hi: string }): CanonValue | undefined {
  const v = ucumCanonical(code, Number(n.value));
  const lo = ucumCanonical(code, Number(n.lo));
  const hi = ucumCanonical(code, Number(n.hi));
  return v && lo && hi ? { code: v.code, value: String(v.value), lo: String(lo.value), hi: String(hi.value) } : undefined;
}

function parseQuantity(raw: string, name: string): Value {
  const parts = splitEscaped(raw, '|').map(unescape);
  if (parts.length !== 1 && parts.length !== 3) {
    throw badRequest(`Parameter ${name}: a quantity has the form [prefix]number[|system|code], not "${raw.slice(0, 60)}"`, [name]);
  }
  const [prefix, num] = prefixOf(parts[0]);
  const n = numberOf(num, name);
  const system = parts[1] || undefined, code = parts[2] || undefined;
  const canon = code && (!system || system === UCUM_SYSTEM) ? canonical(code, n) : undefined;
  return { k: 'quantity', prefix, ...n, system, code, canon };
}

const TYPE_ID_RE = /^([A-Z][A-Za-z]+)\/([A-Za-z0-9\-.]{1,64})(?:\/_history\/[A-Za-z0-9\-.]{1,64})?$/;
const ID_RE = /^[A-Za-z0-9\-.]{1,64}$/;

function parseReference(raw: string, name: string, baseUrl: string, modifier?: string): Value {
  const s = unescape(raw);
  if (modifier === 'identifier') {
    const t = parseTokenParts(raw, name);
    return { k: 'reference', identifier: { system: t.system, value: t.code } };
  }
  const local = s.startsWith(baseUrl + '/') ? s.slice(baseUrl.length + 1) : s;
  const m = TYPE_ID_RE.exec(local);
  if (m) {
    if (modifier && modifier !== m[1]) throw badRequest(`Parameter ${name}: the value ${m[1]}/${m[2]} contradicts the modifier :${modifier}`, [name]);
    return { k: 'reference', type: m[1], id: m[2] };
  }
  if (ID_RE.test(local)) return { k: 'reference', type: modifier, id: local };
  if (/^[a-z][a-z0-9+.-]*:/i.test(s)) return { k: 'reference', url: cut(s.split('|')[0]) };
  throw badRequest(`Parameter ${name}: "${s.slice(0, 60)}" is neither an id, Type/id nor an absolute URL`, [name]);
}

/** Parses one value (already split on commas) of a parameter of kind `type`. */
export function parseValue(type: SearchParamType, raw: string, name: string, opts: { modifier?: string; baseUrl: string }): Value {
  switch (type) {
    case 'number': return parseNumber(raw, name);
    case 'date': return parseDate(raw, name);
    case 'string': {
      const text = unescape(raw);
      return { k: 'string', text: opts.modifier === 'exact' ? text : cut(normaliseString(text)) };
    }
    case 'token': return parseToken(raw, name, opts.modifier);
    case 'quantity': return parseQuantity(raw, name);
    case 'reference': return parseReference(raw, name, opts.baseUrl, opts.modifier);
    case 'uri': return { k: 'uri', uri: cut(unescape(raw)) };
    default: throw badRequest(`Parameter ${name}: parameters of type ${type} are not supported`, [name]);
  }
}

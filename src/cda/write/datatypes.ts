// FHIR R4 data types → HL7 v3 data types, the inverse of src/cda/to-fhir/datatypes.ts: dateTime → TS
// (keeping its precision), Period → IVL_TS, Coding/CodeableConcept → CD/CE (code system URI → OID
// through the same oids.json table), Identifier → II, Quantity → PQ, Address → AD, ContactPoint → TEL,
// HumanName → PN and an Observation's value[x] → ANY with its xsi:type. Problems (a system without an
// OID, an identifier that cannot be an II) are reported through `warn` with their FHIRPath.
import type { Address, CodeableConcept, Coding, ContactPoint, HumanName, Identifier, Period, Quantity, Range, Ratio } from 'fhir/r4';
import { systemOid } from '../to-fhir/codes.js';
import oids from '../to-fhir/oids.json' with { type: 'json' };
import headerMap from '../to-fhir/header-map.json' with { type: 'json' };
import { el, type Attrs, type XElement } from './xml.js';

export type Warn = (diagnostics: string, path: string, severity?: 'warning' | 'information' | 'error') => void;
const noWarn: Warn = () => undefined;

/** Inverts a code table (first key wins for a value several keys share). */
export function invert(table: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(table)) if (!(v in out)) out[v] = k;
  return out;
}

const SYSTEM_NAMES = new Map(Object.entries(oids.codeSystems).map(([oid, v]) => [oid, v.name]));
const ALIASES = new Map(Object.entries(oids.aliases));

/** CDA codeSystem OID of a FHIR system URI: the shared table (and its aliases), or a urn:oid: system. */
export const oidOfSystem = (uri: string | undefined): string | undefined => systemOid(uri) ?? (uri ? ALIASES.get(uri) : undefined);

// ---- dateTime → TS

const DT_RE = /^(\d{4})(?:-(\d{2})(?:-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?)?)?)?$/;

/** A FHIR date, dateTime or instant → an HL7 v3 TS at the same precision (YYYY, YYYYMM, YYYYMMDD,
 *  YYYYMMDDHHMMSS[.s]±ZZZZ); undefined when it is not a FHIR date. */
export function ts(value: string | undefined): string | undefined {
  const m = value ? DT_RE.exec(value.trim()) : null;
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s, frac, tz] = m;
  if (!mo) return y;
  if (!d) return `${y}${mo}`;
  if (!h) return `${y}${mo}${d}`;
  const zone = tz === undefined ? '' : tz === 'Z' ? '+0000' : tz.replace(':', '');
  return `${y}${mo}${d}${h}${mi}${s ?? '00'}${frac ?? ''}${zone}`;
}

/** <name value="TS"/>, or <name nullFlavor="…"/> when there is no valid date (nullFlavor undefined: no element). */
export function tsEl(name: string, value: string | undefined, nullFlavor: string | undefined = 'UNK'): XElement | undefined {
  const v = ts(value);
  if (v) return el(name, { value: v });
  return nullFlavor ? el(name, { nullFlavor }) : undefined;
}

/** Period → IVL_TS (<low/> and <high/>); a Period with neither gives nullFlavor (or nothing). */
export function ivlTs(name: string, period: Period | undefined, nullFlavor: string | undefined = 'UNK', attrs: Attrs = {}): XElement | undefined {
  const low = ts(period?.start);
  const high = ts(period?.end);
  if (!low && !high) return nullFlavor ? el(name, { ...attrs, nullFlavor }) : undefined;
  return el(name, attrs, low ? el('low', { value: low }) : undefined, high ? el('high', { value: high }) : undefined);
}

// ---- Coding / CodeableConcept → CD, CE, CV, CS

export interface CodeOptions {
  /** xsi:type to write (observation values). */
  xsiType?: string;
  /** nullFlavor when there is no code (default OTH with text, UNK without). */
  nullFlavor?: string;
  /** Extra children after originalText (qualifiers). */
  qualifiers?: XElement[];
  /** Write translations (CD/CE); CV and CS have none. */
  translations?: boolean;
  /** FHIRPath of the concept, for warnings. */
  path?: string;
  warn?: Warn;
}

/** Attributes of a coded value, or undefined when its system has no OID (CDA codes need one). */
export function codeAttrs(c: Coding, path = '', warn: Warn = noWarn): Attrs | undefined {
  if (!c.code) return undefined;
  const oid = oidOfSystem(c.system);
  if (!oid) {
    warn(`The code system ${c.system ?? '(none)'} has no OID in src/cda/to-fhir/oids.json: the code ${c.code} is written as text (nullFlavor OTH)`, path, 'warning');
    return undefined;
  }
  return {
    code: c.code,
    codeSystem: oid,
    codeSystemName: SYSTEM_NAMES.get(oid),
    codeSystemVersion: c.version,
    displayName: c.display,
  };
}

const asConcept = (v: CodeableConcept | Coding | undefined): CodeableConcept | undefined =>
  !v ? undefined : 'code' in v || 'system' in v ? { coding: [v as Coding] } : (v as CodeableConcept);

/**
 * A coded element: the first coding with an OID is the code, the others are translations; the text
 * becomes originalText. Without any usable coding: nullFlavor (OTH with a text, UNK without).
 */
export function cd(name: string, value: CodeableConcept | Coding | undefined, opts: CodeOptions = {}): XElement {
  const cc = asConcept(value);
  const warn = opts.warn ?? noWarn;
  const codings = cc?.coding ?? [];
  const coded = codings.map((c, i) => ({ c, attrs: codeAttrs(c, `${opts.path ?? ''}.coding[${i}]`, warn) }));
  const main = coded.find((x) => x.attrs);
  const text = cc?.text ?? (main ? undefined : codings.find((c) => c.display)?.display ?? codings.find((c) => c.code)?.code);
  const type = opts.xsiType ? { 'xsi:type': opts.xsiType } : {};
  const originalText = text && text !== main?.c.display ? el('originalText', {}, text) : undefined;
  const translations = opts.translations === false ? [] : coded.filter((x) => x.attrs && x !== main).map((x) => el('translation', x.attrs!));
  if (!main) {
    return el(name, { ...type, nullFlavor: opts.nullFlavor ?? (text ? 'OTH' : 'UNK') }, text ? el('originalText', {}, text) : undefined, opts.qualifiers, translations);
  }
  return el(name, { ...type, ...main.attrs }, originalText, opts.qualifiers, translations);
}

/** A simple code attribute set (CS): code only. */
export const cs = (name: string, code: string | undefined): XElement | undefined => (code ? el(name, { code }) : undefined);

// ---- Identifier → II

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const OID_RE = /^[0-2](\.(0|[1-9]\d*))+$/;

/** root and extension of an Identifier: urn:oid:ROOT|ext, or a bare urn:oid:/urn:uuid: value (system urn:ietf:rfc:3986). */
export function iiAttrs(id: Identifier | undefined): { root: string; extension?: string } | undefined {
  if (!id?.value && !id?.system) return undefined;
  const sys = id.system ?? '';
  const value = id.value?.trim();
  const bare = (v: string) => (v.startsWith('urn:oid:') && OID_RE.test(v.slice(8)) ? v.slice(8) : v.startsWith('urn:uuid:') && UUID_RE.test(v.slice(9)) ? v.slice(9).toUpperCase() : undefined);
  if ((sys === 'urn:ietf:rfc:3986' || !sys) && value) {
    const root = bare(value);
    return root ? { root } : undefined;
  }
  const root = bare(sys) ?? (OID_RE.test(sys) ? sys : undefined);
  if (!root) return undefined;
  return value ? { root, extension: value } : { root };
}

/** <name root extension/>; an identifier that cannot be an II (system not an OID or UUID) gives undefined and a warning. */
export function ii(name: string, id: Identifier | undefined, path = '', warn: Warn = noWarn): XElement | undefined {
  const a = iiAttrs(id);
  if (!a) {
    if (id) warn(`The identifier ${id.system ?? ''}|${id.value ?? ''} has no OID or UUID system: it has no CDA II form and is left out`, path, 'warning');
    return undefined;
  }
  return el(name, { root: a.root, extension: a.extension });
}

// ---- Quantity, Range, Ratio → PQ, IVL_PQ, RTO

/** UCUM unit of a Quantity (its code when the system is UCUM, else its unit text). */
const unitOf = (q: Quantity): string | undefined => (q.system === 'http://unitsofmeasure.org' && q.code ? q.code : q.unit?.trim() || undefined);

export function pq(name: string, q: Quantity | undefined, xsiType?: string): XElement | undefined {
  if (!q || q.value === undefined) return undefined;
  return el(name, { ...(xsiType ? { 'xsi:type': xsiType } : {}), value: String(q.value), unit: unitOf(q) });
}

export function ivlPq(name: string, r: Range | undefined, xsiType?: string): XElement | undefined {
  if (!r?.low && !r?.high) return undefined;
  return el(name, xsiType ? { 'xsi:type': xsiType } : {}, pq('low', r.low), pq('high', r.high));
}

export function rto(name: string, r: Ratio | undefined, xsiType?: string): XElement | undefined {
  if (!r?.numerator && !r?.denominator) return undefined;
  const part = (n: string, q: Quantity | undefined) => (q?.value !== undefined ? el(n, { 'xsi:type': 'PQ', value: String(q.value), unit: unitOf(q) }) : undefined);
  return el(name, xsiType ? { 'xsi:type': xsiType } : {}, part('numerator', r.numerator), part('denominator', r.denominator));
}

// ---- Address → AD, ContactPoint → TEL, HumanName → PN

const ADDRESS_USE = invert(headerMap.addressUse);
const TELECOM_USE = invert(headerMap.telecomUse);
const TELECOM_SCHEME = invert(headerMap.telecomScheme);

/** Address → AD: lines as streetAddressLine, then postalCode, city, county (district), state, country. */
export function ad(name: string, a: Address | undefined, extra: XElement[] = []): XElement | undefined {
  if (!a && !extra.length) return undefined;
  const parts = [
    ...(a?.line ?? []).map((l) => el('streetAddressLine', {}, l)),
    ...extra,
    a?.postalCode ? el('postalCode', {}, a.postalCode) : undefined,
    a?.city ? el('city', {}, a.city) : undefined,
    a?.district ? el('county', {}, a.district) : undefined,
    a?.state ? el('state', {}, a.state) : undefined,
    a?.country ? el('country', {}, a.country) : undefined,
  ].filter((x): x is XElement => !!x);
  if (!parts.length) return a?.text ? el(name, { use: a.use ? ADDRESS_USE[a.use] : undefined }, a.text) : undefined;
  return el(name, { use: a?.use ? ADDRESS_USE[a.use] : undefined }, parts);
}

/** ContactPoint → TEL: phone → tel:, fax → fax:, email → mailto:, url as is. */
export function tel(name: string, c: ContactPoint | undefined): XElement | undefined {
  const v = c?.value?.trim();
  if (!c || !v) return undefined;
  const scheme = c.system === 'url' || /^[a-z][a-z0-9+.-]*:/i.test(v) ? '' : `${TELECOM_SCHEME[c.system ?? ''] ?? 'tel'}:`;
  const value = scheme === 'tel:' ? `tel:${v.replace(/\s+/g, '')}` : `${scheme}${v}`;
  return el(name, { value, use: c.use ? TELECOM_USE[c.use] : undefined });
}

/** HumanName → PN (prefix, given, family, suffix); a text-only name as PN text. */
export function pn(name: string, n: HumanName | undefined): XElement | undefined {
  if (!n) return undefined;
  const parts = [
    ...(n.prefix ?? []).map((p) => el('prefix', {}, p)),
    ...(n.given ?? []).map((g) => el('given', {}, g)),
    ...(n.family ? [el('family', {}, n.family)] : []),
    ...(n.suffix ?? []).map((s) => el('suffix', {}, s)),
  ];
  if (parts.length) return el(name, {}, parts);
  return n.text ? el(name, {}, n.text) : undefined;
}

// ---- Observation value[x] → ANY (xsi:type)

export interface ValueCarrier {
  valueCodeableConcept?: CodeableConcept;
  valueQuantity?: Quantity;
  valueString?: string;
  valueBoolean?: boolean;
  valueInteger?: number;
  valueRange?: Range;
  valueRatio?: Ratio;
  valueDateTime?: string;
  valuePeriod?: Period;
  valueTime?: string;
}

/** The <value> of an observation from its value[x]; undefined when it has none. */
export function value(v: ValueCarrier, path = '', warn: Warn = noWarn): XElement | undefined {
  if (v.valueCodeableConcept) return cd('value', v.valueCodeableConcept, { xsiType: 'CD', path: `${path}.valueCodeableConcept`, warn });
  if (v.valueQuantity) return v.valueQuantity.unit || v.valueQuantity.code ? pq('value', v.valueQuantity, 'PQ') : el('value', { 'xsi:type': 'REAL', value: String(v.valueQuantity.value) });
  if (v.valueString !== undefined) return el('value', { 'xsi:type': 'ST' }, v.valueString);
  if (v.valueBoolean !== undefined) return el('value', { 'xsi:type': 'BL', value: String(v.valueBoolean) });
  if (v.valueInteger !== undefined) return el('value', { 'xsi:type': 'INT', value: String(v.valueInteger) });
  if (v.valueRange) return ivlPq('value', v.valueRange, 'IVL_PQ');
  if (v.valueRatio) return rto('value', v.valueRatio, 'RTO_PQ_PQ');
  if (v.valueDateTime) return ts(v.valueDateTime) ? el('value', { 'xsi:type': 'TS', value: ts(v.valueDateTime) }) : undefined;
  if (v.valuePeriod) return ivlTs('value', v.valuePeriod, undefined, { 'xsi:type': 'IVL_TS' });
  if (v.valueTime) {
    warn('A time-of-day value has no CDA TS form; written as text', `${path}.valueTime`, 'information');
    return el('value', { 'xsi:type': 'ST' }, v.valueTime);
  }
  return undefined;
}

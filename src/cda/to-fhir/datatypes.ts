// HL7 v3 data types → FHIR R4 data types: TS, IVL_TS, II, PQ, AD, TEL, PN and the ANY value of an
// observation. Each returns undefined for a null flavour or an empty element; callers decide whether
// that deserves a warning.
import type { Address, ContactPoint, HumanName, Identifier, Period, Quantity, Range, Ratio } from 'fhir/r4';
import { children, child, text, type CdaElement } from '../dom.js';
import { codeableConcept, systemUri, type TextResolver } from './codes.js';
import map from './header-map.json' with { type: 'json' };

// ---- TS → date / dateTime / instant

const TS_RE = /^(\d{4})(\d{2})?(\d{2})?(\d{2})?(\d{2})?(\d{2})?(\.\d+)?([+-]\d{4})?$/;

const PARIS = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Paris', timeZoneName: 'longOffset' });

/** Offset of Europe/Paris at a local date-time, e.g. '+01:00': CI-SIS times without a zone are French local times. */
function parisOffset(y: number, mo: number, d: number, h: number, mi: number): string {
  const guess = Date.UTC(y, mo - 1, d, h, mi);
  const parts = PARIS.formatToParts(new Date(guess - 3600_000));
  const tz = parts.find((p) => p.type === 'timeZoneName')?.value ?? 'GMT+01:00';
  const m = /GMT([+-]\d{2}):?(\d{2})?/.exec(tz);
  return m ? `${m[1]}:${m[2] ?? '00'}` : '+00:00';
}

/** A CDA TS value → FHIR date or dateTime, keeping its precision (YYYY, YYYY-MM, YYYY-MM-DD, or a
 *  full time with seconds and zone). Undefined when the value is not a valid TS. */
export function tsToDateTime(value: string | undefined): string | undefined {
  const m = value ? TS_RE.exec(value.trim()) : null;
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s, frac, tz] = m;
  if (mo && (+mo < 1 || +mo > 12)) return undefined;
  if (d && (+d < 1 || +d > new Date(Date.UTC(+y, +mo, 0)).getUTCDate())) return undefined;
  if ((h && +h > 23) || (mi && +mi > 59) || (s && +s > 59)) return undefined;
  if (!mo) return y;
  if (!d) return `${y}-${mo}`;
  if (!h) return `${y}-${mo}-${d}`;
  const zone = tz ? `${tz.slice(0, 3)}:${tz.slice(3)}` : parisOffset(+y, +mo, +d, +h, +(mi ?? 0));
  if (tz && (+tz.slice(1, 3) > 14 || +tz.slice(3) > 59)) return undefined;
  return `${y}-${mo}-${d}T${h}:${mi ?? '00'}:${s ?? '00'}${frac ?? ''}${zone}`;
}

/** FHIR date (YYYY[-MM[-DD]]) of a TS, for elements typed date (birthDate). */
export const tsToDate = (value: string | undefined): string | undefined => tsToDateTime(value)?.slice(0, 10);

/** FHIR instant (full precision): a date-only TS is taken at midnight, French local time. */
export function tsToInstant(value: string | undefined): string | undefined {
  const dt = tsToDateTime(value);
  if (!dt) return undefined;
  if (dt.length > 10) return dt;
  const [y, mo = '01', d = '01'] = dt.split('-');
  return `${y}-${mo}-${d}T00:00:00${parisOffset(+y, +mo, +d, 0, 0)}`;
}

/** IVL_TS (low/high, or a single value) → Period. */
export function ivlTsToPeriod(el: CdaElement | undefined): Period | undefined {
  if (!el || el.attrs.nullFlavor) return undefined;
  const start = tsToDateTime(child(el, 'low')?.attrs.value ?? el.attrs.value);
  const end = tsToDateTime(child(el, 'high')?.attrs.value);
  return start || end ? { ...(start ? { start } : {}), ...(end ? { end } : {}) } : undefined;
}

/** effectiveTime → the FHIR effective[x]: a point (value or low only) is a dateTime, otherwise a Period. */
export function effective(el: CdaElement | undefined): { effectiveDateTime?: string; effectivePeriod?: Period } {
  if (!el || el.attrs.nullFlavor) return {};
  if (el.attrs.value) {
    const v = tsToDateTime(el.attrs.value);
    return v ? { effectiveDateTime: v } : {};
  }
  const p = ivlTsToPeriod(el);
  if (!p) return {};
  return p.end ? { effectivePeriod: p } : { effectiveDateTime: p.start };
}

// ---- II → Identifier

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const IDENTIFIER_TYPES = map.identifierTypes as Record<string, { type?: { system: string; code: string; display?: string }; use?: Identifier['use'] }>;

/** II → Identifier: root+extension → system urn:oid:root and value extension; a bare root (OID or
 *  UUID) is itself the identifier (system urn:ietf:rfc:3986). Known roots (INS, RPPS, FINESS…) get a type. */
export function identifier(el: CdaElement | undefined): Identifier | undefined {
  const root = el?.attrs.root?.trim();
  if (!el || !root || el.attrs.nullFlavor) return undefined;
  const ext = el.attrs.extension?.trim();
  if (!ext) {
    const value = UUID_RE.test(root) ? `urn:uuid:${root.toLowerCase()}` : `urn:oid:${root}`;
    return { system: 'urn:ietf:rfc:3986', value };
  }
  const known = IDENTIFIER_TYPES[root];
  return {
    ...(known?.use ? { use: known.use } : {}),
    ...(known?.type ? { type: { coding: [known.type] } } : {}),
    system: UUID_RE.test(root) ? `urn:uuid:${root.toLowerCase()}` : `urn:oid:${root}`,
    value: ext,
  };
}

/** `system|value` of an identifier, for conditional look-ups and keys. */
export const identifierKey = (id: Identifier | undefined): string | undefined => (id?.system && id.value ? `${id.system}|${id.value}` : undefined);

// ---- PQ, IVL_PQ, RTO → Quantity, Range, Ratio

export function quantity(el: CdaElement | undefined): Quantity | undefined {
  if (!el || el.attrs.nullFlavor || el.attrs.value === undefined) return undefined;
  const value = Number(el.attrs.value);
  if (!Number.isFinite(value)) return undefined;
  const unit = el.attrs.unit?.trim();
  return { value, ...(unit && unit !== '1' ? { unit, system: 'http://unitsofmeasure.org', code: unit } : {}) };
}

export function range(el: CdaElement | undefined): Range | undefined {
  const low = quantity(child(el, 'low'));
  const high = quantity(child(el, 'high'));
  return low || high ? { ...(low ? { low } : {}), ...(high ? { high } : {}) } : undefined;
}

export function ratio(el: CdaElement | undefined): Ratio | undefined {
  const numerator = quantity(child(el, 'numerator'));
  const denominator = quantity(child(el, 'denominator'));
  return numerator || denominator ? { ...(numerator ? { numerator } : {}), ...(denominator ? { denominator } : {}) } : undefined;
}

// ---- AD → Address, TEL → ContactPoint, PN → HumanName

const ADDRESS_USE = map.addressUse as Record<string, Address['use']>;
const TELECOM_USE = map.telecomUse as Record<string, ContactPoint['use']>;
const TELECOM_SYSTEM = map.telecomScheme as Record<string, ContactPoint['system']>;

export function address(el: CdaElement | undefined): Address | undefined {
  if (!el || el.attrs.nullFlavor) return undefined;
  const part = (n: string) => text(el, n);
  const line: string[] = [];
  for (const l of children(el, 'streetAddressLine')) if (text(l)) line.push(text(l)!);
  const street = [part('houseNumber'), part('houseNumberNumeric'), part('buildingNumberSuffix'), part('streetNameType'), part('streetName')].filter(Boolean).join(' ');
  if (street) line.push(street);
  for (const n of ['unitID', 'additionalLocator', 'careOf', 'postBox', 'deliveryAddressLine']) if (part(n)) line.push(part(n)!);
  const loose = el.text.replace(/\s+/g, ' ').trim(); // unstructured address text
  const a: Address = {
    ...(el.attrs.use && ADDRESS_USE[el.attrs.use] ? { use: ADDRESS_USE[el.attrs.use] } : {}),
    ...(line.length ? { line } : {}),
    ...(part('city') ? { city: part('city') } : {}),
    ...(part('county') ? { district: part('county') } : {}),
    ...(part('state') ? { state: part('state') } : {}),
    ...(part('postalCode') ? { postalCode: part('postalCode') } : {}),
    ...(part('country') ? { country: part('country') } : {}),
    ...(loose && !line.length ? { text: loose } : {}),
  };
  return Object.keys(a).length ? a : undefined;
}

export function telecom(el: CdaElement | undefined): ContactPoint | undefined {
  const raw = el?.attrs.value?.trim();
  if (!el || !raw || el.attrs.nullFlavor) return undefined;
  const m = /^([a-z]+):(.*)$/i.exec(raw);
  const scheme = m?.[1].toLowerCase();
  const system = scheme ? TELECOM_SYSTEM[scheme] : undefined;
  const value = system === 'url' || !m ? raw : m[2].trim();
  const uses = (el.attrs.use ?? '').split(/\s+/).filter(Boolean);
  const use = uses.map((u) => TELECOM_USE[u]).find(Boolean);
  return { system: system ?? 'other', value, ...(use ? { use } : {}) };
}

/** A person name (practitioners, contacts). Patient names, with their INS qualifiers, are in header.ts. */
export function humanName(el: CdaElement | undefined, use?: HumanName['use']): HumanName | undefined {
  if (!el || el.attrs.nullFlavor) return undefined;
  const family = children(el, 'family').map((f) => text(f)).filter(Boolean).join(' ');
  const given = children(el, 'given').map((g) => text(g)!).filter(Boolean);
  const prefix = children(el, 'prefix').map((p) => text(p)!).filter(Boolean);
  const suffix = children(el, 'suffix').map((p) => text(p)!).filter(Boolean);
  const loose = el.text.replace(/\s+/g, ' ').trim();
  const n: HumanName = {
    ...(use ? { use } : {}),
    ...(family ? { family } : {}),
    ...(given.length ? { given } : {}),
    ...(prefix.length ? { prefix } : {}),
    ...(suffix.length ? { suffix } : {}),
    ...(loose && !family && !given.length ? { text: loose } : {}),
  };
  return n.family || n.given || n.text ? n : undefined;
}

// ---- ANY → value[x]

export type Value = Record<string, unknown>;

/** An observation's `value` → { valueX: … } by its xsi:type; {} when there is no value. */
export function value(el: CdaElement | undefined, resolveText: TextResolver): Value {
  if (!el) return {};
  const type = (el.attrs['xsi:type'] ?? '').replace(/^.*:/, '');
  switch (type) {
    case 'CD': case 'CE': case 'CV': case 'CO': case 'CS': {
      const cc = codeableConcept(el, resolveText);
      return cc ? { valueCodeableConcept: cc } : {};
    }
    case 'ST': case 'ED': case 'SC': {
      const refText = resolveText(child(el, 'reference'));
      const t = (refText ?? text(el))?.trim();
      return t ? { valueString: t } : {};
    }
    case 'BL':
      return el.attrs.value === 'true' || el.attrs.value === 'false' ? { valueBoolean: el.attrs.value === 'true' } : {};
    case 'INT': {
      const n = Number(el.attrs.value);
      return el.attrs.value !== undefined && Number.isInteger(n) ? { valueInteger: n } : {};
    }
    case 'REAL': case 'PQ': {
      const q = quantity(el);
      return q ? { valueQuantity: q } : {};
    }
    case 'IVL_PQ': {
      const r = range(el);
      return r ? { valueRange: r } : {};
    }
    case 'RTO': case 'RTO_PQ_PQ': {
      const r = ratio(el);
      return r ? { valueRatio: r } : {};
    }
    case 'TS': case 'EIVL_TS': {
      const v = tsToDateTime(el.attrs.value);
      return v ? { valueDateTime: v } : {};
    }
    case 'IVL_TS': {
      const p = ivlTsToPeriod(el);
      return p ? { valuePeriod: p } : {};
    }
    default: {
      const cc = el.attrs.code ? codeableConcept(el, resolveText) : undefined;
      if (cc) return { valueCodeableConcept: cc };
      const t = text(el);
      return t ? { valueString: t } : {};
    }
  }
}

/** The system URI of an OID, for identifiers of code systems carried in attributes. */
export { systemUri };

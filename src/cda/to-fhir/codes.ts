// CDA coded values (CD, CE, CV, CO, CS) → FHIR Coding / CodeableConcept. Code system OIDs become
// URIs through oids.json (FHIR → CDA reads the same table backwards); unknown OIDs stay urn:oid:….
import type { CodeableConcept, Coding } from 'fhir/r4';
import { children, child, type CdaElement } from '../dom.js';
import table from './oids.json' with { type: 'json' };

const BY_OID = new Map(Object.entries(table.codeSystems).map(([oid, v]) => [oid, v.uri]));
const BY_URI = new Map(Object.entries(table.codeSystems).map(([oid, v]) => [v.uri, oid]));

const ODD_SPACES = /[\u00A0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000]/g;

/** FHIR system URI of a CDA codeSystem OID (urn:oid: for unknown ones). */
export function systemUri(oid: string | undefined): string | undefined {
  if (!oid) return undefined;
  return BY_OID.get(oid) ?? (/^[0-2](\.\d+)+$/.test(oid) ? `urn:oid:${oid}` : /^urn:/.test(oid) ? oid : `urn:oid:${oid}`);
}

/** CDA codeSystem OID of a FHIR system URI (the inverse of systemUri). */
export function systemOid(uri: string | undefined): string | undefined {
  if (!uri) return undefined;
  return BY_URI.get(uri) ?? (uri.startsWith('urn:oid:') ? uri.slice(8) : undefined);
}

/** Resolves `<reference value="#id"/>` (originalText, text) to the narrative text it points to. */
export type TextResolver = (el: CdaElement | undefined) => string | undefined;

/** One Coding from a CD-like element; undefined when it carries no code (nullFlavor…). */
export function coding(el: CdaElement | undefined): Coding | undefined {
  const code = el?.attrs.code?.trim();
  if (!el || !code) return undefined;
  // Attribute values keep the non-breaking spaces CDA senders type; FHIR strings do not allow them
  // ([ \r\n\t\S]+), so they become plain spaces (element text is normalised by dom.text()).
  const display = el.attrs.displayName?.replace(ODD_SPACES, ' ').trim();
  return {
    ...(el.attrs.codeSystem ? { system: systemUri(el.attrs.codeSystem) } : {}),
    ...(el.attrs.codeSystemVersion ? { version: el.attrs.codeSystemVersion } : {}),
    code,
    ...(display && display !== 'None' ? { display } : {}),
  };
}

/** CodeableConcept from a CD: the code, its translations, and its originalText (resolved from the narrative). */
export function codeableConcept(el: CdaElement | undefined, resolveText?: TextResolver): CodeableConcept | undefined {
  if (!el) return undefined;
  const codings = [coding(el), ...children(el, 'translation').map((t) => coding(t))].filter((c): c is Coding => !!c);
  const text = resolveText?.(child(el, 'originalText'));
  if (!codings.length && !text) return undefined;
  return { ...(codings.length ? { coding: codings } : {}), ...(text ? { text } : {}) };
}

/** The code of a CD-like element as `system|code` (for rule tables and keys). */
export const codeKey = (el: CdaElement | undefined): string | undefined =>
  el?.attrs.code ? `${el.attrs.codeSystem ?? ''}|${el.attrs.code}` : undefined;

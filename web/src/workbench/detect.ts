// What was pasted or uploaded: a FHIR resource (JSON or XML), a CDA document or an HL7 v2 message;
// and, for a FHIR document Bundle, the cancer document it claims to be (by its Composition type).

export type Kind = 'fhir-json' | 'fhir-xml' | 'cda' | 'hl7v2';
export const KINDS: Kind[] = ['fhir-json', 'fhir-xml', 'cda', 'hl7v2'];

/** The four cancer documents: the volet key, its document code and its document Bundle profile. */
export const VOLETS = [
  { key: 'rcp', loinc: ['34794-8'], bundleProfile: 'https://oncofhir.fr/StructureDefinition/onco-bundle-rcp' },
  { key: 'pps', loinc: ['18776-5'], bundleProfile: 'https://oncofhir.fr/StructureDefinition/onco-bundle-pps' },
  { key: 'crgm', loinc: ['51969-4'], bundleProfile: 'https://oncofhir.fr/StructureDefinition/onco-bundle-crgm' },
  { key: 'cracp', loinc: ['60568-3', '11526-1'], bundleProfile: 'https://oncofhir.fr/StructureDefinition/onco-bundle-cracp' },
] as const;
export type VoletKey = (typeof VOLETS)[number]['key'];

/** The first element name after the XML prolog (declaration, comments, processing instructions). */
export function xmlRootName(text: string): string | undefined {
  const m = /^(?:\uFEFF)?(?:\s|<\?[\s\S]*?\?>|<!--[\s\S]*?-->|<!DOCTYPE[^>]*>)*<(?:[A-Za-z_][\w.-]*:)?([A-Za-z_][\w.-]*)/.exec(text);
  return m?.[1];
}

export function detectKind(text: string): Kind | undefined {
  const s = text.replace(/^\uFEFF/, '').trimStart();
  if (s.startsWith('MSH')) return 'hl7v2';
  if (s.startsWith('{')) return 'fhir-json';
  if (s.startsWith('<')) {
    const root = xmlRootName(s);
    if (root === 'ClinicalDocument') return 'cda';
    // A self-presenting CDA: a stylesheet that embeds the ClinicalDocument.
    if (root === 'stylesheet' && /<(?:\w+:)?ClinicalDocument[\s>]/.test(s)) return 'cda';
    return 'fhir-xml';
  }
  return undefined;
}

/** The resource type: JSON resourceType (parsed, else found by pattern in broken JSON) or the XML root. */
export function resourceTypeOf(text: string, kind: Kind): string | undefined {
  if (kind === 'fhir-xml') return xmlRootName(text);
  try {
    const r = JSON.parse(text) as { resourceType?: unknown };
    if (typeof r.resourceType === 'string') return r.resourceType;
  } catch {
    // broken JSON: the server names the error; the type is still needed for the URL
  }
  return /"resourceType"\s*:\s*"([A-Za-z]+)"/.exec(text)?.[1];
}

interface DocumentBundle {
  resourceType?: string;
  type?: string;
  entry?: { resource?: { resourceType?: string; type?: { coding?: { system?: string; code?: string }[] } } }[];
}

/** For a FHIR document Bundle (JSON) of a cancer document: its volet, from the Composition type. */
export function voletOfBundle(text: string): VoletKey | undefined {
  let b: DocumentBundle;
  try {
    b = JSON.parse(text) as DocumentBundle;
  } catch {
    return undefined;
  }
  if (b.resourceType !== 'Bundle' || b.type !== 'document') return undefined;
  const comp = b.entry?.[0]?.resource;
  if (comp?.resourceType !== 'Composition') return undefined;
  const codes = (comp.type?.coding ?? []).map((c) => c.code ?? '');
  return VOLETS.find((v) => v.loinc.some((l) => codes.includes(l)))?.key;
}

/** Whether the text is a FHIR document Bundle (JSON or XML), the input of Bundle/$to-cda. */
export function isDocumentBundle(text: string, kind: Kind): boolean {
  if (kind === 'fhir-xml') return xmlRootName(text) === 'Bundle' && /<type\s+value="document"\s*\/>/.test(text);
  if (kind !== 'fhir-json') return false;
  try {
    const b = JSON.parse(text) as DocumentBundle;
    return b.resourceType === 'Bundle' && b.type === 'document';
  } catch {
    return false;
  }
}

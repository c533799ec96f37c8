// The clinical "data items" of a CDA document, for round-trip tests (CDA → FHIR → CDA keeps the
// clinical content): patient identity (INS, names, birth date, sex, birthplace), document identity
// (code, date, setId, version), authors and legal authenticator, the cancer diagnosis codes, TNM
// values, RCP proposals and PPS activities, gene variants, pathology findings, and each section's code
// with its narrative text. Values are normalised so that equivalent encodings compare equal (UUID
// case, a time zone the original left implicit, whitespace in narratives).
import { all, attr, child, children, descendants, findClinicalDocument, first, parseCda, templateIds, text, type CdaElement } from '../../src/cda/dom.js';

export interface DataItems {
  patient: string[];
  document: string[];
  authors: string[];
  diagnoses: string[];
  tnm: string[];
  proposals: string[];
  variants: string[];
  findings: string[];
  sections: string[];
}

const INS = ['1.2.250.1.213.1.4.8', '1.2.250.1.213.1.4.9', '1.2.250.1.213.1.4.10', '1.2.250.1.213.1.4.11'];
const TNM_CODES = new Set(['21905-5', '21906-3', '21907-1', '21899-0', '21900-6', '21901-4', 'MED-830', 'MED-831', 'MED-832', 'MED-833', 'MED-834', 'MED-835', 'MED-836', 'MED-837', 'MED-838', 'MED-839', 'MED-840', 'MED-841']);
const APSR_OBSERVATION = '1.3.6.1.4.1.19376.1.8.1.4.9';

/** An II as root|extension (UUID roots in upper case). */
const ii = (e: CdaElement | undefined): string => `${(e?.attrs.root ?? '').toUpperCase()}|${e?.attrs.extension ?? ''}`;
/** A TS to the minute at most, without zone: an implicit French local time and its explicit form compare equal. */
const tsv = (v: string | undefined): string => (v ?? '').replace(/[+-]\d{4}$/, '').replace(/\.\d+$/, '').slice(0, 12);
const code = (e: CdaElement | undefined): string => (e?.attrs.code ? `${e.attrs.code}` : e?.attrs.nullFlavor ? `NF:${e.attrs.nullFlavor}` : '');
/** A value: its code, or its literal value, or its text. */
function val(e: CdaElement | undefined): string {
  if (!e) return '';
  if (e.attrs.code) return e.attrs.code;
  if (e.attrs.value !== undefined) return `${e.attrs.value}${e.attrs.unit && e.attrs.unit !== '1' ? ` ${e.attrs.unit}` : ''}`;
  const q = children(e, 'qualifier').map((x) => `${code(child(x, 'name'))}=${code(child(x, 'value'))}`).join(',');
  return q || (text(e) ?? '');
}
/** Narrative text without any whitespace (layout whitespace between cells and rows is not content). */
const flat = (e: CdaElement | undefined): string => (e ? deep(e).replace(/\s+/g, '') : '');
function deep(e: CdaElement): string {
  let out = '';
  let pos = 0;
  for (const c of e.children) {
    const at = c.at ?? pos;
    out += e.text.slice(pos, at) + (c.name === 'renderMultiMedia' ? '' : deep(c));
    pos = at;
  }
  return out + e.text.slice(pos);
}

export function dataItems(xml: string): DataItems {
  const doc = findClinicalDocument(parseCda(xml))!;
  const role = first(doc, 'recordTarget/patientRole');
  const p = child(role, 'patient');
  const name = child(p, 'name');
  const q = (n: string, qual?: string) => children(name, n).filter((x) => (qual ? x.attrs.qualifier === qual : !x.attrs.qualifier)).map((x) => text(x) ?? '');
  const patient = [
    ...children(role, 'id').filter((i) => INS.includes(i.attrs.root ?? '')).map((i) => `ins=${ii(i)}`),
    `birthName=${q('family', 'BR').join(' ')}`,
    `firstGiven=${q('given', 'BR').join(' ')}`,
    `givenList=${q('given').join(' ')}`,
    `usedName=${q('family', 'CL').join(' ')}`,
    `birthTime=${tsv(attr(p, 'birthTime', 'value'))}`,
    `sex=${attr(p, 'administrativeGenderCode', 'code') ?? ''}`,
    `birthplace=${text(p, 'birthplace/place/addr/county') ?? ''}`,
  ];
  const document = [
    `code=${attr(doc, 'code', 'code')}`,
    `effectiveTime=${tsv(attr(doc, 'effectiveTime', 'value'))}`,
    `id=${ii(child(doc, 'id'))}`,
    `setId=${ii(child(doc, 'setId'))}`,
    `version=${attr(doc, 'versionNumber', 'value')}`,
    `title=${text(doc, 'title')}`,
  ];
  const authors = [
    ...all(doc, 'author/assignedAuthor').map((a) => `author=${children(a, 'id').map(ii).join(',')}`),
    `legalAuthenticator=${children(first(doc, 'legalAuthenticator/assignedEntity'), 'id').map(ii).join(',')}`,
  ];
  const observations = [...descendants(doc)].filter((e) => e.name === 'observation');
  const diagnoses = observations.filter((o) => templateIds(o).includes('1.2.250.1.213.1.1.3.113') || attr(o, 'code', 'code') === '282291009').map((o) => {
    const site = child(o, 'targetSiteCode');
    const lat = children(site, 'qualifier').find((x) => attr(x, 'name', 'code') === '20228-3');
    return `morphology=${code(child(o, 'value'))} topography=${code(site)} laterality=${code(child(lat, 'value'))} onset=${tsv(attr(o, 'effectiveTime/low', 'value'))}`;
  });
  const tnm = observations.filter((o) => TNM_CODES.has(attr(o, 'code', 'code') ?? '')).map((o) => `${attr(o, 'code', 'code')}=${val(child(o, 'value'))}`);
  for (const o of observations.filter((x) => attr(x, 'code', 'code') === '75620-5')) {
    const stage = children(child(o, 'value'), 'qualifier').find((x) => attr(x, 'name', 'code') === '21909-7');
    if (stage) tnm.push(`stage=${code(child(stage, 'value'))}`);
  }
  // RCP proposals and PPS activities: the acts of the care-plan sections (code, qualifier, mood).
  const planSections = [...descendants(doc)].filter((e) => e.name === 'section' && attr(e, 'code', 'code') === '18776-5');
  // Comments of the section are narrative (compared with the sections), not proposals.
  const acts = planSections.flatMap((s) => children(s, 'entry').flatMap((en) => en.children.filter((x) => x.name !== 'templateId')));
  const proposals = acts.filter((a) => attr(a, 'code', 'code') !== '48767-8').map((a) => {
    const c = child(a, 'code');
    const qual = child(child(c, 'qualifier'), 'value');
    return `${a.name}:${a.attrs.moodCode}:${code(c)}${qual ? `>${code(qual)}` : ''}`;
  });
  // A gene result: the gene and the values of its parts (reference sequence, HGVS, impact, therapy
  // class…), whatever CDA code carries each (HGVS strings are routed by their c./p./g. prefix).
  const variants = observations.filter((o) => attr(o, 'code', 'code') === '48018-6').map((o) => {
    const subs = all(o, 'entryRelationship/observation').filter((s) => attr(s, 'code', 'code') !== '48767-8').map((s) => val(child(s, 'value'))).filter(Boolean);
    return `gene=${code(child(o, 'value'))} ${subs.sort().join(' | ')}`.trim();
  });
  const findings = observations.filter((o) => templateIds(o).includes(APSR_OBSERVATION) && attr(o, 'code', 'code') !== '48018-6').map((o) => `${code(child(o, 'code'))}=${val(child(o, 'value'))}`);
  const sections = [...descendants(doc)].filter((e) => e.name === 'section').map((s) => {
    return `${code(child(s, 'code'))}: ${flat(child(s, 'text'))}`;
  });
  return { patient, document, authors, diagnoses, tnm, proposals, variants, findings, sections };
}

/** Items of `a` missing from `b` (multiset difference), per category. A section is kept when a
 *  section of the same code holds its text (an empty narrative may come back generated from the entries). */
export function missingItems(a: DataItems, b: DataItems): Partial<Record<keyof DataItems, string[]>> {
  const out: Partial<Record<keyof DataItems, string[]>> = {};
  const sectionKept = (x: string, rest: string[]) => {
    const [c, t] = [x.slice(0, x.indexOf(': ')), x.slice(x.indexOf(': ') + 2)];
    return rest.findIndex((y) => y.startsWith(`${c}: `) && (t === '' || y.slice(c.length + 2) === t));
  };
  for (const k of Object.keys(a) as (keyof DataItems)[]) {
    const rest = [...b[k]];
    const miss: string[] = [];
    for (const x of a[k]) {
      const i = k === 'sections' ? sectionKept(x, rest) : rest.indexOf(x);
      if (i >= 0) rest.splice(i, 1);
      else miss.push(x);
    }
    if (miss.length) out[k] = miss;
  }
  return out;
}

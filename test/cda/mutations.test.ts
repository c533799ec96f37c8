// Mutated copies of valid documents (our examples, and the ANS examples when present), each failing
// with the right rule, message and XPath; and the hand-made alterations of EXPECTED.md with their
// official counts (errors), or flagged as warnings where the official rules do not catch them.
import { describe, expect, it } from 'vitest';
import {
  HAS_CORPUS, NO_CORPUS_MESSAGE, check, corpus, errors, example, removeElement, removeSection, replaceOnce, rules, stripComments, warnings,
} from './support.js';

const RCP = example('fiche-rcp.xml');
const PPS = example('pps.xml');
const CRGM = example('cr-gm.xml');
const CRACP = example('cr-acp.xml');

describe('the project examples (examples/cda)', () => {
  it.each([
    ['fiche-rcp.xml', 'rcp', '2022.01'],
    ['pps.xml', 'pps', '2022.01'],
    ['cr-gm.xml', 'crgm', '2022.01'],
    ['cr-acp.xml', 'cracp', 'current'],
  ])('%s is a valid %s document (%s): no error, no warning', (file, volet, version) => {
    const r = check(example(file));
    expect(r).toMatchObject({ volet, version });
    expect(r.issues).toEqual([]);
  });

  it.skipIf(!HAS_CORPUS)(`the examples pass the CDA schema (XSD)${HAS_CORPUS ? '' : ` — ${NO_CORPUS_MESSAGE}`}`, () => {
    for (const xml of [RCP, PPS, CRGM, CRACP]) expect(check(xml, true).issues).toEqual([]);
  });
});

interface Case {
  name: string;
  doc: string;
  mutate: (xml: string) => string;
  /** Expected errors by rule id (exactly these), and warnings that must be among the warnings. */
  errors: string[];
  warnings?: string[];
  /** rule → [XPath, message pattern] of the issue. */
  at?: Record<string, [string, RegExp]>;
}

const CASES: Case[] = [
  {
    name: 'fiche RCP without its mandatory section FR-Diagnostic-du-cancer',
    doc: RCP, mutate: (x) => removeSection(x, '1.2.250.1.213.1.1.2.27'),
    errors: ['FRCP-SECTION-3'],
    at: { 'FRCP-SECTION-3': ['/ClinicalDocument/component/structuredBody', /FR-Diagnostic-du-cancer.*1\.3\.6\.1\.4\.1\.19376\.1\.7\.3\.1\.3\.14\.1.*must be present/] },
  },
  {
    name: 'fiche RCP without FR-Statut-dossier-RCP (proposition de la RCP)',
    doc: RCP, mutate: (x) => removeSection(x, '1.2.250.1.213.1.1.2.33'),
    errors: ['FRCP-SECTION-8'],
  },
  {
    name: 'CR-GM without its conclusion section',
    doc: CRGM, mutate: (x) => removeSection(x, '1.2.250.1.213.1.1.2.169'),
    errors: ['CRGM-SECTION-5'],
    at: { 'CRGM-SECTION-5': ['/ClinicalDocument/component/structuredBody', /FR-Conclusion-diagnostic/] },
  },
  {
    name: 'PPS without its care programme section (not an official rule: a warning)',
    doc: PPS, mutate: (x) => removeSection(x, '1.2.250.1.213.1.1.2.158').replace(/<component>\s*<section>\s*<templateId root="2.16.840.1.113883.10.20.1.10"\/>[\s\S]*?SOINS ONCOLOGIQUES[\s\S]*?<\/section>\s*<\/component>/, ''),
    errors: [], warnings: ['PPS-OF-SECTION-2'],
  },
  {
    name: 'CR-ACP without its diagnostic conclusion (no official CR-ACP rules: a warning)',
    doc: CRACP, mutate: (x) => removeSection(x, '1.2.250.1.213.1.1.2.169'),
    errors: [], warnings: ['CRACP-OF-SECTION-3'],
  },
  {
    name: 'fiche RCP with the document code of another JDV_J07 type (11488-4)',
    doc: RCP, mutate: (x) => replaceOnce(x, 'code="34794-8" displayName="CR de réunion de concertation pluridisciplinaire"', 'code="11488-4" displayName="CR de consultation"'),
    errors: ['FRCP-CODE'],
    at: { 'FRCP-CODE': ['/ClinicalDocument/code', /34794-8/] },
  },
  {
    name: 'fiche RCP with a document code outside JDV_J07 (one header and one volet error)',
    doc: RCP, mutate: (x) => replaceOnce(x, 'code="34794-8"', 'code="99999-9"'),
    errors: ['FRCP-CODE', 'SM-CODE-J07'],
    at: { 'SM-CODE-J07': ['/ClinicalDocument/code/@code', /JDV_J07.*"99999-9"/] },
  },
  {
    name: 'CR-GM with the CR-ACP code (still in JDV_J07, wrong for the volet)',
    doc: CRGM, mutate: (x) => replaceOnce(x, 'code="51969-4" displayName="CR de génétique moléculaire"', 'code="60568-3" displayName="CR ACP"'),
    errors: ['CRGM-CODE'],
  },
  {
    name: 'PPS with another document code',
    doc: PPS, mutate: (x) => replaceOnce(x, '<code code="18776-5" displayName="Plan personnalisé de soins"', '<code code="34794-8" displayName="CR de RCP"'),
    errors: ['PPS-CODE'],
  },
  {
    name: 'INS present but no birthTime (two errors: the INS traits and the patient birth date)',
    doc: RCP, mutate: (x) => removeElement(x, 'birthTime'),
    errors: ['SM-INS-TRAITS', 'SM-PATIENT-BIRTHTIME'],
    at: {
      'SM-INS-TRAITS': ['/ClinicalDocument/recordTarget/patientRole/patient/birthTime', /traits de l'INS/],
      'SM-PATIENT-BIRTHTIME': ['/ClinicalDocument/recordTarget/patientRole/patient/birthTime', /birthTime/],
    },
  },
  {
    name: 'INS present but no birthplace INSEE code (county)',
    doc: PPS, mutate: (x) => removeElement(x, 'county'),
    errors: ['SM-INS-TRAITS'],
    at: { 'SM-INS-TRAITS': ['/ClinicalDocument/recordTarget/patientRole/patient/birthplace/place/addr/county', /INSEE/] },
  },
  {
    name: 'INS present but no first given name qualified BR',
    doc: CRGM, mutate: (x) => replaceOnce(x, '<given qualifier="BR">Sophie</given>', ''),
    errors: ['SM-INS-TRAITS'],
    at: { 'SM-INS-TRAITS': ["/ClinicalDocument/recordTarget/patientRole/patient/name/given[@qualifier='BR']", /first given name/] },
  },
  {
    name: 'a patient name qualifier other than BR/CL',
    doc: RCP, mutate: (x) => replaceOnce(x, '<family qualifier="CL">ROUSSEAU</family>', '<family qualifier="SP">ROUSSEAU</family>'),
    errors: ['SM-NAME-FAMILY-QUALIFIER'],
    at: { 'SM-NAME-FAMILY-QUALIFIER': ['/ClinicalDocument/recordTarget/patientRole/patient/name/family[2]/@qualifier', /BR.*CL.*"SP"/] },
  },
  {
    name: 'a sex outside JDV_J143',
    doc: CRACP, mutate: (x) => replaceOnce(x, '<administrativeGenderCode code="M"', '<administrativeGenderCode code="X"'),
    errors: ['SM-PATIENT-GENDER-VS'],
  },
  {
    name: 'a wrong document templateId on the fiche RCP (not caught by the official rules: a warning)',
    doc: RCP, mutate: (x) => replaceOnce(x, 'root="1.2.250.1.213.1.1.1.8"', 'root="1.2.250.1.213.1.1.1.99"'),
    errors: [], warnings: ['OF-VOLET-TEMPLATEID'],
    at: { 'OF-VOLET-TEMPLATEID': ['/ClinicalDocument/templateId', /Fiche RCP.*none of the volet's document templateIds/] },
  },
  {
    name: 'a wrong document templateId on the PPS (Entete_Cancer-PPS asserts it)',
    doc: PPS, mutate: (x) => replaceOnce(x, 'root="1.2.250.1.213.1.1.1.26"', 'root="1.2.250.1.213.1.1.1.20"'),
    errors: ['PPS-TEMPLATEID'], warnings: ['OF-VOLET-TEMPLATEID'],
    at: { 'PPS-TEMPLATEID': ['/ClinicalDocument/templateId', /1\.2\.250\.1\.213\.1\.1\.1\.26/] },
  },
  {
    name: 'a wrong section templateId (the FR-Statut-du-document of the CR-GM is no longer recognised)',
    doc: CRGM, mutate: (x) => replaceOnce(x, '<templateId root="1.2.250.1.213.1.1.2.35"/>', '<templateId root="1.2.250.1.213.1.1.2.36"/>'),
    errors: ['CRGM-SECTION-7'],
  },
  {
    name: 'the CI-SIS header templateId missing',
    doc: CRACP, mutate: (x) => replaceOnce(x, '<templateId root="1.2.250.1.213.1.1.1.1"/>', ''),
    errors: ['SM-TEMPLATEID-CISIS'],
  },
  {
    name: 'a malformed date (effectiveTime value="2022-13-45"; the XSD ts pattern, checked by us without the XSD)',
    doc: RCP, mutate: (x) => replaceOnce(x, '<effectiveTime value="20250312143000+0100"/>', '<effectiveTime value="2022-13-45"/>'),
    errors: ['XSD-TS-FORMAT'],
    at: { 'XSD-TS-FORMAT': ['/ClinicalDocument/effectiveTime/@value', /ts format.*"2022-13-45"/] },
  },
  {
    name: 'an impossible date in the ts format (20251345: month 13; our own warning)',
    doc: PPS, mutate: (x) => replaceOnce(x, '<birthTime value="19550221"/>', '<birthTime value="19551345"/>'),
    errors: [], warnings: ['OF-TS-CALENDAR'],
    at: { 'OF-TS-CALENDAR': ['/ClinicalDocument/recordTarget/patientRole/patient/birthTime/@value', /calendar/] },
  },
  {
    name: 'no legalAuthenticator',
    doc: CRGM, mutate: (x) => removeElement(x, 'legalAuthenticator'),
    errors: ['SM-LEGALAUTHENTICATOR'],
    at: { 'SM-LEGALAUTHENTICATOR': ['/ClinicalDocument/legalAuthenticator', /legalAuthenticator.*signatureCode 'S'/] },
  },
  {
    name: 'a legalAuthenticator that did not sign (signatureCode other than S)',
    doc: RCP, mutate: (x) => replaceOnce(x, '<signatureCode code="S"/>', '<signatureCode code="X"/>'),
    errors: ['SM-LEGALAUTHENTICATOR'],
  },
  {
    name: 'an author templateId in the header',
    doc: PPS, mutate: (x) => replaceOnce(x, '<author>\n', '<author>\n    <templateId root="1.3.6.1.4.1.19376.1.8.1.4.2"/>\n'),
    errors: ['SM-AUTHOR-TEMPLATEID'],
  },
  {
    name: 'an author function outside JDV_J47',
    doc: RCP, mutate: (x) => replaceOnce(x, /<functionCode code="353"(?=[^>]*>\s*<time value)/, '<functionCode code="999"'),
    errors: ['SM-AUTHOR-FUNCTION-VS'],
  },
  {
    name: 'a fiche RCP encounter without the RCP identifiers (Entete_FRCP)',
    doc: RCP, mutate: (x) => replaceOnce(x, '<id root="1.2.250.1.161.1.20.3.1" extension="RCP-SEIN-RENNES"/>', ''),
    errors: ['FRCP-ENCOUNTER-IDS'],
  },
  {
    name: 'a fiche RCP without the T category of the tumour (S_cancerDiagnosis_FRCP)',
    doc: RCP, mutate: (x) => replaceOnce(x, 'code="21905-5"', 'code="21918-8"'),
    errors: ['FRCP-DIAG-T'],
  },
  {
    name: 'a CR-GM with two participants only (Entete_CR-GM)',
    doc: CRGM, mutate: (x) => removeElement(x, 'participant', '<participant typeCode="RESP">'),
    errors: ['CRGM-PARTICIPANTS'],
  },
];

describe('mutated examples fail with the right rule, message and XPath', () => {
  it.each(CASES.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const r = check(c.mutate(c.doc));
    expect(rules(errors(r))).toEqual([...c.errors].sort());
    for (const w of c.warnings ?? []) expect(rules(warnings(r))).toContain(w);
    for (const [rule, [xpath, message]] of Object.entries(c.at ?? {})) {
      const issue = r.issues.find((i) => i.rule === rule);
      expect(issue?.expression, rule).toContain(xpath);
      expect(issue?.diagnostics, rule).toMatch(message);
    }
  });
});

describe.skipIf(!HAS_CORPUS)(`with the CDA schema${HAS_CORPUS ? '' : ` — ${NO_CORPUS_MESSAGE}`}`, () => {
  it('a malformed date is an XSD error located on its element and line, and the restated rule stays silent', () => {
    const r = check(replaceOnce(RCP, '<effectiveTime value="20250312143000+0100"/>', '<effectiveTime value="2022-13-45"/>'), true);
    const e = errors(r);
    expect(rules(e)).toEqual(['XSD']);
    expect(e[0]).toMatchObject({ expression: ['/ClinicalDocument/effectiveTime'], source: 'CDA XSD' });
    expect(e[0].diagnostics).toMatch(/effectiveTime.*'2022-13-45'.*line \d+/s);
  });

  it('no recordTarget: an XSD error (and the header rules say so too)', () => {
    const r = check(removeElement(CRACP, 'recordTarget'), true);
    const xsd = errors(r).filter((i) => i.rule === 'XSD');
    expect(xsd).toHaveLength(1);
    expect(xsd[0].diagnostics).toMatch(/recordTarget/);
    expect(rules(errors(r))).toContain('SM-RECORDTARGET');
  });
});

// EXPECTED.md: "What the official rules caught when these examples were altered by hand".
describe.skipIf(!HAS_CORPUS)(`hand-made alterations of the ANS examples (EXPECTED.md)${HAS_CORPUS ? '' : ` — ${NO_CORPUS_MESSAGE}`}`, () => {
  const FRCP = stripComments(HAS_CORPUS ? corpus('CANCER-FRCP_2022.01_Appareil.xml') : '');
  const GM = stripComments(HAS_CORPUS ? corpus('CANCER-CR-GM_2022.01_AnalyseRealisee.xml') : '');
  const PPS_ANS = stripComments(HAS_CORPUS ? corpus('CANCER-PPS_2022.01_feuille-de-style-externe.xml') : '');

  it('legalAuthenticator removed: 1 header error', () => {
    expect(rules(errors(check(removeElement(FRCP, 'legalAuthenticator'), true)))).toEqual(['SM-LEGALAUTHENTICATOR']);
  });
  it('patient birthTime removed while an INS is present: 2 header errors (INS traits)', () => {
    expect(rules(errors(check(removeElement(FRCP, 'birthTime', '<recordTarget'), true)))).toEqual(['SM-INS-TRAITS', 'SM-PATIENT-BIRTHTIME']);
  });
  it('a document code outside JDV_J07: 1 header error and 1 volet error', () => {
    expect(rules(errors(check(replaceOnce(FRCP, /code="34794-8"(?= codeSystem="2\.16\.840\.1\.113883\.6\.1" codeSystemName="LOINC" displayName="CR de réunion)/, 'code="00000-0"'), true)))).toEqual(['FRCP-CODE', 'SM-CODE-J07']);
  });
  it('recordTarget removed: an XSD error', () => {
    const e = errors(check(removeElement(FRCP, 'recordTarget'), true));
    expect(e.filter((i) => i.rule === 'XSD').map((i) => i.diagnostics).join()).toMatch(/recordTarget/);
  });
  it('the first mandatory section of the fiche RCP removed: 1 volet error', () => {
    expect(rules(errors(check(removeSection(FRCP, '1.2.250.1.213.1.1.2.128'), true)))).toEqual(['FRCP-SECTION-1']);
  });
  it('a changed document-level templateId (.8, .32): not caught by the official rules; a warning of ours', () => {
    for (const [xml, from] of [[FRCP, 'root="1.2.250.1.213.1.1.1.8"'], [GM, 'root="1.2.250.1.213.1.1.1.32"']]) {
      const r = check(replaceOnce(xml, from, 'root="1.2.250.1.213.1.1.1.999"'), true);
      expect(errors(r)).toEqual([]);
      expect(rules(warnings(r))).toContain('OF-VOLET-TEMPLATEID');
    }
  });
  it('the first section of a PPS removed: not caught by the official rules (nor by ours: it is an optional comment)', () => {
    const r = check(removeSection(PPS_ANS, '1.2.250.1.213.1.1.2.73'), true);
    expect(errors(r)).toEqual([]);
  });
  it('the care programme of a PPS removed: a warning of ours', () => {
    let x = PPS_ANS;
    while (x.includes('<templateId root="1.2.250.1.213.1.1.2.158"')) x = removeSection(x, '1.2.250.1.213.1.1.2.158');
    const r = check(x, true);
    expect(errors(r)).toEqual([]);
    expect(rules(warnings(r))).toContain('PPS-OF-SECTION-2');
  });
});

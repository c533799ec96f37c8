// The official verdicts of ../shared/corpus/cda/EXPECTED.md (ANS XSD, header schematron and volet
// schematrons) reproduced by our validator, file by file. Skipped, with a message, without the corpus.
import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CORPUS, HAS_CORPUS, NO_CORPUS_MESSAGE, check, corpus, errors, rules, warnings } from './support.js';

const VALID_2022 = [
  ['CANCER-FRCP_2022.01_Appareil.xml', 'rcp'],
  ['CANCER-FRCP_2022.01_Transversale.xml', 'rcp'],
  ['CANCER-PPS_2022.01_Autopresentable.xml', 'pps'],
  ['CANCER-PPS_2022.01_feuille-de-style-externe.xml', 'pps'],
  ['CANCER-CR-GM_2022.01_AnalyseRealisee.xml', 'crgm'],
  ['CANCER-CR-GM_2022.01_AnalyseNonRealisee.xml', 'crgm'],
] as const;

describe.skipIf(!HAS_CORPUS)(`ANS corpus verdicts (EXPECTED.md)${HAS_CORPUS ? '' : ` — ${NO_CORPUS_MESSAGE}`}`, () => {
  it('covers every example of the corpus', () => {
    const files = readdirSync(CORPUS).filter((f) => f.endsWith('.xml')).sort();
    expect(files).toEqual([...VALID_2022.map(([f]) => f), 'CANCER-CR-ACP-COLON-RECTUM_2021.01.xml', 'CANCER-CR-ACP-COLON-RECTUM_GIST_2021.01.xml', 'CANCER-CR-ACP-MELANOME_2021.01.xml'].sort());
  });

  it.each(VALID_2022)('%s: XSD valid, 0 header and 0 volet errors (volet %s, 2022.01)', (file, volet) => {
    const r = check(corpus(file), true);
    expect(r.xsd).toBe(true);
    expect(r.volet).toBe(volet);
    expect(r.version).toBe('2022.01');
    expect(errors(r)).toEqual([]);
  });

  it('the 2022.01 examples raise no warning of ours either, except the empty-results note on the CR-GM "analysis not performed"', () => {
    for (const [file] of VALID_2022) {
      const w = warnings(check(corpus(file), true));
      if (file.includes('AnalyseNonRealisee')) expect(rules(w)).toEqual(['CRGM-OF-RESULTS']);
      else expect(w).toEqual([]);
    }
  });

  const OFFICIAL_CRACP = ['SM-AUTHOR-TEMPLATEID', 'SM-CODE-J07', 'SM-NAME-FAMILY-QUALIFIER'];
  it.each(['CANCER-CR-ACP-COLON-RECTUM_2021.01.xml', 'CANCER-CR-ACP-MELANOME_2021.01.xml'])(
    '%s: XSD valid and exactly the three header errors of today’s rules (JDV_J07 code, name qualifier, author templateId)',
    (file) => {
      const r = check(corpus(file), true);
      expect(r.volet).toBe('cracp');
      expect(r.version).toBe('2021.01');
      const e = errors(r);
      expect(rules(e)).toEqual(OFFICIAL_CRACP);
      expect(e.find((i) => i.rule === 'SM-CODE-J07')).toMatchObject({ expression: ['/ClinicalDocument/code/@code'], diagnostics: expect.stringMatching(/JDV_J07.*"11526-1"/) });
      expect(e.find((i) => i.rule === 'SM-NAME-FAMILY-QUALIFIER')).toMatchObject({ expression: ['/ClinicalDocument/recordTarget/patientRole/patient/name/family[2]/@qualifier'], diagnostics: expect.stringMatching(/BR.*CL.*"SP"/) });
      expect(e.find((i) => i.rule === 'SM-AUTHOR-TEMPLATEID')).toMatchObject({ expression: ['/ClinicalDocument/author/templateId/@root'], diagnostics: expect.stringContaining('1.3.6.1.4.1.19376.1.8.1.4.2') });
    },
  );

  it('CANCER-CR-ACP-COLON-RECTUM_GIST_2021.01.xml: XSD valid and three header errors (JDV_J07 code, author templateId, and the patient identity rule its names break)', () => {
    // EXPECTED.md lists "the same three" as the other CR-ACP files, but this file has no name
    // qualifier other than BR: what it breaks under the published rule is the INS traits (an INS-NIR
    // .4.8 without a given name qualified BR nor a birthplace county). Reported to the lead.
    const r = check(corpus('CANCER-CR-ACP-COLON-RECTUM_GIST_2021.01.xml'), true);
    const e = errors(r);
    expect(e).toHaveLength(3);
    expect(rules(e)).toEqual(['SM-AUTHOR-TEMPLATEID', 'SM-CODE-J07', 'SM-INS-TRAITS']);
    expect(e.find((i) => i.rule === 'SM-INS-TRAITS')?.expression).toEqual([
      "/ClinicalDocument/recordTarget/patientRole/patient/name/given[@qualifier='BR']",
      '/ClinicalDocument/recordTarget/patientRole/patient/birthplace/place/addr/county',
    ]);
  });

  it('finds the ClinicalDocument inside the self-presenting PPS and reports its XPaths from the file root', () => {
    const r = check(corpus('CANCER-PPS_2022.01_Autopresentable.xml'), true);
    expect(r.document?.xpath).toBe('/stylesheet/Contenu/ClinicalDocument');
  });
});

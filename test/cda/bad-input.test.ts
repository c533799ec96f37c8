// Inputs that are not (readable) CDA documents: each is a clean fatal issue, never an exception, an
// entity expansion or a file read.
import { describe, expect, it } from 'vitest';
import { check, example } from './support.js';

const RCP = example('fiche-rcp.xml');

describe('bad CDA input', () => {
  it.each([
    ['an empty body', '', /no root element|Malformed/],
    ['text that is not XML', 'this is not XML', /Malformed XML/],
    ['truncated XML', RCP.slice(0, 2000), /Malformed XML/],
    ['two root elements', '<ClinicalDocument xmlns="urn:hl7-org:v3"/><ClinicalDocument xmlns="urn:hl7-org:v3"/>', /Malformed XML|More than one root/],
    ['an unbound namespace prefix', '<c:ClinicalDocument/>', /Malformed XML/],
    ['a DOCTYPE', '<!DOCTYPE ClinicalDocument><ClinicalDocument xmlns="urn:hl7-org:v3"/>', /DOCTYPE is not allowed/],
    ['an XXE attempt (external entity)', '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><ClinicalDocument xmlns="urn:hl7-org:v3"><title>&xxe;</title></ClinicalDocument>', /DOCTYPE is not allowed/],
    ['a billion-laughs attempt', '<!DOCTYPE l [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;&a;">]><ClinicalDocument xmlns="urn:hl7-org:v3">&b;</ClinicalDocument>', /DOCTYPE is not allowed/],
    ['an undeclared entity', '<ClinicalDocument xmlns="urn:hl7-org:v3"><title>&nbsp;</title></ClinicalDocument>', /Malformed XML/],
    ['a FHIR resource in XML', '<Patient xmlns="http://hl7.org/fhir"><id value="p1"/></Patient>', /not an HL7 CDA ClinicalDocument/],
    ['a ClinicalDocument outside the HL7 v3 namespace', '<ClinicalDocument><title>x</title></ClinicalDocument>', /not an HL7 CDA ClinicalDocument/],
    ['nesting deeper than the parser accepts', `<ClinicalDocument xmlns="urn:hl7-org:v3">${'<a>'.repeat(300)}${'</a>'.repeat(300)}</ClinicalDocument>`, /nested deeper/],
  ])('%s → one fatal issue', (_name, xml, message) => {
    const r = check(xml, true);
    expect(r.issues).toHaveLength(1);
    expect(r.issues[0].severity).toBe('fatal');
    expect(r.issues[0].diagnostics).toMatch(message);
    expect(r.volet).toBeUndefined();
  });

  it('reports the line of a syntax error', () => {
    const broken = RCP.replace('<title>Fiche de réunion', '<title Fiche de réunion');
    const line = RCP.slice(0, RCP.indexOf('<title>')).split('\n').length;
    const r = check(broken);
    expect(r.issues[0].diagnostics).toMatch(new RegExp(`\\(line ${line}\\)`));
  });

  it('a CDA document of another kind (no cancer volet) gets the header rules and a warning', () => {
    const other = RCP.replace('root="1.2.250.1.213.1.1.1.8" extension="2022.01"', 'root="1.2.250.1.213.1.1.1.55"').replace('code="34794-8" displayName="CR de réunion de concertation pluridisciplinaire"', 'code="11488-4" displayName="CR de consultation"');
    const r = check(other);
    expect(r.volet).toBeUndefined();
    expect(r.issues.filter((i) => i.severity === 'error')).toEqual([]);
    expect(r.issues.map((i) => i.rule)).toEqual(['OF-VOLET']);
  });
});

// Search by each parameter kind, prefix and modifier, on PGlite and PostgreSQL.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../../src/store/db.js';
import { DB_KINDS, openTestDb } from '../../support/db.js';
import { DATA, INS } from './fixtures.js';
import { BASE, ids, put } from './helper.js';

const V2 = 'http://terminology.hl7.org/CodeSystem/v2-0203';
const UCUM = 'http://unitsofmeasure.org';
const e = encodeURIComponent;

describe.each(DB_KINDS)('search by kind on %s', (kind) => {
  let db: Db;
  beforeAll(async () => {
    db = await openTestDb(kind);
    await put(db, DATA);
  });
  afterAll(async () => db?.close());

  const cases: [string, string, string, string[]][] = [
    // number
    ['number eq', 'RiskAssessment', 'probability=0.8', ['ra1']],
    ['number eq with trailing zero', 'RiskAssessment', 'probability=0.80', ['ra1']],
    ['number eq by precision', 'RiskAssessment', 'probability=1e2', ['ra3']],
    ['number gt', 'RiskAssessment', 'probability=gt0.5', ['ra1', 'ra3']],
    ['number lt', 'RiskAssessment', 'probability=lt0.5', ['ra2']],
    ['number ge', 'RiskAssessment', 'probability=ge0.8', ['ra1', 'ra3']],
    ['number le', 'RiskAssessment', 'probability=le0.25', ['ra2']],
    ['number ne', 'RiskAssessment', 'probability=ne0.8', ['ra2', 'ra3']],
    ['number ap', 'RiskAssessment', 'probability=ap0.75', ['ra1']],
    ['number sa/eb', 'RiskAssessment', 'probability=sa0.25&probability=eb1', ['ra1']],
    // date
    ['date year', 'Observation', 'date=2023', ['o1', 'o5']],
    ['date month', 'Observation', 'date=2023-05', ['o1']],
    ['date with zone', 'Observation', `date=${e('2023-05-02T10:15:00+02:00')}`, ['o1']],
    ['date ge', 'Observation', 'date=ge2023-01-01', ['o1', 'o3', 'o5']],
    ['date lt', 'Observation', 'date=lt2022', ['o4']],
    ['date le', 'Observation', 'date=le2022-01-10', ['o2', 'o4']],
    ['date gt', 'Observation', 'date=gt2023-12-31', ['o3']],
    ['date sa', 'Observation', 'date=sa2023-01-31', ['o1', 'o3']],
    ['date eb', 'Observation', 'date=eb2023-01-01', ['o2', 'o4']],
    ['date ne', 'Observation', 'date=ne2023', ['o2', 'o3', 'o4']],
    ['date range AND', 'Observation', 'date=ge2022&date=lt2023-06', ['o1', 'o2', 'o5']],
    ['birthdate', 'Patient', 'birthdate=1961-03-15', ['p1']],
    // string
    ['string starts with', 'Patient', 'family=dup', ['p1', 'p3']],
    ['string is accent and case insensitive', 'Patient', 'given=HELENE', ['p1']],
    ['string :exact', 'Patient', 'family:exact=Dupont', ['p1']],
    ['string :exact is case sensitive', 'Patient', 'family:exact=dupont', []],
    ['string :contains', 'Patient', 'name:contains=mart', ['p3']],
    ['string OR', 'Patient', 'family=Dupont,Durand', ['p1', 'p2']],
    ['string AND', 'Patient', 'family=du&given=marc', ['p2']],
    ['address part', 'Patient', 'address-city=saint-etienne', ['p1']],
    ['string escaped comma', 'Organization', `name=${e('Centre Léon Bérard\\,x')}`, []],
    // token
    ['token code', 'Observation', 'code=8480-6', ['o1', 'o3']],
    ['token system|code', 'Observation', `code=${e('http://loinc.org|8480-6')}`, ['o1', 'o3']],
    ['token |code (no system)', 'Observation', `code=${e('|8480-6')}`, []],
    ['token system|', 'Observation', `code=${e('http://loinc.org|')}`, ['o1', 'o2', 'o3', 'o4', 'o5', 'o7', 'o8']],
    ['token :text', 'Observation', 'code:text=systolic', ['o1', 'o3']],
    ['token :text inside CodeableConcept.text', 'Observation', 'code:text=douleur', ['o6']],
    ['token :not', 'Observation', 'code:not=8480-6', ['o2', 'o4', 'o5', 'o6', 'o7', 'o8']],
    ['token :not includes missing', 'Observation', 'status:not=final', ['o2', 'o6']],
    ['token OR and AND', 'Observation', 'code=8480-6,29463-7&subject=p2', ['o3', 'o4']],
    ['token repeated = AND', 'Observation', 'code=8480-6&code=29463-7', []],
    ['boolean token', 'Patient', 'active=true', ['p1', 'p2']],
    ['identifier system|value', 'Patient', `identifier=${e(INS + '|111')}`, ['p1']],
    ['identifier value', 'Patient', 'identifier=222', ['p2']],
    ['identifier :of-type', 'Patient', `identifier:of-type=${e(`${V2}|NH|111`)}`, ['p1']],
    ['identifier :of-type other type', 'Patient', `identifier:of-type=${e(`${V2}|MR|111`)}`, []],
    ['ContactPoint token', 'Patient', 'telecom=helene@example.org', ['p1']],
    ['_tag', 'Patient', `_tag=${e('http://example.org/tags|vip')}`, ['p1']],
    ['_security', 'Patient', '_security=R', ['p3']],
    ['_id', 'Patient', '_id=p1,p3', ['p1', 'p3']],
    // quantity
    ['quantity number', 'Observation', 'value-quantity=120', ['o1']],
    ['quantity with system and code', 'Observation', `value-quantity=${e(`120|${UCUM}|mm[Hg]`)}`, ['o1']],
    ['quantity ||code with prefix', 'Observation', `value-quantity=${e('gt130||mm[Hg]')}`, ['o3']],
    ['quantity UCUM canonical (g vs kg)', 'Observation', `value-quantity=${e(`80|${UCUM}|kg`)}`, ['o4']],
    ['quantity UCUM canonical lt', 'Observation', `value-quantity=${e(`lt75|${UCUM}|kg`)}`, ['o2']],
    ['quantity matches the unit text', 'Observation', `value-quantity=${e('170||cm')}`, ['o7']],
    ['quantity ge without unit', 'Observation', 'value-quantity=ge100', ['o1', 'o3', 'o4', 'o7']],
    // composite
    ['composite token$quantity', 'Observation', `code-value-quantity=${e('http://loinc.org|8480-6$gt130')}`, ['o3']],
    ['composite on components', 'Observation', `component-code-value-quantity=${e('http://loinc.org|8462-4$lt90')}`, ['o5']],
    ['composite needs both in one component', 'Observation', `component-code-value-quantity=${e('8462-4$131')}`, []],
    // reference
    ['reference Type/id', 'Observation', 'subject=Patient/p1', ['o1', 'o2']],
    ['reference id', 'Observation', 'subject=p1', ['o1', 'o2']],
    ['reference :Type', 'Observation', 'subject:Patient=p1', ['o1', 'o2']],
    ['reference absolute URL on this server', 'Observation', `subject=${e(BASE + '/Patient/p3')}`, ['o5', 'o6']],
    ['reference other server', 'Observation', `subject=${e('http://elsewhere.org/fhir/Patient/x9')}`, ['o8']],
    ['reference :identifier', 'Observation', `subject:identifier=${e(INS + '|333')}`, ['o7']],
    ['reference performer', 'Observation', 'performer=Practitioner/pr1', ['o3']],
    ['canonical reference', 'QuestionnaireResponse', `questionnaire=${e('http://example.org/Questionnaire/q1')}`, ['qr1']],
    ['canonical reference with version', 'QuestionnaireResponse', `questionnaire=${e('http://example.org/Questionnaire/q1|1.0')}`, ['qr1']],
    // uri
    ['uri', 'ValueSet', `url=${e('http://example.org/fhir/ValueSet/onco')}`, ['vs1']],
    ['uri :below', 'ValueSet', `url:below=${e('http://example.org/fhir/ValueSet/onco')}`, ['vs1', 'vs2']],
    ['uri :above', 'ValueSet', `url:above=${e('http://example.org/fhir/ValueSet/onco/sub/x')}`, ['vs1', 'vs2']],
    ['_profile', 'Patient', `_profile=${e('http://example.org/StructureDefinition/onco-patient')}`, ['p1']],
    ['_source', 'Patient', `_source=${e('http://example.org/source#a')}`, ['p1']],
    // :missing
    ['date :missing=true', 'Patient', 'birthdate:missing=true', ['p3']],
    ['date :missing=false', 'Patient', 'birthdate:missing=false', ['p1', 'p2']],
    ['quantity :missing=true', 'Observation', 'value-quantity:missing=true', ['o5', 'o6', 'o8']],
    ['token :missing=true', 'Patient', 'identifier:missing=true', ['p3']],
    ['reference :missing=true', 'Patient', 'organization:missing=true', ['p3']],
    ['string :missing=false', 'Organization', 'name:missing=false', ['org0', 'org1', 'org2']],
    // empty values are ignored
    ['empty parameter ignored', 'Patient', 'family=', ['p1', 'p2', 'p3']],
  ];

  it.each(cases)('%s: %s?%s', async (_label, type, qs, expected) => {
    expect(await ids(db, type, qs)).toEqual(expected);
  });

  it('date ap matches around the value', async () => {
    const found = await ids(db, 'Observation', 'date=ap2023-05-02');
    expect(found).toContain('o1');
    expect(found).not.toContain('o2');
    expect(found).not.toContain('o4');
  });

  it('_lastUpdated compares the resource table time', async () => {
    const { rows } = await db.query<{ last_updated: Date | string }>("SELECT last_updated FROM resource WHERE type = 'Observation' AND id = 'o7'");
    const at = new Date(rows[0].last_updated).toISOString();
    expect(await ids(db, 'Observation', `_lastUpdated=ge${e(at)}`)).toEqual(['o7', 'o8']);
    expect(await ids(db, 'Observation', `_lastUpdated=${e(at)}`)).toEqual(['o7']);
    expect(await ids(db, 'Observation', `_lastUpdated=lt${e(at)}&code=8302-2,8480-6`)).toEqual(['o1', 'o3']);
  });

  it('system-level search with _type and resource-level parameters', async () => {
    expect(await ids(db, undefined, '_type=Patient,Organization&_id=p1,org1,o1')).toEqual(['Organization/org1', 'Patient/p1']);
    expect(await ids(db, undefined, `_tag=${e('http://example.org/tags|vip')}`)).toEqual(['Patient/p1']);
    expect(await ids(db, undefined, '_type=Patient,Practitioner&family=mar,dupont')).toEqual(['Patient/p1', 'Practitioner/pr1']);
  });
});

// The terminology operations over HTTP (GET and POST), on core content and on resources stored on
// the server, plus the bad inputs that must give 400/404 with an OperationOutcome.
import type { Parameters, ParametersParameter, ValueSet } from 'fhir/r4';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { installTerminologyWriteHook, refreshFromStore, registerTerminologyOperations, resetStoreTerminology, validateCodeInValueSet } from '../../src/terminology/index.js';
import { DB_KINDS } from '../support/db.js';
import { FHIR_JSON, openTestServer, type TestServer } from '../support/server.js';

const GENDER = 'http://hl7.org/fhir/administrative-gender';
const GENDER_VS = 'http://hl7.org/fhir/ValueSet/administrative-gender';
const CM = 'http://hl7.org/fhir/ConceptMap/cm-administrative-gender-v2';
const param = (p: Parameters, name: string) => p.parameter?.find((x) => x.name === name);
const params = (...list: ParametersParameter[]): Parameters => ({ resourceType: 'Parameters', parameter: list });
const codes = (vs: ValueSet) => (vs.expansion?.contains ?? []).map((c) => c.code);

const storedCs = {
  resourceType: 'CodeSystem',
  id: 'tnm-demo',
  url: 'http://example.org/fhir/CodeSystem/tnm-demo',
  status: 'active',
  content: 'complete',
  caseSensitive: true,
  concept: [{ code: 'T1', display: 'Tumour 1', concept: [{ code: 'T1a', display: 'Tumour 1a' }] }, { code: 'T2', display: 'Tumour 2' }],
};
const storedVs = {
  resourceType: 'ValueSet',
  id: 'tnm-t1',
  url: 'http://example.org/fhir/ValueSet/tnm-t1',
  status: 'active',
  compose: { include: [{ system: storedCs.url, filter: [{ property: 'concept', op: 'is-a', value: 'T1' }] }] },
};

describe.each(DB_KINDS)('terminology operations (%s)', (kind) => {
  let s: TestServer;
  const get = (path: string) => request(s.app).get(`/fhir/${path}`).set('accept', FHIR_JSON);
  const post = (path: string, body: unknown) => request(s.app).post(`/fhir/${path}`).set('content-type', FHIR_JSON).send(JSON.stringify(body));
  const put = (path: string, body: unknown) => request(s.app).put(`/fhir/${path}`).set('content-type', FHIR_JSON).send(JSON.stringify(body));

  beforeAll(async () => {
    s = await openTestServer(kind);
    registerTerminologyOperations();
    installTerminologyWriteHook();
    resetStoreTerminology(); // memory is per process; each database starts from core content
  });
  afterAll(async () => {
    resetStoreTerminology();
    await s.close();
  });

  describe('ValueSet/$expand', () => {
    it('GET by url, with filter, count and offset', async () => {
      const r = await get(`ValueSet/$expand?url=${encodeURIComponent(GENDER_VS)}`);
      expect(r.status).toBe(200);
      expect(r.body.resourceType).toBe('ValueSet');
      expect(codes(r.body)).toEqual(['male', 'female', 'other', 'unknown']);
      const paged = await get(`ValueSet/$expand?url=${encodeURIComponent(GENDER_VS)}&count=1&offset=2`);
      expect(codes(paged.body)).toEqual(['other']);
      expect(paged.body.expansion.total).toBe(4);
      expect(paged.body.expansion.parameter).toEqual([{ name: 'count', valueInteger: 1 }, { name: 'offset', valueInteger: 2 }]);
      const filtered = await get(`ValueSet/$expand?url=${encodeURIComponent('http://hl7.org/fhir/ValueSet/condition-clinical')}&filter=re`);
      expect(codes(filtered.body)).toEqual(['recurrence', 'relapse', 'remission', 'resolved']);
    });

    it('instance level on a core value set (by id) and POST with a ValueSet in Parameters', async () => {
      expect(codes((await get('ValueSet/administrative-gender/$expand')).body)).toHaveLength(4);
      const body = params({ name: 'valueSet', resource: { resourceType: 'ValueSet', status: 'active', compose: { include: [{ system: GENDER, concept: [{ code: 'male' }] }] } } }, { name: 'count', valueInteger: 10 });
      const r = await post('ValueSet/$expand', body);
      expect(r.status).toBe(200);
      expect(r.body.expansion.contains).toEqual([{ system: GENDER, version: '4.0.1', code: 'male', display: 'Male' }]);
    });

    it('uses CodeSystems and ValueSets stored on the server, by url and by id, and follows updates and deletes', async () => {
      expect((await put('CodeSystem/tnm-demo', storedCs)).status).toBe(201);
      expect((await put('ValueSet/tnm-t1', storedVs)).status).toBe(201);
      expect(codes((await get(`ValueSet/$expand?url=${encodeURIComponent(storedVs.url)}`)).body)).toEqual(['T1', 'T1a']);
      expect(codes((await get('ValueSet/tnm-t1/$expand')).body)).toEqual(['T1', 'T1a']);
      // The validator's synchronous API sees them too (the write hook refreshed after commit).
      expect(validateCodeInValueSet(storedVs.url, { system: storedCs.url, code: 'T1a' }).result).toBe(true);
      expect(validateCodeInValueSet(storedVs.url, { system: storedCs.url, code: 'T2' }).result).toBe(false);

      await put('ValueSet/tnm-t1', { ...storedVs, compose: { include: [{ system: storedCs.url, concept: [{ code: 'T2' }] }] } });
      expect(codes((await get(`ValueSet/$expand?url=${encodeURIComponent(storedVs.url)}`)).body)).toEqual(['T2']);
      expect((await request(s.app).delete('/fhir/ValueSet/tnm-t1')).status).toBeLessThan(300);
      expect((await get(`ValueSet/$expand?url=${encodeURIComponent(storedVs.url)}`)).status).toBe(404);
      expect((await get('ValueSet/tnm-t1/$expand')).status).toBe(404);
    });

    it('expands a stored ValueSet without url at instance level', async () => {
      const { url: _u, ...noUrl } = { ...storedVs, id: 'no-url' };
      expect((await put('ValueSet/no-url', noUrl)).status).toBe(201);
      expect(codes((await get('ValueSet/no-url/$expand')).body)).toEqual(['T1', 'T1a']);
    });
  });

  describe('refreshFromStore (another node wrote)', () => {
    it('sees rows written behind its back, and does nothing when nothing changed', async () => {
      const vs = { resourceType: 'ValueSet', id: 'other-node', url: 'http://example.org/fhir/ValueSet/other-node', status: 'active', meta: { versionId: '1' }, compose: { include: [{ system: GENDER, concept: [{ code: 'other' }] }] } };
      await s.ctx.db.query(`INSERT INTO resource (type, id, version, last_updated, content) VALUES ('ValueSet', 'other-node', 1, now(), $1)`, [JSON.stringify(vs)]);
      expect(validateCodeInValueSet(vs.url, { system: GENDER, code: 'other' }).result).toBe('unknown');
      expect((await refreshFromStore(s.ctx.db)).changed).toBe(true);
      expect(validateCodeInValueSet(vs.url, { system: GENDER, code: 'other' }).result).toBe(true);
      expect((await refreshFromStore(s.ctx.db)).changed).toBe(false);
      await s.ctx.db.query(`UPDATE resource SET deleted = true, content = NULL, version = 2, last_updated = now() WHERE type = 'ValueSet' AND id = 'other-node'`);
      expect((await refreshFromStore(s.ctx.db)).changed).toBe(true);
      expect(validateCodeInValueSet(vs.url, { system: GENDER, code: 'other' }).result).toBe('unknown');
    });
  });

  describe('ValueSet/$validate-code', () => {
    it.each([
      ['GET code+system', () => get(`ValueSet/$validate-code?url=${encodeURIComponent(GENDER_VS)}&system=${encodeURIComponent(GENDER)}&code=female`), true, 'Female'],
      ['GET wrong code', () => get(`ValueSet/$validate-code?url=${encodeURIComponent(GENDER_VS)}&system=${encodeURIComponent(GENDER)}&code=girl`), false, undefined],
      ['GET instance level', () => get(`ValueSet/administrative-gender/$validate-code?code=male`), true, 'Male'],
      ['POST coding', () => post('ValueSet/$validate-code', params({ name: 'url', valueUri: GENDER_VS }, { name: 'coding', valueCoding: { system: GENDER, code: 'other' } })), true, 'Other'],
      ['POST codeableConcept, second coding valid', () => post('ValueSet/$validate-code', params({ name: 'url', valueUri: GENDER_VS }, { name: 'codeableConcept', valueCodeableConcept: { coding: [{ system: 'http://x', code: 'a' }, { system: GENDER, code: 'male' }] } })), true, 'Male'],
    ])('%s', async (_n, call, result, display) => {
      const r = await call();
      expect(r.status).toBe(200);
      expect(param(r.body, 'result')?.valueBoolean).toBe(result);
      expect(param(r.body, 'display')?.valueString).toBe(display);
      if (!result) expect(param(r.body, 'message')?.valueString).toMatch(/girl/);
    });

    it('says it cannot check a code of a system that is not loaded', async () => {
      const r = await get(`ValueSet/$validate-code?url=${encodeURIComponent('http://hl7.org/fhir/ValueSet/observation-codes')}&system=http://loinc.org&code=8480-6`);
      expect(param(r.body, 'result')?.valueBoolean).toBe(false);
      expect(param(r.body, 'message')?.valueString).toMatch(/^Unable to check: .*loinc.org is not loaded/);
    });
  });

  describe('CodeSystem/$lookup and $validate-code', () => {
    it('GET lookup by system and code, POST by coding, and a property filter', async () => {
      const r = await get('CodeSystem/$lookup?system=http://terminology.hl7.org/CodeSystem/v3-ActCode&code=AMB');
      expect(r.status).toBe(200);
      expect(param(r.body, 'display')?.valueString).toBe('ambulatory');
      expect(param(r.body, 'name')?.valueString).toBe('v3.ActCode');
      const p = await post('CodeSystem/$lookup', params({ name: 'coding', valueCoding: { system: GENDER, code: 'male' } }));
      expect(param(p.body, 'display')?.valueString).toBe('Male');
      const only = await get('CodeSystem/$lookup?system=http://terminology.hl7.org/CodeSystem/v3-ActCode&code=AMB&property=parent');
      expect(only.body.parameter.filter((x: ParametersParameter) => x.name === 'property').map((x: ParametersParameter) => x.part?.[0].valueCode)).toEqual(['parent']);
    });

    it('looks up in a stored CodeSystem, at type and instance level', async () => {
      await put('CodeSystem/tnm-demo', storedCs);
      const r = await get(`CodeSystem/$lookup?system=${encodeURIComponent(storedCs.url)}&code=T1a`);
      expect(param(r.body, 'display')?.valueString).toBe('Tumour 1a');
      const i = await get('CodeSystem/tnm-demo/$lookup?code=T1a');
      expect(i.body.parameter.find((x: ParametersParameter) => x.name === 'property' && x.part?.[0].valueCode === 'parent')?.part?.[1].valueCode).toBe('T1');
    });

    it.each([
      [`url=${GENDER}&code=male`, true],
      [`url=${GENDER}&code=male&display=Man`, true],
      [`url=${GENDER}&code=MALE`, false],
      [`coding=${GENDER}|unknown`, true],
    ])('GET CodeSystem/$validate-code?%s', async (q, result) => {
      const r = await get(`CodeSystem/$validate-code?${q}`);
      expect(r.status).toBe(200);
      expect(param(r.body, 'result')?.valueBoolean).toBe(result);
      if (q.includes('display=Man')) expect(param(r.body, 'message')?.valueString).toMatch(/expected "Male"/);
    });
  });

  describe('ConceptMap/$translate', () => {
    it('GET by url, POST with coding and targetsystem, instance level, reverse', async () => {
      const r = await get(`ConceptMap/$translate?url=${encodeURIComponent(CM)}&system=${encodeURIComponent(GENDER)}&code=female`);
      expect(r.status).toBe(200);
      expect(param(r.body, 'result')?.valueBoolean).toBe(true);
      const match = param(r.body, 'match')!;
      expect(match.part).toEqual([
        { name: 'equivalence', valueCode: 'equal' },
        { name: 'concept', valueCoding: { system: 'http://terminology.hl7.org/CodeSystem/v2-0001', code: 'F' } },
        { name: 'source', valueUri: CM },
      ]);
      const p = await post('ConceptMap/$translate', params({ name: 'coding', valueCoding: { system: GENDER, code: 'male' } }, { name: 'targetsystem', valueUri: 'http://terminology.hl7.org/CodeSystem/v3-AdministrativeGender' }));
      expect(param(p.body, 'match')?.part?.[1].valueCoding?.code).toBe('M');
      const i = await get(`ConceptMap/cm-administrative-gender-v2/$translate?system=${encodeURIComponent(GENDER)}&code=other`);
      const all = i.body.parameter.filter((x: ParametersParameter) => x.name === 'match').map((m: ParametersParameter) => [m.part?.[0].valueCode, m.part?.[1].valueCoding?.code]);
      expect(all).toEqual([['wider', 'A'], ['wider', 'O']]);
      const rev = await get(`ConceptMap/$translate?url=${encodeURIComponent(CM)}&system=http://terminology.hl7.org/CodeSystem/v2-0001&code=M&reverse=true`);
      expect(param(rev.body, 'match')?.part?.[1].valueCoding?.code).toBe('male');
    });
  });

  describe('bad inputs', () => {
    const enc = encodeURIComponent;
    it.each([
      ['no value set', () => get('ValueSet/$expand'), 400, /value set is missing/],
      ['unknown value set url', () => get(`ValueSet/$expand?url=${enc('http://example.org/none')}`), 404, /not known/],
      ['unknown value set id', () => get('ValueSet/nope/$expand'), 404, /ValueSet\/nope is not known/],
      ['negative count', () => get(`ValueSet/$expand?url=${enc(GENDER_VS)}&count=-1`), 400, /count must be an integer/],
      ['count not a number', () => get(`ValueSet/$expand?url=${enc(GENDER_VS)}&count=ten`), 400, /count must be an integer/],
      ['duplicated url', () => get(`ValueSet/$expand?url=${enc(GENDER_VS)}&url=x`), 400, /given 2 times/],
      ['expansion impossible (LOINC)', () => get(`ValueSet/$expand?url=${enc('http://hl7.org/fhir/ValueSet/observation-codes')}`), 400, /loinc.org is not loaded/],
      ['body not Parameters', () => post('ValueSet/$expand', { resourceType: 'Patient' }), 400, /must be a Parameters/],
      ['valueSet param not a ValueSet', () => post('ValueSet/$expand', params({ name: 'valueSet', resource: { resourceType: 'Patient' } as never })), 400, /must hold a ValueSet/],
      ['url and valueSet', () => post('ValueSet/$expand', params({ name: 'url', valueUri: GENDER_VS }, { name: 'valueSet', resource: { resourceType: 'ValueSet', status: 'active' } })), 400, /either url or valueSet/],
      ['valueSet with neither compose nor expansion', () => post('ValueSet/$expand', params({ name: 'valueSet', resource: { resourceType: 'ValueSet', status: 'active' } })), 400, /neither compose nor expansion/],
      ['bad regex filter', () => post('ValueSet/$expand', params({ name: 'valueSet', resource: { resourceType: 'ValueSet', status: 'active', compose: { include: [{ system: GENDER, filter: [{ property: 'code', op: 'regex', value: '(' }] }] } } })), 400, /Invalid regex/],
      ['nothing to validate', () => get(`ValueSet/$validate-code?url=${enc(GENDER_VS)}`), 400, /Nothing to check/],
      ['code and coding', () => post('ValueSet/$validate-code', params({ name: 'url', valueUri: GENDER_VS }, { name: 'code', valueCode: 'male' }, { name: 'coding', valueCoding: { code: 'male' } })), 400, /only one of/],
      ['codeableConcept on GET', () => get(`ValueSet/$validate-code?url=${enc(GENDER_VS)}&codeableConcept=x`), 400, /only be given in a POSTed/],
      ['coding without code', () => post('ValueSet/$validate-code', params({ name: 'url', valueUri: GENDER_VS }, { name: 'coding', valueCoding: { system: GENDER } })), 400, /coding has no code/],
      ['lookup without code', () => get(`CodeSystem/$lookup?system=${enc(GENDER)}`), 400, /code to look up is missing/],
      ['lookup without system', () => get('CodeSystem/$lookup?code=male'), 400, /code system is missing/],
      ['lookup of an unknown code', () => get(`CodeSystem/$lookup?system=${enc(GENDER)}&code=nope`), 404, /Unknown code nope/],
      ['lookup in a system not loaded', () => get('CodeSystem/$lookup?system=http://loinc.org&code=8480-6'), 404, /loinc.org is not known/],
      ['validate-code in an unknown CodeSystem', () => get('CodeSystem/$validate-code?url=http://example.org/cs&code=1'), 404, /not known/],
      ['boolean not boolean', () => get(`ConceptMap/$translate?url=${enc(CM)}&system=${enc(GENDER)}&code=male&reverse=yes`), 400, /reverse must be true or false/],
      ['translate with an unknown map', () => get(`ConceptMap/$translate?url=${enc('http://example.org/cm')}&system=${enc(GENDER)}&code=male`), 404, /ConceptMap .* is not known/],
      ['translate without system', () => get(`ConceptMap/$translate?url=${enc(CM)}&code=male`), 400, /system of the code/],
      ['$expand on CodeSystem', () => get('CodeSystem/$expand'), 404, /not defined for CodeSystem/],
    ])('%s → %s', async (_n, call, status, message) => {
      const r = await call();
      expect(r.status).toBe(status);
      expect(r.body.resourceType).toBe('OperationOutcome');
      expect(r.body.issue[0].severity).toBe('error');
      expect(r.body.issue[0].diagnostics).toMatch(message);
    });
  });
});

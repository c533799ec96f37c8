import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import { DB_KINDS } from '../support/db.js';
import { openTestServer, FHIR_JSON, type TestServer } from '../support/server.js';

const patient = {
  resourceType: 'Patient', id: 'fmt-1', active: true,
  name: [{ family: 'Lefèvre', given: ['Anne', 'Marie'] }],
  birthDate: '1961-07-14', _birthDate: { extension: [{ url: 'http://hl7.org/fhir/StructureDefinition/patient-birthTime', valueDateTime: '1961-07-14T08:30:00+02:00' }] },
  text: { status: 'generated', div: '<div xmlns="http://www.w3.org/1999/xhtml">Anne &amp; Marie</div>' },
};

describe.each(DB_KINDS)('formats on %s', (kind) => {
  let s: TestServer;
  beforeAll(async () => {
    s = await openTestServer(kind);
    await request(s.app).put('/fhir/Patient/fmt-1').set('content-type', FHIR_JSON).send(JSON.stringify(patient));
  });
  afterAll(async () => { await s.close(); });

  it('serves XML by Accept and by _format, and JSON by default', async () => {
    const byAccept = await request(s.app).get('/fhir/Patient/fmt-1').set('accept', 'application/fhir+xml');
    expect(byAccept.headers['content-type']).toMatch(/application\/fhir\+xml/);
    expect(byAccept.text).toMatch(/^<\?xml[^>]*\?><Patient xmlns="http:\/\/hl7.org\/fhir"><id value="fmt-1"\/>/);
    expect(byAccept.text).toContain('<birthDate value="1961-07-14"><extension url="http://hl7.org/fhir/StructureDefinition/patient-birthTime">');
    const byParam = await request(s.app).get('/fhir/Patient/fmt-1?_format=xml');
    expect(byParam.text).toBe(byAccept.text);
    const json = await request(s.app).get('/fhir/Patient/fmt-1').set('accept', '*/*');
    expect(json.headers['content-type']).toMatch(/application\/fhir\+json/);
  });

  it('accepts XML writes and stores the same resource as the JSON it round-trips to', async () => {
    const xml = (await request(s.app).get('/fhir/Patient/fmt-1?_format=xml')).text.replace('fmt-1', 'fmt-2');
    const put = await request(s.app).put('/fhir/Patient/fmt-2').set('content-type', 'application/fhir+xml').send(xml);
    expect(put.status).toBe(201);
    const a = (await request(s.app).get('/fhir/Patient/fmt-1')).body;
    const b = (await request(s.app).get('/fhir/Patient/fmt-2')).body;
    const strip = (r: Record<string, unknown>) => ({ ...r, id: undefined, meta: undefined });
    expect(strip(b)).toEqual(strip(a));
  });

  it('answers XML errors in XML when XML was asked for', async () => {
    const res = await request(s.app).get('/fhir/Patient/none?_format=xml');
    expect(res.status).toBe(404);
    expect(res.text).toMatch(/<OperationOutcome xmlns="http:\/\/hl7.org\/fhir">/);
  });

  it('pretty-prints JSON with _pretty=true', async () => {
    const res = await request(s.app).get('/fhir/Patient/fmt-1?_pretty=true');
    expect(res.text).toContain('\n  "resourceType": "Patient"');
  });

  it('applies _summary and _elements to reads, tagging the result SUBSETTED', async () => {
    const sum = (await request(s.app).get('/fhir/Patient/fmt-1?_summary=true')).body;
    expect(sum.text).toBeUndefined();
    expect(sum.name[0].family).toBe('Lefèvre');
    expect(sum.meta.tag).toEqual(expect.arrayContaining([expect.objectContaining({ code: 'SUBSETTED' })]));
    const text = (await request(s.app).get('/fhir/Patient/fmt-1?_summary=text')).body;
    expect(text.text.div).toContain('Anne');
    expect(text.name).toBeUndefined();
    const el = (await request(s.app).get('/fhir/Patient/fmt-1?_elements=birthDate')).body;
    expect(Object.keys(el).sort()).toEqual(['_birthDate', 'birthDate', 'id', 'meta', 'resourceType']);
    const data = (await request(s.app).get('/fhir/Patient/fmt-1?_summary=data')).body;
    expect(data.text).toBeUndefined();
    expect(data.active).toBe(true);
  });

  it('answers HEAD like GET without a body', async () => {
    const res = await request(s.app).head('/fhir/Patient/fmt-1');
    expect(res.status).toBe(200);
    expect(res.headers.etag).toBe('W/"1"');
    expect(res.text ?? '').toBe('');
  });
});

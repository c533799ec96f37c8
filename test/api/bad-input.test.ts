import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import { DB_KINDS } from '../support/db.js';
import { openTestServer, FHIR_JSON, type TestServer } from '../support/server.js';
import { onWrite } from '../../src/api/write-hooks.js';

// A hook that fails like a bug would, to check that a 500 leaks nothing and stores nothing.
onWrite(async (_q, _call, resource) => {
  if (resource.meta?.tag?.some((t) => t.code === 'explode-in-hook')) throw new Error('secret internal detail at /srv/app.ts:42');
});

interface Case {
  name: string;
  method: 'get' | 'post' | 'put' | 'delete' | 'patch';
  path: string;
  body?: string;
  type?: string;
  headers?: Record<string, string>;
  status: number;
  expression?: string;
}

const P = (o: object) => JSON.stringify({ resourceType: 'Patient', ...o });

const CASES: Case[] = [
  { name: 'malformed JSON', method: 'post', path: '/fhir/Patient', body: '{"resourceType": "Patient",', status: 400 },
  { name: 'a JSON array instead of a resource', method: 'post', path: '/fhir/Patient', body: '[]', status: 400 },
  { name: 'no resourceType', method: 'post', path: '/fhir/Patient', body: '{"gender":"male"}', status: 400, expression: 'resourceType' },
  { name: 'an unknown resourceType in the body', method: 'post', path: '/fhir/Patient', body: '{"resourceType":"Patientt"}', status: 400, expression: 'resourceType' },
  { name: 'a body type that differs from the URL', method: 'post', path: '/fhir/Patient', body: '{"resourceType":"Observation"}', status: 400, expression: 'resourceType' },
  { name: 'an unknown type in the URL', method: 'post', path: '/fhir/Patientt', body: P({}), status: 404 },
  { name: 'an unsupported Content-Type', method: 'post', path: '/fhir/Patient', body: 'hello', type: 'text/plain', status: 415 },
  { name: 'an update whose body id differs from the URL', method: 'put', path: '/fhir/Patient/a1', body: P({ id: 'b1' }), status: 400, expression: 'Patient.id' },
  { name: 'an update without id in the body', method: 'put', path: '/fhir/Patient/a1', body: P({}), status: 400, expression: 'Patient.id' },
  { name: 'an invalid id', method: 'put', path: '/fhir/Patient/bad_id', body: P({ id: 'bad_id' }), status: 400 },
  { name: 'an id of 65 characters', method: 'put', path: `/fhir/Patient/${'a'.repeat(65)}`, body: P({ id: 'a'.repeat(65) }), status: 400 },
  { name: 'an id that is not a string', method: 'post', path: '/fhir/Patient', body: P({ id: 12 }), status: 400, expression: 'Patient.id' },
  { name: 'a body over the size limit', method: 'post', path: '/fhir/Patient', body: P({ text: { status: 'generated', div: `<div xmlns="http://www.w3.org/1999/xhtml">${'x'.repeat(5000)}</div>` } }), status: 413 },
  { name: 'an empty create', method: 'post', path: '/fhir/Patient', body: '', status: 400 },
  { name: 'DELETE on metadata', method: 'delete', path: '/fhir/metadata', status: 405 },
  { name: 'POST on an instance', method: 'post', path: '/fhir/Patient/a1', body: P({}), status: 405 },
  { name: 'an unsupported _format', method: 'get', path: '/fhir/metadata?_format=yaml', status: 406 },
  { name: 'an If-Match that is not an ETag', method: 'put', path: '/fhir/Patient/a1', body: P({ id: 'a1' }), headers: { 'if-match': 'yesterday' }, status: 400 },
  { name: 'a JSON Patch that is not an array', method: 'patch', path: '/fhir/Patient/a1', body: '{"op":"add"}', type: 'application/json-patch+json', status: 400 },
  { name: 'a transaction that is not a Bundle', method: 'post', path: '/fhir', body: P({}), status: 400, expression: 'Bundle' },
  { name: 'a Bundle of type collection posted to the base', method: 'post', path: '/fhir', body: '{"resourceType":"Bundle","type":"collection"}', status: 400, expression: 'Bundle.type' },
  { name: 'an unknown element', method: 'post', path: '/fhir/Patient', body: P({ nickname: 'Mimi' }), status: 400, expression: 'Patient.nickname' },
  { name: 'an impossible birth date', method: 'post', path: '/fhir/Patient', body: P({ birthDate: '1970-13-45' }), status: 400, expression: 'Patient.birthDate' },
  { name: 'a boolean given as a string', method: 'post', path: '/fhir/Patient', body: P({ active: 'yes' }), status: 400, expression: 'Patient.active' },
  { name: 'a repeating element given as a single value', method: 'post', path: '/fhir/Patient', body: P({ name: { family: 'X' } }), status: 400, expression: 'Patient.name' },
  { name: 'malformed XML', method: 'post', path: '/fhir/Patient', body: '<Patient xmlns="http://hl7.org/fhir"><active value="true"/>', type: 'application/fhir+xml', status: 400 },
  { name: 'XML with an external entity', method: 'post', path: '/fhir/Patient', body: '<?xml version="1.0"?><!DOCTYPE p [<!ENTITY x SYSTEM "file:///etc/passwd">]><Patient xmlns="http://hl7.org/fhir"><id value="&x;"/></Patient>', type: 'application/fhir+xml', status: 400 },
  { name: 'an invalid entry inside a transaction', method: 'post', path: '/fhir', body: JSON.stringify({ resourceType: 'Bundle', type: 'transaction', entry: [{ resource: { resourceType: 'Patient', gender: 'male' }, request: { method: 'POST', url: 'Patient' } }, { resource: { resourceType: 'Patient', birthDate: 'demain' }, request: { method: 'POST', url: 'Patient' } }] }), status: 400, expression: 'Bundle.entry[1].resource.birthDate' },
  { name: 'an unknown operation', method: 'post', path: '/fhir/Patient/$frobnicate', body: '{"resourceType":"Parameters"}', status: 404 },
  { name: 'a path outside the FHIR base', method: 'get', path: '/nothing-here', status: 404 },
];

describe.each(DB_KINDS)('bad input on %s', (kind) => {
  let s: TestServer;
  const count = async () => (await s.ctx.db.query<{ n: number }>('SELECT (SELECT count(*) FROM resource) + (SELECT count(*) FROM resource_version) AS n')).rows[0].n;
  beforeAll(async () => { s = await openTestServer(kind, { maxBodyBytes: 4000 }); });
  afterAll(async () => { await s.close(); });

  it.each(CASES)('rejects $name with $status and an OperationOutcome, storing nothing', async (c) => {
    const before = Number(await count());
    let r = request(s.app)[c.method](c.path);
    if (c.body !== undefined) r = r.set('content-type', c.type ?? FHIR_JSON).send(c.body);
    for (const [k, v] of Object.entries(c.headers ?? {})) r = r.set(k, v);
    const res = await r;
    expect(res.status).toBe(c.status);
    expect(res.body.resourceType).toBe('OperationOutcome');
    expect(res.body.issue[0].severity).toBe('error');
    expect(res.body.issue[0].diagnostics).toBeTruthy();
    if (c.expression) expect(res.body.issue[0].expression).toContain(c.expression);
    expect(Number(await count())).toBe(before);
  });

  it('answers an internal failure with 500, no stack trace, and rolls the write back', async () => {
    const before = Number(await count());
    const res = await request(s.app).post('/fhir/Patient').set('content-type', FHIR_JSON).send(P({ meta: { tag: [{ code: 'explode-in-hook' }] } }));
    expect(res.status).toBe(500);
    expect(res.body.resourceType).toBe('OperationOutcome');
    expect(res.text).not.toMatch(/secret|app\.ts|\bat\s+\S+\s+\(/);
    expect(Number(await count())).toBe(before);
  });
});

// Every accepted cancer document yields registry source records in its own transaction, whatever the
// door; a new version replaces them, a deletion or entered-in-error withdraws them, a rejected
// document leaves nothing; the next run turns them into persons and tumours.
import type { Bundle } from 'fhir/r4';
import { readFileSync } from 'node:fs';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DB_KINDS } from '../support/db.js';
import { openTestServer, type TestServer } from '../support/server.js';
import { example } from '../documents/cda-support.js';

const CDA = 'application/hl7-cda+xml';
const fhirExample = (name: string) => JSON.parse(readFileSync(new URL(`../../examples/fhir/${name}`, import.meta.url), 'utf8')) as Bundle;

describe.each(DB_KINDS)('registry intake (%s)', (kind) => {
  let s: TestServer;
  const submit = (xml: string) => request(s.app).post('/fhir/$submit-cda').set('content-type', CDA).send(Buffer.from(xml));
  const identities = async () => (await s.ctx.db.query<{ record_id: string; document_ref: string; withdrawn: boolean; traits: unknown }>('SELECT record_id, document_ref, withdrawn, traits FROM registry_identity ORDER BY record_id')).rows;
  const sources = async () => Number((await s.ctx.db.query<{ n: number }>('SELECT count(*)::int AS n FROM registry_source')).rows[0].n);

  beforeAll(async () => {
    s = await openTestServer(kind, { registryRunIntervalMinutes: 0 });
  });
  afterAll(() => s.close());

  it('records the person and the tumours of each CDA document submitted', async () => {
    for (const f of ['fiche-rcp.xml', 'cr-acp.xml', 'cr-gm.xml', 'pps.xml']) {
      const r = await submit(example(f));
      expect(r.status, f).toBe(201);
    }
    const ids = await identities();
    expect(ids).toHaveLength(4);
    for (const i of ids) {
      const t = (typeof i.traits === 'string' ? JSON.parse(i.traits) : i.traits) as { birthName: string; birthDate: string; sex: string };
      expect(t.birthName).toMatch(/\S/);
      expect(t.birthDate).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      expect(['M', 'F']).toContain(t.sex);
      expect(i.document_ref).toMatch(/^Bundle\/[0-9a-f-]{36}\/_history\/1$/);
    }
    expect(await sources()).toBeGreaterThanOrEqual(4);
  });

  it('replaces the records of a document by its new version', async () => {
    const xml = example('fiche-rcp.xml').replace('<versionNumber value="1"/>', '<versionNumber value="2"/>').replace('extension="FRCP-2025-0311-014"', 'extension="FRCP-2025-0311-014-v2"');
    const before = await sources();
    expect((await submit(xml)).status).toBe(201);
    const ids = await identities();
    expect(ids).toHaveLength(4);
    expect(ids.filter((i) => i.document_ref.endsWith('/_history/2'))).toHaveLength(1);
    expect(await sources()).toBe(before);
  });

  it('records a FHIR document Bundle stored through the REST API, and withdraws it when deleted', async () => {
    const bundle = fhirExample('cracp-bundle.json');
    const r = await request(s.app).put(`/fhir/Bundle/${bundle.id ?? 'cracp-example'}`).send({ ...bundle, id: bundle.id ?? 'cracp-example' });
    expect([200, 201], JSON.stringify(r.body).slice(0, 500)).toContain(r.status);
    const id = r.body.id as string;
    let row = (await identities()).find((i) => i.record_id === `Bundle/${id}`);
    expect(row?.withdrawn).toBe(false);
    expect((await request(s.app).delete(`/fhir/Bundle/${id}`)).status).toBe(204);
    row = (await identities()).find((i) => i.record_id === `Bundle/${id}`);
    expect(row?.withdrawn).toBe(true);
  });

  it('leaves nothing behind for a document that is refused', async () => {
    const before = await identities();
    const broken = example('cr-acp.xml').replace(/<birthTime value="\d+"\/>/, '<birthTime value="not-a-date"/>').replace(/<setId [^>]*\/>/, '<setId root="1.2.3.4.5" extension="other-set"/>');
    const r = await submit(broken);
    expect(r.status).toBeGreaterThanOrEqual(400);
    expect(await identities()).toEqual(before);
  });

  it('withdraws the records of a document marked entered-in-error, and runs into persons and tumours', async () => {
    const docs = await request(s.app).get('/fhir/DocumentReference?status=current&_count=10');
    const doc = docs.body.entry.find((e: { resource: { context?: { related?: { reference: string }[] } } }) => e.resource.context?.related?.some((x) => x.reference.startsWith('Bundle/'))).resource;
    const bundleId = doc.context.related.find((x: { reference: string }) => x.reference.startsWith('Bundle/')).reference.split('/')[1];
    const p = await request(s.app).patch(`/fhir/DocumentReference/${doc.id}`).set('content-type', 'application/json-patch+json').send([{ op: 'replace', path: '/status', value: 'entered-in-error' }]);
    expect(p.status).toBe(200);
    expect((await identities()).find((i) => i.record_id === `Bundle/${bundleId}`)?.withdrawn).toBe(true);
    const run = await request(s.app).post('/registry/$run');
    expect(run.status).toBe(200);
    expect(run.body.records).toBe(3); // 4 CDA documents + 1 FHIR Bundle, 2 withdrawn
    expect(run.body.tumours).toBeGreaterThanOrEqual(1);
    const conds = await request(s.app).get('/registry/fhir/Condition');
    expect(conds.body.total).toBe(run.body.tumours);
    const prov = await request(s.app).get(`/registry/fhir/Provenance/${conds.body.entry[0].resource.id}`);
    expect(prov.body.entity.length).toBeGreaterThanOrEqual(1);
    expect(prov.body.entity.every((e: { what: { reference: string } }) => e.what.reference.startsWith('Bundle/') && !e.what.reference.includes(bundleId))).toBe(true);
  });
});

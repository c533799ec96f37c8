import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import { DB_KINDS } from '../support/db.js';
import { openTestServer, FHIR_JSON, type TestServer } from '../support/server.js';

const SYNTHEA = join(import.meta.dirname, '../../../shared/corpus/synthea-r4');

const tx = (entry: object[], type = 'transaction') => JSON.stringify({ resourceType: 'Bundle', type, entry });
const pat = (family: string, extra: object = {}) => ({ resourceType: 'Patient', name: [{ family }], ...extra });

describe.each(DB_KINDS)('batch and transaction Bundles on %s', (kind) => {
  let s: TestServer;
  const total = async () => Number((await s.ctx.db.query<{ n: number }>('SELECT count(*) AS n FROM resource_version')).rows[0].n);
  beforeAll(async () => { s = await openTestServer(kind); });
  afterAll(async () => { await s.close(); });
  const post = (body: string, prefer?: string) => {
    const r = request(s.app).post('/fhir').set('content-type', FHIR_JSON);
    return (prefer ? r.set('prefer', prefer) : r).send(body);
  };

  it('creates linked resources, rewriting urn:uuid references to the assigned ids', async () => {
    const res = await post(tx([
      { fullUrl: 'urn:uuid:11111111-1111-4111-8111-111111111111', resource: pat('Durand'), request: { method: 'POST', url: 'Patient' } },
      { resource: { resourceType: 'Observation', status: 'final', code: { text: 'poids' }, subject: { reference: 'urn:uuid:11111111-1111-4111-8111-111111111111' } }, request: { method: 'POST', url: 'Observation' } },
    ]));
    expect(res.status).toBe(200);
    expect(res.body.type).toBe('transaction-response');
    const [p, o] = res.body.entry;
    expect(p.response.status).toBe('201 Created');
    expect(p.response.location).toMatch(/^Patient\/[0-9a-f-]{36}\/_history\/1$/);
    expect(o.resource.subject.reference).toBe(`Patient/${p.resource.id}`);
    const stored = await request(s.app).get(`/fhir/Observation/${o.resource.id}`);
    expect(stored.body.subject.reference).toBe(`Patient/${p.resource.id}`);
  });

  it('rejects a transaction whose second entry is invalid and stores nothing', async () => {
    const before = await total();
    const res = await post(tx([
      { resource: pat('Valide'), request: { method: 'POST', url: 'Patient' } },
      { resource: { resourceType: 'Observation', id: 'bad id!' }, request: { method: 'PUT', url: 'Observation/bad id!' } },
    ]));
    expect(res.status).toBe(400);
    expect(res.body.resourceType).toBe('OperationOutcome');
    expect(res.body.issue[0].diagnostics).toMatch(/Bundle\.entry\[1\]/);
    expect(await total()).toBe(before);
  });

  it('rejects a reference to a urn:uuid that no entry declares, storing nothing', async () => {
    const before = await total();
    const res = await post(tx([
      { resource: { resourceType: 'Observation', status: 'final', code: { text: 'x' }, subject: { reference: 'urn:uuid:99999999-9999-4999-8999-999999999999' } }, request: { method: 'POST', url: 'Observation' } },
    ]));
    expect(res.status).toBe(400);
    expect(res.body.issue[0].expression[0]).toMatch(/^Bundle\.entry\[0\]/);
    expect(await total()).toBe(before);
  });

  it('rolls the whole transaction back when a later If-Match fails', async () => {
    await request(s.app).put('/fhir/Patient/tx-im').set('content-type', FHIR_JSON).send(JSON.stringify(pat('Avant', { id: 'tx-im' })));
    const before = await total();
    const res = await post(tx([
      { resource: pat('Nouveau'), request: { method: 'POST', url: 'Patient' } },
      { resource: pat('Après', { id: 'tx-im' }), request: { method: 'PUT', url: 'Patient/tx-im', ifMatch: 'W/"9"' } },
    ]));
    expect(res.status).toBe(412);
    expect(await total()).toBe(before);
    expect((await request(s.app).get('/fhir/Patient/tx-im')).body.name[0].family).toBe('Avant');
  });

  it('processes DELETE, then POST, then PUT, then GET whatever their order in the Bundle', async () => {
    await request(s.app).put('/fhir/Patient/order-del').set('content-type', FHIR_JSON).send(JSON.stringify(pat('Supprimé', { id: 'order-del' })));
    const res = await post(tx([
      { request: { method: 'GET', url: 'Patient/order-put' } },
      { resource: pat('Mis à jour', { id: 'order-put' }), request: { method: 'PUT', url: 'Patient/order-put' } },
      { request: { method: 'DELETE', url: 'Patient/order-del' } },
    ]));
    expect(res.status).toBe(200);
    expect(res.body.entry[0].response.status).toBe('200 OK');
    expect(res.body.entry[0].resource.name[0].family).toBe('Mis à jour');
    expect(res.body.entry[1].response.status).toBe('201 Created');
    expect(res.body.entry[2].response.status).toBe('204 No Content');
    expect((await request(s.app).get('/fhir/Patient/order-del')).status).toBe(410);
  });

  it('lets batch entries succeed or fail independently', async () => {
    const res = await post(tx([
      { resource: pat('Un'), request: { method: 'POST', url: 'Patient' } },
      { resource: { resourceType: 'Patient', id: 'x' }, request: { method: 'PUT', url: 'Patient/y' } },
      { request: { method: 'GET', url: 'Patient/nobody-here' } },
      { resource: pat('Deux'), request: { method: 'POST', url: 'Patient' } },
    ], 'batch'));
    expect(res.status).toBe(200);
    expect(res.body.type).toBe('batch-response');
    expect(res.body.entry.map((e: { response: { status: string } }) => e.response.status.slice(0, 3))).toEqual(['201', '400', '404', '201']);
    expect(res.body.entry[1].response.outcome.resourceType).toBe('OperationOutcome');
  });

  it('omits resources from the response with Prefer: return=minimal', async () => {
    const res = await post(tx([{ resource: pat('Minimal'), request: { method: 'POST', url: 'Patient' } }]), 'return=minimal');
    expect(res.body.entry[0].resource).toBeUndefined();
    expect(res.body.entry[0].response.location).toMatch(/^Patient\//);
  });

  describe.skipIf(!existsSync(SYNTHEA))('Synthea transaction Bundles (../shared/corpus/synthea-r4)', () => {
    it('loads three Synthea patients with every entry stored and every reference resolved', async () => {
      const files = readdirSync(SYNTHEA).filter((f) => f.endsWith('.json')).slice(0, 3);
      for (const f of files) {
        const bundle = JSON.parse(readFileSync(join(SYNTHEA, f), 'utf8'));
        const res = await post(JSON.stringify(bundle), 'return=minimal');
        expect(res.status).toBe(200);
        expect(res.body.entry).toHaveLength(bundle.entry.length);
        expect(res.body.entry.every((e: { response: { status: string } }) => e.response.status === '201 Created')).toBe(true);
      }
      const { rows } = await s.ctx.db.query<{ n: number }>(`SELECT count(*) AS n FROM resource WHERE content LIKE '%urn:uuid:%' AND type <> 'Provenance'`);
      expect(Number(rows[0].n)).toBe(0);
    });
  });
  if (!existsSync(SYNTHEA)) console.warn(`Synthea corpus not found at ${SYNTHEA}: its ingest test is skipped (CI has it).`);
});

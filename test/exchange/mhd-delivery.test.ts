// Mon espace santé delivery over real sockets on 127.0.0.1, on PGlite and PostgreSQL: documents
// submitted through $submit-cda are enqueued in their own transaction and POSTed as PDSm ITI-65
// Bundles to a recipient the test starts, with failures injected (500s, a hang past the timeout, a
// recipient that is down then comes back, a permanent 4xx). Nothing is lost and nothing is
// duplicated; opposition and restriction keep documents home; replacement and deletion carry the
// right ITI-65 content. The worker's poll is called directly, stepping `now` through the backoff.
import { createHash } from 'node:crypto';
import type { Binary, Bundle, DocumentReference, List, Parameters } from 'fhir/r4';
import request from 'supertest';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { stableUuid } from '../../src/cda/to-fhir/builder.js';
import { mhdConfig, pollOnce, outboxRows, type MhdConfig } from '../../src/exchange/index.js';
import { enqueue } from '../../src/exchange/outbox.js';
import { DB_KINDS } from '../support/db.js';
import { openTestServer, type TestServer } from '../support/server.js';
import { example } from '../documents/cda-support.js';
import { startRecipient, type Recipient } from './recipient.js';

const CDA = 'application/hl7-cda+xml';
const PDSM = 'https://interop.esante.gouv.fr/ig/fhir/pdsm/StructureDefinition/';
const DAY = 86_400_000;

/** Another document from an example: a new setId and ClinicalDocument/id (tag), same patient. */
function variant(xml: string, tag: string): string {
  const setId = /<setId root="([^"]+)"/.exec(xml)![1];
  const docExt = /<ClinicalDocument[\s\S]*?<id root="[^"]+" extension="([^"]+)"/.exec(xml)![1];
  return xml.replace(setId, stableUuid('test-set', tag).toUpperCase()).replace(`extension="${docExt}"`, `extension="${docExt}-${tag}"`);
}
/** Version n of a document (same setId), with its own ClinicalDocument/id. */
function version(xml: string, n: number): string {
  const docExt = /<ClinicalDocument[\s\S]*?<id root="[^"]+" extension="([^"]+)"/.exec(xml)![1];
  return xml.replace('<versionNumber value="1"/>', `<versionNumber value="${n}"/>`).replace(`extension="${docExt}"`, `extension="${docExt}-v${n}"`);
}
const docOf = (b: Bundle) => b.entry!.find((e) => e.resource!.resourceType === 'DocumentReference')!.resource as DocumentReference;
const listOf = (b: Bundle) => b.entry!.find((e) => e.resource!.resourceType === 'List')!.resource as List;
const binaryOf = (b: Bundle) => b.entry!.find((e) => e.resource!.resourceType === 'Binary')?.resource as Binary | undefined;

describe.each(DB_KINDS)('Mon espace santé delivery on %s', (kind) => {
  let s: TestServer;
  let rec: Recipient;
  let cfg: MhdConfig;
  let clock = Date.now();
  const submit = async (xml: string) => {
    const r = await request(s.app).post('/fhir/$submit-cda').set('content-type', CDA).send(Buffer.from(xml));
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    return (r.headers.location as string).split('/').pop()!;
  };
  const get = (path: string) => request(s.app).get(`/fhir/${path}`);
  /** One poll, `now` a day after the previous one (every backoff delay has passed). */
  const poll = (over: Partial<MhdConfig> = {}) => pollOnce(s.ctx, { ...cfg, ...over }, { now: new Date((clock += DAY)) });
  const rowsOf = (docId: string) => outboxRows(s.ctx.db, { documentRef: docId });
  const status = async (docId: string) => (await get(`DocumentReference/${docId}/$delivery-status`)).body as Parameters;
  const param = (p: Parameters, name: string) => p.parameter!.find((x) => x.name === name);
  const patientOf = async (docId: string) => ((await get(`DocumentReference/${docId}`)).body as DocumentReference).subject!.reference!;
  /** Polls until nothing is due any more. */
  const drain = async () => {
    for (let i = 0; i < 20; i++) if (!(await poll()).claimed) return;
  };

  beforeAll(async () => {
    s = await openTestServer(kind);
    rec = await startRecipient();
    cfg = { ...mhdConfig({}), recipientUrl: rec.url, token: 'secret-token', timeoutMs: 400, maxAttempts: 4, backoffMs: 1000 };
  });
  afterEach(async () => {
    rec.script.length = 0;
    await drain(); // every test leaves the outbox settled
  });
  afterAll(async () => {
    await rec?.close();
    await s?.close();
  });

  it('enqueues an accepted document in its transaction and POSTs a PDSm ITI-65 Bundle', async () => {
    const xml = example('fiche-rcp.xml');
    const id = await submit(xml);
    const [row] = await rowsOf(id);
    expect(row).toMatchObject({ action: 'provide', status: 'queued', attempts: 0, master_identifier: 'urn:oid:1.2.250.1.999.35.1|FRCP-2025-0311-014' });
    expect(param(await status(id), 'status')?.valueCode).toBe('queued');

    const before = rec.received.length;
    expect(await poll()).toMatchObject({ claimed: 1, sent: 1 });
    const got = rec.received[before];
    expect(got.contentType).toMatch(/^application\/fhir\+json/);
    expect(got.authorization).toBe('Bearer secret-token');
    const b = got.bundle;
    expect(b).toMatchObject({ resourceType: 'Bundle', type: 'transaction', meta: { profile: [`${PDSM}pdsm-comprehensive-provide-document-bundle`] } });
    expect(b.entry!.map((e) => `${e.request!.method} ${e.request!.url}`)).toEqual(['POST List', 'POST DocumentReference', 'POST Binary']);
    for (const e of b.entry!) expect(e.fullUrl).toMatch(/^urn:uuid:[0-9a-f-]{36}$/);

    const list = listOf(b);
    const doc = docOf(b);
    const binary = binaryOf(b)!;
    expect(list.meta!.profile).toEqual([`${PDSM}pdsm-submissionset-comprehensive`]);
    expect(list.code!.coding![0]).toMatchObject({ system: 'https://profiles.ihe.net/ITI/MHD/CodeSystem/MHDlistTypes', code: 'submissionset' });
    expect(list.extension!.map((x) => x.url)).toEqual(['https://profiles.ihe.net/ITI/MHD/StructureDefinition/ihe-designationType', 'https://profiles.ihe.net/ITI/MHD/StructureDefinition/ihe-sourceId']);
    expect(list.extension![1].valueIdentifier!.value).toMatch(/^urn:oid:[0-9.]+$/);
    expect(list).toMatchObject({ status: 'current', mode: 'working', subject: { identifier: { system: 'urn:oid:1.2.250.1.213.1.4.10', value: '262093523800175' } } });
    expect(list.source!.identifier).toMatchObject({ system: 'urn:oid:1.2.250.1.71.4.2.1' });
    expect(list.identifier!.find((i) => i.use === 'usual')!.value).toMatch(/^urn:oid:2\.25\.\d+$/);
    expect(list.entry![0].item.reference).toBe(b.entry![1].fullUrl);

    expect(doc.meta!.profile).toEqual([`${PDSM}pdsm-comprehensive-document-reference`]);
    expect(doc).toMatchObject({
      status: 'current',
      masterIdentifier: { system: 'urn:oid:1.2.250.1.999.35.1', value: 'FRCP-2025-0311-014' },
      type: { coding: [{ system: 'http://loinc.org', code: '34794-8' }] },
      category: [{ coding: [{ system: 'https://mos.esante.gouv.fr/NOS/TRE_A03-ClasseDocument/FHIR/TRE-A03-ClasseDocument', code: '10' }] }],
      subject: { identifier: { system: 'urn:oid:1.2.250.1.213.1.4.10', value: '262093523800175' } },
      securityLabel: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-Confidentiality', code: 'N' }] }],
      context: {
        facilityType: { coding: [{ system: 'https://mos.esante.gouv.fr/NOS/TRE_R02-SecteurActivite/FHIR/TRE-R02-SecteurActivite', code: 'SA01' }] },
        practiceSetting: { coding: [{ code: 'ONCOLOGIE' }] },
        period: { start: expect.stringMatching(/^2025-03-11T18:00:00/) },
        sourcePatientInfo: { reference: '#patient' },
      },
    });
    expect(doc.identifier![0]).toEqual({ use: 'official', system: 'urn:ietf:rfc:3986', value: `urn:uuid:${id}` });
    expect(doc.content[0].format).toMatchObject({ code: 'urn:asip:ci-sis:frcp:2011' });
    // Author, authenticator and patient are contained; every local reference resolves inside.
    const contained = new Set(doc.contained!.map((c) => `#${c.id}`));
    expect(doc.author!.length).toBeGreaterThan(0);
    for (const ref of [...doc.author!, doc.authenticator!, doc.context!.sourcePatientInfo!]) expect(contained.has(ref.reference!)).toBe(true);
    expect(JSON.stringify(doc.contained)).not.toMatch(/"reference":"(Patient|Practitioner|Organization)\//);
    // The hash (SHA-1, base64) and size are those of the Binary's bytes, which are the CDA submitted.
    const bytes = Buffer.from(binary.data!, 'base64');
    expect(bytes.toString('utf8')).toBe(xml);
    expect(doc.content[0].attachment).toMatchObject({ contentType: CDA, url: b.entry![2].fullUrl, size: bytes.length, hash: createHash('sha1').update(bytes).digest('base64') });
    expect(binary.contentType).toBe(CDA);

    const st = await status(id);
    expect(param(st, 'status')?.valueCode).toBe('sent');
    expect(param(st, 'sentAt')?.valueInstant).toBeDefined();
    expect(param(st, 'delivery')!.part).toContainEqual({ name: 'responseLocation', valueString: expect.stringMatching(/^DocumentReference\//) });
    expect(rec.accepted.get('current|FRCP-2025-0311-014')).toBe(1);
  });

  it('gives each volet its formatCode, class and designation', async () => {
    const expected: Record<string, [string, string]> = { 'pps.xml': ['urn:asip:ci-sis:pps-cancer:2017', '44'], 'cr-gm.xml': ['urn:asip:ci-sis:crgm:2018', '10'], 'cr-acp.xml': ['urn:ihe:palm:apsr:2016', '10'] };
    for (const [file, [format, cls]] of Object.entries(expected)) {
      const before = rec.received.length;
      await submit(example(file));
      await poll();
      const doc = docOf(rec.received[before].bundle);
      expect(doc.content[0].format?.code, file).toBe(format);
      expect(doc.category![0].coding![0].code, file).toBe(cls);
      expect(doc.context!.practiceSetting!.coding![0].code, file).toBeTruthy();
    }
  });

  it('retries 500s and a timeout with backoff, then delivers exactly once', async () => {
    const id = await submit(variant(example('fiche-rcp.xml'), 'retry'));
    rec.script.push(500, 'hang', 500);
    const firstTry = Date.now();
    expect(await pollOnce(s.ctx, cfg, { now: new Date(firstTry) })).toMatchObject({ retried: 1 });
    let [row] = await rowsOf(id);
    expect(row).toMatchObject({ status: 'queued', attempts: 1, response_status: 500, last_error: 'HTTP 500: recipient overloaded' });
    const delay = Date.parse(row.next_attempt_at) - firstTry;
    expect(delay).toBeGreaterThanOrEqual(cfg.backoffMs / 2);
    expect(delay).toBeLessThanOrEqual(cfg.backoffMs);
    // Not due yet: a poll just after does nothing.
    expect((await pollOnce(s.ctx, cfg, { now: new Date(firstTry + 10) })).claimed).toBe(0);
    expect(await poll()).toMatchObject({ retried: 1 }); // the hang
    [row] = await rowsOf(id);
    expect(row).toMatchObject({ status: 'queued', attempts: 2, last_error: `recipient unreachable: no answer within ${cfg.timeoutMs} ms` });
    expect(await poll()).toMatchObject({ retried: 1 }); // 500 again
    expect(await poll()).toMatchObject({ sent: 1 });
    [row] = await rowsOf(id);
    expect(row).toMatchObject({ status: 'sent', attempts: 4, response_status: 201, last_error: null });
    expect(rec.accepted.get('current|FRCP-2025-0311-014-retry')).toBe(1);
    expect(rec.received.filter((r) => docOf(r.bundle).masterIdentifier!.value === 'FRCP-2025-0311-014-retry')).toHaveLength(4);
    expect((await poll()).claimed).toBe(0);
  });

  it('keeps documents while the recipient is down and delivers them, once each, when it comes back', async () => {
    await rec.close();
    const ids = [await submit(variant(example('pps.xml'), 'down-1')), await submit(variant(example('cr-gm.xml'), 'down-2'))];
    expect(await poll()).toMatchObject({ claimed: 2, retried: 2 });
    for (const id of ids) expect((await rowsOf(id))[0].last_error).toMatch(/^recipient unreachable: ECONNREFUSED/);
    expect(param(await status(ids[0]), 'status')?.valueCode).toBe('queued');
    await rec.reopen();
    // A second worker (another node, or this one after a restart) has only the database to go on.
    expect(await pollOnce(s.ctx, { ...mhdConfig({}), recipientUrl: rec.url, timeoutMs: 400 }, { now: new Date((clock += DAY)) })).toMatchObject({ sent: 2 });
    expect(rec.accepted.get('current|PPS-2025-0402-007-down-1')).toBe(1);
    expect(rec.accepted.get('current|CRGM-2025-1187-down-2')).toBe(1);
  });

  it('resumes a delivery whose node died mid-attempt once its lease ends', async () => {
    const id = await submit(variant(example('cr-acp.xml'), 'lease'));
    // A node claimed it (attempt counted, leased) and died before writing the result.
    const lease = new Date(clock + cfg.timeoutMs + 5000);
    await s.ctx.db.query(`UPDATE mhd_outbox SET attempts = attempts + 1, next_attempt_at = $2 WHERE document_ref = $1`, [id, lease.toISOString()]);
    expect((await pollOnce(s.ctx, cfg, { now: new Date(clock + 1000) })).claimed).toBe(0);
    expect(await poll()).toMatchObject({ sent: 1 });
    expect((await rowsOf(id))[0]).toMatchObject({ status: 'sent', attempts: 2 });
  });

  it('records a permanent 4xx failure with its reason and does not retry it', async () => {
    const id = await submit(variant(example('fiche-rcp.xml'), 'reject'));
    rec.script.push(422);
    expect(await poll()).toMatchObject({ failed: 1 });
    const [row] = await rowsOf(id);
    expect(row).toMatchObject({ status: 'failed', attempts: 1, response_status: 422, last_error: 'HTTP 422: DocumentReference.type: unknown code' });
    expect((await poll()).claimed).toBe(0);
    const st = await status(id);
    expect(param(st, 'status')?.valueCode).toBe('failed');
    expect(param(st, 'lastError')?.valueString).toBe('HTTP 422: DocumentReference.type: unknown code');
  });

  it('gives up after MHD_MAX_ATTEMPTS retryable failures', async () => {
    const id = await submit(variant(example('fiche-rcp.xml'), 'give-up'));
    rec.script.push(503, 503, 503, 503, 503);
    for (let i = 0; i < cfg.maxAttempts; i++) await poll();
    const [row] = await rowsOf(id);
    expect(row.status).toBe('failed');
    expect(row.last_error).toBe(`gave up after ${cfg.maxAttempts} attempts; last: HTTP 503: recipient overloaded`);
  });

  it('withholds the documents of a patient who opposes sharing or restricted processing, at enqueue and at delivery time', async () => {
    // At enqueue: opposition recorded first.
    const first = await submit(variant(example('cr-gm.xml'), 'oppose-1'));
    await drain();
    const patient = await patientOf(first);
    expect((await request(s.app).post(`/fhir/${patient}/$oppose-sharing`).send({})).status).toBe(200);
    const before = rec.received.length;
    const blocked = await submit(variant(example('cr-gm.xml'), 'oppose-2'));
    expect((await rowsOf(blocked))[0]).toMatchObject({ status: 'withheld', last_error: 'withheld: the patient opposes sharing with Mon espace santé' });
    await request(s.app).post(`/fhir/${patient}/$withdraw-opposition`).send({});
    // At delivery time: queued, then the patient restricts processing before the worker runs.
    const later = await submit(variant(example('cr-gm.xml'), 'restrict'));
    expect((await rowsOf(later))[0].status).toBe('queued');
    expect((await request(s.app).post(`/fhir/${patient}/$restrict-processing`).send({})).status).toBe(200);
    expect(await poll()).toMatchObject({ withheld: 1 });
    expect((await rowsOf(later))[0]).toMatchObject({ status: 'withheld', last_error: 'withheld: the patient asked for restriction of processing' });
    expect(rec.received.length).toBe(before);
    expect(param(await status(later), 'status')?.valueCode).toBe('withheld');
    await request(s.app).post(`/fhir/${patient}/$lift-restriction`).send({});
  });

  it('sends a replacement with relatesTo replaces, after the document it replaces', async () => {
    const v1 = variant(example('pps.xml'), 'replace');
    const id1 = await submit(v1);
    const id2 = await submit(version(v1, 2)); // before any delivery: both wait, in order
    expect((await rowsOf(id2))[0]).toMatchObject({ action: 'replace', status: 'queued' });
    const before = rec.received.length;
    await drain();
    const [a, b] = rec.received.slice(before).map((r) => docOf(r.bundle));
    expect(a.masterIdentifier!.value).toBe('PPS-2025-0402-007-replace');
    expect(a.relatesTo).toBeUndefined();
    expect(b.masterIdentifier!.value).toBe('PPS-2025-0402-007-replace-v2');
    expect(b.relatesTo).toEqual([{ code: 'replaces', target: { type: 'DocumentReference', identifier: a.masterIdentifier } }]);
    expect(listOf(rec.received[before + 1].bundle).title).toMatch(/remplacement/);
    expect((await rowsOf(id1))[0].status).toBe('sent');
  });

  it('sends a deletion (entered-in-error, HL7 v2 T04 path) as a status update without the document', async () => {
    const id = await submit(variant(example('cr-acp.xml'), 'delete'));
    await drain();
    const patch = await request(s.app).patch(`/fhir/DocumentReference/${id}`).set('content-type', 'application/json-patch+json').send(JSON.stringify([{ op: 'replace', path: '/status', value: 'entered-in-error' }]));
    expect(patch.status).toBe(200);
    expect((await rowsOf(id)).map((r) => `${r.action}:${r.status}`)).toEqual(['provide:sent', 'delete:queued']);
    const before = rec.received.length;
    expect(await poll()).toMatchObject({ sent: 1 });
    const b = rec.received[before].bundle;
    expect(binaryOf(b)).toBeUndefined();
    const doc = docOf(b);
    expect(doc.status).toBe('entered-in-error');
    expect(b.entry![1].request).toEqual({ method: 'PUT', url: `DocumentReference?identifier=${encodeURIComponent('urn:oid:1.2.250.1.999.20.4|ACP-2025-H-004512-delete')}` });
    expect(rec.accepted.get('entered-in-error|ACP-2025-H-004512-delete')).toBe(1);
    const st = await status(id);
    expect(st.parameter!.filter((p) => p.name === 'delivery').map((p) => p.part!.find((x) => x.name === 'action')!.valueCode)).toEqual(['provide', 'delete']);
  });

  it('enqueues once: a resubmission, a second write of the same version and a direct enqueue add nothing', async () => {
    const xml = variant(example('fiche-rcp.xml'), 'idem');
    const id = await submit(xml);
    expect((await request(s.app).post('/fhir/$submit-cda').set('content-type', CDA).send(Buffer.from(xml))).status).toBe(409);
    const doc = (await get(`DocumentReference/${id}`)).body as DocumentReference;
    await enqueue(s.ctx.db, doc);
    await enqueue(s.ctx.db, doc);
    expect(await rowsOf(id)).toHaveLength(1);
  });

  it('delivers each of many documents exactly once with concurrent pollers', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 6; i++) ids.push(await submit(variant(example(['fiche-rcp.xml', 'pps.xml', 'cr-gm.xml'][i % 3]), `many-${i}`)));
    rec.script.push(500, 500);
    for (let round = 0; round < 6; round++) {
      const now = new Date((clock += DAY));
      await Promise.all([pollOnce(s.ctx, { ...cfg, batchSize: 2 }, { now }), pollOnce(s.ctx, { ...cfg, batchSize: 2 }, { now }), pollOnce(s.ctx, { ...cfg, batchSize: 2 }, { now })]);
    }
    for (const id of ids) expect((await rowsOf(id))[0].status).toBe('sent');
    const keys = [...rec.accepted.keys()].filter((k) => k.includes('-many-'));
    expect(keys).toHaveLength(6);
    for (const k of keys) expect(rec.accepted.get(k)).toBe(1);
  });

  it('audits each attempt', async () => {
    const id = await submit(variant(example('pps.xml'), 'audit'));
    rec.script.push(500);
    await poll();
    await poll();
    const events = await get(`AuditEvent?entity=DocumentReference/${id}&_count=50`);
    const exports = (events.body.entry ?? []).map((e: { resource: { subtype?: { code: string }[]; outcome?: string } }) => e.resource).filter((e: { subtype?: { code: string }[] }) => e.subtype?.some((c) => c.code === 'export'));
    expect(exports.map((e: { outcome?: string }) => e.outcome).sort()).toEqual(['0', '8']);
  });

  it('leaves rows queued when no recipient is configured', async () => {
    const id = await submit(variant(example('pps.xml'), 'no-url'));
    expect(await pollOnce(s.ctx, { ...cfg, recipientUrl: undefined }, { now: new Date((clock += DAY)) })).toMatchObject({ claimed: 0 });
    expect((await rowsOf(id))[0]).toMatchObject({ status: 'queued', attempts: 0 });
  });
});

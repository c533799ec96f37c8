// ITI-67 (Find Document References) and ITI-68 (Retrieve Document) on our own server, on PGlite and
// PostgreSQL: DocumentReferences stored by $submit-cda are found with the MHD search parameters,
// and the Binary they point to is returned as the raw CDA when asked for with its content type.
import type { Bundle, DocumentReference } from 'fhir/r4';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DB_KINDS } from '../support/db.js';
import { openTestServer, type TestServer } from '../support/server.js';
import { example } from '../documents/cda-support.js';

const CDA = 'application/hl7-cda+xml';

describe.each(DB_KINDS)('ITI-67 / ITI-68 on %s', (kind) => {
  let s: TestServer;
  let doc: DocumentReference;
  let patient: string;
  const xml = example('fiche-rcp.xml');
  const find = async (query: string) => (await request(s.app).get(`/fhir/DocumentReference?${query}`)).body as Bundle;
  const ids = (b: Bundle) => (b.entry ?? []).map((e) => e.resource!.id);

  beforeAll(async () => {
    s = await openTestServer(kind);
    for (const f of ['fiche-rcp.xml', 'pps.xml', 'cr-gm.xml', 'cr-acp.xml']) {
      const r = await request(s.app).post('/fhir/$submit-cda').set('content-type', CDA).send(Buffer.from(example(f)));
      expect(r.status, JSON.stringify(r.body)).toBe(201);
      if (f === 'fiche-rcp.xml') doc = (await request(s.app).get(`/fhir/${(r.headers.location as string).split('/fhir/')[1]}`)).body as DocumentReference;
    }
    patient = doc.subject!.reference!;
  });
  afterAll(async () => {
    await s?.close();
  });

  // Each MHD ITI-67 parameter, with a value that finds the fiche RCP (only it), and one that finds nothing.
  const cases: [string, () => string, () => string][] = [
    ['patient', () => `patient=${patient}`, () => 'patient=Patient/unknown'],
    ['patient.identifier', () => `patient.identifier=${encodeURIComponent('urn:oid:1.2.250.1.213.1.4.10|262093523800175')}`, () => `patient.identifier=${encodeURIComponent('urn:oid:1.2.250.1.213.1.4.10|000000000000000')}`],
    ['status', () => `patient=${patient}&status=current`, () => `patient=${patient}&status=entered-in-error`],
    ['type', () => `type=${encodeURIComponent('http://loinc.org|34794-8')}`, () => `type=${encodeURIComponent('http://loinc.org|00000-0')}`],
    ['category', () => `patient=${patient}&category=${encodeURIComponent('https://mos.esante.gouv.fr/NOS/TRE_A03-ClasseDocument/FHIR/TRE-A03-ClasseDocument|10')}`, () => `patient=${patient}&category=44`],
    ['date', () => `patient=${patient}&date=ge2020-01-01`, () => `patient=${patient}&date=lt2020-01-01`],
    ['period', () => `type=34794-8&period=ge2025-03-11`, () => `type=34794-8&period=lt2020-01-01`],
    ['setting', () => `type=34794-8&setting=ONCOLOGIE`, () => `type=34794-8&setting=CARDIOLOGIE`],
    ['facility', () => `type=34794-8&facility=${encodeURIComponent('https://mos.esante.gouv.fr/NOS/TRE_R02-SecteurActivite/FHIR/TRE-R02-SecteurActivite|SA01')}`, () => `type=34794-8&facility=SA99`],
    ['event', () => `type=34794-8&event=${encodeURIComponent('https://mos.esante.gouv.fr/NOS/TRE_R213-ModePriseEnCharge/FHIR/TRE-R213-ModePriseEnCharge|39')}`, () => `type=34794-8&event=40`],
    ['security-label', () => `type=34794-8&security-label=N`, () => `type=34794-8&security-label=V`],
    ['format', () => `format=urn:asip:ci-sis:frcp:2011`, () => 'format=urn:ihe:iti:xds-sd:pdf:2008'],
    ['related', () => `related=${doc.context!.related![0].reference!.split('/_history')[0]}`, () => 'related=Bundle/unknown'],
    // MHD's author.given / author.family: our authors are PractitionerRoles (CDA assignedAuthor), so
    // the chain goes through the role's practitioner.
    ['author.practitioner.family', () => `type=34794-8&author.practitioner.family=${encodeURIComponent(authorFamily())}`, () => 'type=34794-8&author.practitioner.family=Nobody'],
    ['author.practitioner.given', () => `type=34794-8&author.practitioner.given=${encodeURIComponent(authorGiven())}`, () => 'type=34794-8&author.practitioner.given=Nobody'],
  ];
  let author: { family?: string; given?: string[] } = {};
  const authorFamily = () => author.family!;
  const authorGiven = () => author.given![0];

  it('the author is a Practitioner (or a PractitionerRole of one) with a name', async () => {
    let r = (await request(s.app).get(`/fhir/${doc.author![0].reference}`)).body;
    if (r.resourceType === 'PractitionerRole') r = (await request(s.app).get(`/fhir/${r.practitioner.reference}`)).body;
    author = r.name[0];
    expect(author.family).toBeTruthy();
  });

  it.each(cases)('finds the document by %s', async (_name, hit, miss) => {
    const found = await find(hit());
    expect(found.resourceType, JSON.stringify(found)).toBe('Bundle');
    expect(ids(found)).toEqual([doc.id]);
    expect(ids(await find(miss()))).toEqual([]);
  });

  it('ITI-68: returns the raw CDA for Accept application/hl7-cda+xml, the FHIR Binary otherwise', async () => {
    const url = `/fhir/${doc.content[0].attachment.url}`;
    const raw = await request(s.app).get(url).set('accept', CDA).buffer(true).parse((res, cb) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => cb(null, Buffer.concat(chunks)));
    });
    expect(raw.status).toBe(200);
    expect(raw.headers['content-type']).toMatch(/^application\/hl7-cda\+xml/);
    expect((raw.body as Buffer).toString('utf8')).toBe(xml);
    expect(raw.headers.etag).toBe('W/"1"');
    expect(raw.headers['content-disposition']).toBe('attachment'); // never rendered on our origin
    const json = await request(s.app).get(url).set('accept', 'application/fhir+json');
    expect(json.body).toMatchObject({ resourceType: 'Binary', contentType: CDA });
    const wildcard = await request(s.app).get(url).set('accept', '*/*');
    expect(wildcard.body.resourceType).toBe('Binary');
    const wrong = await request(s.app).get(url).set('accept', 'application/pdf');
    expect(wrong.status).toBe(406);
    expect(wrong.body.issue[0].diagnostics).toMatch(/application\/hl7-cda\+xml/);
    const missing = await request(s.app).get('/fhir/Binary/unknown').set('accept', CDA);
    expect(missing.status).toBe(404);
  });
});

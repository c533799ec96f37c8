import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { createServer, type Server } from 'node:http';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clientAssertion } from '../../src/security/client-assertion.js';
import { DB_KINDS } from '../support/db.js';
import { BASE, FHIR_JSON } from '../support/server.js';
import { ISSUER, TOKEN_URL, newClientKey, openAuthServer, type AuthServer } from './auth-support.js';

const pat = (id: string) => ({ resourceType: 'Patient', id, name: [{ family: `Fam-${id}` }] });
const obs = (id: string, patient: string) => ({ resourceType: 'Observation', id, status: 'final', code: { text: 'x' }, subject: { reference: `Patient/${patient}` } });

describe.each(DB_KINDS)('authentication and SMART scopes on %s', (kind) => {
  let s: AuthServer;
  let admin: string;
  let labKey: Awaited<ReturnType<typeof newClientKey>>;
  let jwks: Server;
  let external: { sign: (claims: Record<string, unknown>) => Promise<string> };
  const counts = async () => {
    const r = await s.ctx.db.query<{ a: number; b: number }>('SELECT (SELECT count(*) FROM resource) AS a, (SELECT count(*) FROM resource_version) AS b');
    return `${r.rows[0].a}/${r.rows[0].b}`;
  };
  const as = (token: string) => ({
    get: (p: string) => request(s.app).get(p).set('authorization', `Bearer ${token}`),
    post: (p: string, body: unknown) => request(s.app).post(p).set('authorization', `Bearer ${token}`).set('content-type', FHIR_JSON).send(JSON.stringify(body)),
    put: (p: string, body: unknown) => request(s.app).put(p).set('authorization', `Bearer ${token}`).set('content-type', FHIR_JSON).send(JSON.stringify(body)),
    del: (p: string) => request(s.app).delete(p).set('authorization', `Bearer ${token}`),
  });

  beforeAll(async () => {
    // A trusted external issuer (e.g. a hospital's authorisation server) serving its JWKS on a real socket.
    const { privateKey, publicKey } = await generateKeyPair('RS384');
    const pub = { ...(await exportJWK(publicKey)), kid: 'ext-1', alg: 'RS384' };
    jwks = createServer((_q, r) => r.setHeader('content-type', 'application/json').end(JSON.stringify({ keys: [pub] })));
    await new Promise<void>((r) => jwks.listen(0, '127.0.0.1', r));
    const port = (jwks.address() as { port: number }).port;
    external = {
      sign: (claims) => new SignJWT(claims).setProtectedHeader({ alg: 'RS384', kid: 'ext-1' }).setIssuer('https://idp.example.fr').setAudience(BASE).setIssuedAt().setExpirationTime('5m').sign(privateKey),
    };
    labKey = await newClientKey('lab-1');
    s = await openAuthServer(kind, {}, [{ clientId: 'lab', scope: 'system/Patient.rs system/Observation.crus', jwks: { keys: [labKey.publicJwk] } }]);
    const trusted = join(s.dataDir, 'issuers.json');
    writeFileSync(trusted, JSON.stringify([{ issuer: 'https://idp.example.fr', jwksUri: `http://127.0.0.1:${port}/jwks` }]));
    s.ctx.config.authTrustedIssuersFile = trusted;
    admin = await s.token('system/*.cruds');
    for (const p of ['p1', 'p2']) expect((await as(admin).put(`/fhir/Patient/${p}`, pat(p))).status).toBe(201);
    for (const [o, p] of [['o1', 'p1'], ['o2', 'p2']]) expect((await as(admin).put(`/fhir/Observation/${o}`, obs(o, p))).status).toBe(201);
  });
  afterAll(async () => {
    await s.close();
    jwks.close();
  });

  it('publishes the SMART configuration and the CapabilityStatement without a token', async () => {
    const conf = await request(s.app).get('/fhir/.well-known/smart-configuration');
    expect(conf.status).toBe(200);
    expect(conf.body.token_endpoint).toBe(TOKEN_URL);
    expect(conf.body.token_endpoint_auth_methods_supported).toEqual(['private_key_jwt']);
    expect(conf.body.capabilities).toContain('client-confidential-asymmetric');
    expect((await request(s.app).get('/fhir/metadata')).status).toBe(200);
    const keys = await request(s.app).get('/auth/jwks');
    expect(keys.body.keys[0]).toMatchObject({ kty: 'EC', alg: 'ES256' });
    expect(keys.body.keys[0].d).toBeUndefined();
  });

  it('answers 401 with a Bearer challenge and an OperationOutcome when the token is missing', async () => {
    const r = await request(s.app).get('/fhir/Patient/p1');
    expect(r.status).toBe(401);
    expect(r.headers['www-authenticate']).toMatch(/^Bearer realm="oncofhir"/);
    expect(r.body.resourceType).toBe('OperationOutcome');
    expect(r.body.issue[0].code).toBe('login');
  });

  it('serves a client holding a token from the built-in endpoint', async () => {
    const r = await as(admin).get('/fhir/Patient/p1');
    expect(r.status).toBe(200);
    expect(r.body.id).toBe('p1');
  });

  it('traces every interaction and every failed login in the audit trail', async () => {
    const auditor = await s.token('system/AuditEvent.rs');
    await as(admin).get('/fhir/Observation/o2');
    await request(s.app).get('/fhir/Patient/p2').set('authorization', 'Bearer forged.token.value');
    const reads = await as(auditor).get('/fhir/AuditEvent?patient=p2&subtype=read');
    expect(reads.status).toBe(200);
    const ev = reads.body.entry[0].resource;
    expect(ev.action).toBe('R');
    expect(ev.outcome).toBe('0');
    expect(JSON.stringify(ev.agent)).toContain('dev');
    expect(JSON.stringify(ev.entity)).toContain('Observation/o2');
    await as(admin).get('/fhir/Patient?family=Fam-p2&gender=male');
    const searches = await as(auditor).get('/fhir/AuditEvent?subtype=search-type&_count=1');
    const query = Buffer.from(searches.body.entry[0].resource.entity.find((e: { query?: string }) => e.query).query, 'base64').toString();
    expect(query).toBe('Patient?family=***&gender=male'); // identifying values never enter the append-only trail
    const logins = await as(auditor).get('/fhir/AuditEvent?subtype=login&outcome=4');
    expect(logins.body.entry.length).toBeGreaterThan(0);
    const denied = await as(auditor).get('/fhir/AuditEvent?subtype=read&outcome=4&_count=1');
    expect(denied.status).toBe(200);
  });

  it('traces a transaction with one record per kind of entry, naming every resource and patient', async () => {
    const auditor = await s.token('system/AuditEvent.rs');
    const r = await as(admin).post('/fhir', {
      resourceType: 'Bundle', type: 'transaction',
      entry: [
        { resource: { ...obs('', 'p1'), id: undefined }, request: { method: 'POST', url: 'Observation' } },
        { resource: { ...obs('', 'p2'), id: undefined }, request: { method: 'POST', url: 'Observation' } },
        { resource: obs('tx-put', 'p2'), request: { method: 'PUT', url: 'Observation/tx-put' } },
      ],
    });
    expect(r.status).toBe(200);
    const created = r.body.entry.slice(0, 2).map((e: { response: { location: string } }) => e.response.location.split('/_history')[0]);
    const creates = await as(auditor).get(`/fhir/AuditEvent?entity=${created[0]}&subtype=create`);
    expect(creates.body.entry).toHaveLength(1);
    const ev = creates.body.entry[0].resource;
    const refs = JSON.stringify(ev.entity);
    for (const c of created) expect(refs).toContain(c);
    expect(refs).toContain('Patient/p1');
    expect(refs).toContain('Patient/p2');
    const updates = await as(auditor).get('/fhir/AuditEvent?entity=Observation/tx-put&subtype=update');
    expect(updates.body.entry).toHaveLength(1);
  });

  describe('rejects bad tokens with 401 and changes nothing', () => {
    const cases: [string, () => Promise<string>][] = [
      ['garbage', async () => 'not-a-jwt'],
      ['alg none', async () => `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from(JSON.stringify({ iss: ISSUER, aud: BASE, exp: 9e9, scope: 'system/*.cruds' })).toString('base64url')}.`],
      ['expired', () => s.sign({ scope: 'system/*.cruds', client_id: 'dev' }, { exp: Math.floor(Date.now() / 1000) - 120 })],
      ['wrong audience', () => s.sign({ scope: 'system/*.cruds', client_id: 'dev' }, { aud: 'https://other.example/fhir' })],
      ['untrusted issuer', () => s.sign({ scope: 'system/*.cruds', client_id: 'dev' }, { iss: 'https://evil.example' })],
      ['forged signature (right kid, another key)', async () => {
        const { privateKey } = await generateKeyPair('ES256');
        const real = (await request(s.app).get('/auth/jwks')).body.keys[0].kid;
        return new SignJWT({ scope: 'system/*.cruds' }).setProtectedHeader({ alg: 'ES256', kid: real }).setIssuer(ISSUER).setAudience(BASE).setExpirationTime('5m').sign(privateKey);
      }],
      ['tampered payload (scope widened after signing)', async () => {
        const t = await s.sign({ scope: 'system/Patient.rs', client_id: 'dev' });
        const [h, , sig] = t.split('.');
        return `${h}.${Buffer.from(JSON.stringify({ iss: ISSUER, aud: BASE, exp: 9e9, scope: 'system/*.cruds' })).toString('base64url')}.${sig}`;
      }],
      ['HS256 with the public key as secret', async () => {
        const jwk = JSON.stringify((await request(s.app).get('/auth/jwks')).body.keys[0]);
        return new SignJWT({ scope: 'system/*.cruds' }).setProtectedHeader({ alg: 'HS256' }).setIssuer(ISSUER).setAudience(BASE).setExpirationTime('5m').sign(new TextEncoder().encode(jwk));
      }],
    ];
    it.each(cases)('%s', async (_name, make) => {
      const before = await counts();
      const token = await make();
      const r = await as(token).post('/fhir/Patient', pat('zz'));
      expect(r.status).toBe(401);
      expect(r.body.resourceType).toBe('OperationOutcome');
      expect(r.headers['www-authenticate']).toContain('error="invalid_token"');
      expect(await counts()).toBe(before);
    });
  });

  describe('token endpoint', () => {
    const form = async (over: Record<string, string> = {}, key = labKey.privateJwk, clientId = 'lab') => ({
      grant_type: 'client_credentials',
      scope: 'system/Patient.rs',
      client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
      client_assertion: await clientAssertion({ tokenUrl: TOKEN_URL, clientId, privateJwk: key }),
      ...over,
    });
    const post = (body: object) => request(s.app).post('/auth/token').type('form').send(body);

    it('grants only the scopes registered for the client (scope escalation is narrowed)', async () => {
      const r = await post(await form({ scope: 'system/Patient.cruds system/Observation.rs system/AuditEvent.rs' }));
      expect(r.status).toBe(200);
      expect(r.headers['cache-control']).toBe('no-store');
      expect(r.body.scope).toBe('system/Patient.rs system/Observation.rs');
      expect(r.body.token_type).toBe('bearer');
    });
    it.each([
      ['wrong grant type', async () => form({ grant_type: 'password' }), 400, 'unsupported_grant_type'],
      ['missing assertion', async () => form({ client_assertion: '' }), 400, 'invalid_request'],
      ['unknown client', async () => form({}, (await newClientKey('x')).privateJwk, 'nobody'), 401, 'invalid_client'],
      ['assertion signed with another key', async () => form({}, (await newClientKey('lab-1')).privateJwk), 401, 'invalid_client'],
      ['no grantable scope', async () => form({ scope: 'system/Practitioner.cruds' }), 400, 'invalid_scope'],
    ] as const)('refuses %s', async (_n, make, status, error) => {
      const r = await post(await make());
      expect(r.status).toBe(status);
      expect(r.body.error).toBe(error);
      expect(r.body.access_token).toBeUndefined();
    });
    it('refuses a replayed client assertion', async () => {
      const body = await form();
      expect((await post(body)).status).toBe(200);
      const again = await post(body);
      expect(again.status).toBe(401);
      expect(again.body.error_description).toMatch(/replay/);
    });
    it('refuses an assertion addressed to another token endpoint', async () => {
      const assertion = await clientAssertion({ tokenUrl: 'https://other.example/token', clientId: 'lab', privateJwk: labKey.privateJwk });
      expect((await post(await form({ client_assertion: assertion }))).status).toBe(401);
    });
  });

  describe('scope enforcement', () => {
    let lab: string;
    beforeAll(async () => {
      lab = await s.token('system/Patient.rs system/Observation.rs', { clientId: 'lab', privateJwk: labKey.privateJwk });
    });
    it('allows granted interactions and refuses the others with 403', async () => {
      expect((await as(lab).get('/fhir/Patient/p1')).status).toBe(200);
      expect((await as(lab).get('/fhir/Patient?family=Fam-p1')).status).toBe(200);
      const before = await counts();
      const w = await as(lab).post('/fhir/Patient', pat('new'));
      expect(w.status).toBe(403);
      expect(w.body.issue[0].code).toBe('forbidden');
      expect((await as(lab).del('/fhir/Patient/p1')).status).toBe(403);
      expect((await as(lab).get('/fhir/Encounter')).status).toBe(403);
      expect((await as(lab).get('/fhir/_history')).status).toBe(403);
      expect(await counts()).toBe(before);
    });
    it('checks every entry of a transaction and stores nothing when one is refused', async () => {
      const t = await s.token('system/Observation.cruds');
      const before = await counts();
      const r = await as(t).post('/fhir', {
        resourceType: 'Bundle', type: 'transaction',
        entry: [
          { resource: obs('t1', 'p1'), request: { method: 'PUT', url: 'Observation/t1' } },
          { resource: pat('t2'), request: { method: 'POST', url: 'Patient' } },
        ],
      });
      expect(r.status).toBe(403);
      expect(r.body.issue[0].diagnostics).toMatch(/Bundle.entry\[1\]/);
      expect(await counts()).toBe(before);
    });
    it('refuses conditional references the token may not search', async () => {
      const t = await s.token('system/Observation.cruds');
      const r = await as(t).post('/fhir', {
        resourceType: 'Bundle', type: 'transaction',
        entry: [{ resource: { ...obs('t3', 'p1'), subject: { reference: 'Patient?family=Fam-p1' } }, request: { method: 'POST', url: 'Observation' } }],
      });
      expect(r.status).toBe(403);
    });
    it('answers a refused batch entry with 403 and runs the others', async () => {
      const r = await as(lab).post('/fhir', {
        resourceType: 'Bundle', type: 'batch',
        entry: [{ request: { method: 'GET', url: 'Patient/p1' } }, { request: { method: 'GET', url: 'Encounter' } }],
      });
      expect(r.status).toBe(200);
      expect(r.body.entry.map((e: { response: { status: string } }) => e.response.status.slice(0, 3))).toEqual(['200', '403']);
    });
    it('leaves out _include results of types the token may not read', async () => {
      const t = await s.token('system/Observation.rs');
      const r = await as(t).get('/fhir/Observation?_include=Observation:subject');
      expect(r.status).toBe(200);
      const types = r.body.entry.map((e: { resource: { resourceType: string } }) => e.resource.resourceType);
      expect(types).toContain('Observation');
      expect(types).not.toContain('Patient');
      const both = await as(lab).get('/fhir/Observation?_include=Observation:subject');
      expect(both.body.entry.map((e: { resource: { resourceType: string } }) => e.resource.resourceType)).toContain('Patient');
    });
    it('needs a scope naming AuditEvent: wildcards do not reach the audit trail', async () => {
      expect((await as(admin).get('/fhir/AuditEvent')).status).toBe(403);
      const auditor = await s.token('system/AuditEvent.rs');
      expect((await as(auditor).get('/fhir/AuditEvent')).status).toBe(200);
    });
    it('checks operations: $validate at type level needs read on the type', async () => {
      const t = await s.token('system/Observation.rs');
      expect((await as(t).post('/fhir/Patient/$validate', pat('v'))).status).toBe(403);
      expect((await as(lab).post('/fhir/Patient/$validate', pat('v'))).status).toBe(200);
    });
  });

  describe('patient/ scopes from a trusted issuer', () => {
    it('confines reads, searches and writes to the token patient compartment', async () => {
      const t = await external.sign({ scope: 'patient/Observation.rs patient/Patient.r', patient: 'p1', client_id: 'portal', sub: 'nurse-7' });
      expect((await as(t).get('/fhir/Observation/o1')).status).toBe(200);
      expect((await as(t).get('/fhir/Observation/o2')).status).toBe(403);
      expect((await as(t).get('/fhir/Patient/p2')).status).toBe(403);
      const found = await as(t).get('/fhir/Observation');
      expect(found.status).toBe(200);
      const ids = found.body.entry.map((e: { resource: { id: string } }) => e.resource.id);
      expect(ids).toContain('o1');
      expect(ids).not.toContain('o2');
      for (const e of found.body.entry) expect(e.resource.subject.reference).toBe('Patient/p1');
      expect(found.body.total).toBeUndefined();
      expect((await as(t).post('/fhir/Observation', obs('x', 'p1'))).status).toBe(403); // no c granted
    });
    it('refuses writes outside the compartment', async () => {
      const t = await external.sign({ scope: 'patient/Observation.cruds', patient: 'p1', client_id: 'portal' });
      const before = await counts();
      expect((await as(t).put('/fhir/Observation/o2', obs('o2', 'p1'))).status).toBe(403); // o2 belongs to p2
      expect((await as(t).post('/fhir/Observation', obs('n', 'p2'))).status).toBe(403);
      expect(await counts()).toBe(before);
      expect((await as(t).post('/fhir/Observation', obs('n', 'p1'))).status).toBe(201);
    });
    it('grants nothing through patient/ scopes when the token names no patient', async () => {
      const t = await external.sign({ scope: 'patient/Observation.rs', client_id: 'portal' });
      expect((await as(t).get('/fhir/Observation/o1')).status).toBe(403);
    });
  });
});

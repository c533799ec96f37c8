// Hardening of the HTTP door (issue "Security and privacy", section 5): limits, XML bombs,
// injection attempts, rate limits, security headers, CORS, timeouts and what logs may contain.
// Every rejection is an OperationOutcome and leaves the store exactly as it was.
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import request from 'supertest';
import { connect } from 'node:net';
import type { Express } from 'express';
import { DB_KINDS, openTestDb, type DbKind } from '../support/db.js';
import { BASE, FHIR_JSON, openTestServer, type TestServer } from '../support/server.js';
import { loadConfig, type Config } from '../../src/config.js';
import { createApp } from '../../src/http/app.js';
import { openContext, startServer } from '../../src/server.js';
import { openDb, type Db, type Queryable } from '../../src/store/db.js';
import type { ApiContext } from '../../src/api/types.js';
import { setLogLevel } from '../../src/log.js';

const ORIGIN = 'https://app.example.fr';
const LIMITS: Partial<Config> = { maxBodyBytes: 20_000, maxJsonDepth: 32, maxUrlLength: 4096, maxQueryParams: 30, rateLimitPerMinute: 0, corsOrigins: [ORIGIN] };
const FHIR_XML = 'application/fhir+xml';
const NS = 'xmlns="http://hl7.org/fhir"';

const SECURITY_HEADERS: Record<string, string> = {
  'x-content-type-options': 'nosniff',
  'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-store',
  'cross-origin-resource-policy': 'same-origin',
};
function expectSecurityHeaders(res: request.Response): void {
  for (const [k, v] of Object.entries(SECURITY_HEADERS)) expect(res.headers[k], k).toBe(v);
  expect(res.headers['x-powered-by']).toBeUndefined();
}

function expectOutcome(res: request.Response, status: number): void {
  expect(res.status).toBe(status);
  expect(res.body.resourceType).toBe('OperationOutcome');
  expect(res.body.issue[0].severity).toBe('error');
  expect(res.body.issue[0].diagnostics).toBeTruthy();
  expect(res.text).not.toMatch(/\bat\s+\S+\s+\(|node_modules|\/src\//);
}

/** A test server whose database can be made to fail (fault) like a cancelled or broken query. */
interface FaultyServer extends TestServer {
  /** The database without the fault wrapper. */
  raw: Db;
  fault?: (sql: string) => Promise<void>;
}
async function openFaultyServer(kind: DbKind, overrides: Partial<Config> = {}): Promise<FaultyServer> {
  const db = await openTestDb(kind);
  const s = {} as FaultyServer;
  const guard = async (sql: string) => { if (s.fault && !/audit_/.test(sql)) await s.fault(sql); }; // the audit trail keeps working
  const wrapTx = (tx: Queryable): Queryable => ({ query: async (sql, params) => { await guard(sql); return tx.query(sql, params); } });
  const wrapped = {
    kind: db.kind,
    query: async (sql: string, params?: unknown[]) => { await guard(sql); return db.query(sql, params); },
    transaction: (fn: (tx: Queryable) => Promise<unknown>) => db.transaction((tx) => fn(wrapTx(tx))),
    close: () => db.close(),
  } as unknown as Db;
  const ctx: ApiContext = await openContext({ ...loadConfig({}), baseUrl: BASE, auth: 'off', ...LIMITS, ...overrides }, wrapped);
  return Object.assign(s, { app: createApp(ctx), ctx, raw: db, close: () => db.close() });
}

/** Fails the next statements as PostgreSQL does when statement_timeout cancels them (a real cancel on PostgreSQL). */
function timeoutFault(db: Db): (sql: string) => Promise<void> {
  if (db.kind === 'pglite') {
    // PGlite cannot cancel a running statement; its errors carry the same SQLSTATE field.
    return async () => { throw Object.assign(new Error('canceling statement due to statement timeout'), { code: '57014' }); };
  }
  return async () => {
    await db.transaction(async (tx) => {
      await tx.query('SET LOCAL statement_timeout = 50');
      await tx.query('SELECT pg_sleep(2)');
    });
  };
}

const rowCount = async (db: Queryable) =>
  Number((await db.query<{ n: number }>('SELECT (SELECT count(*) FROM resource) + (SELECT count(*) FROM resource_version) AS n')).rows[0].n);

interface BadCase {
  name: string;
  method: 'get' | 'post' | 'put' | 'delete' | 'options';
  path: string;
  body?: string;
  type?: string;
  headers?: Record<string, string>;
  status: number;
  diagnostics?: RegExp;
}

const nestedExtension = (n: number) => JSON.stringify({ resourceType: 'Patient' }).replace(/}$/, `,"extension":${'[{"url":"http://x","extension":'.repeat(n)}[]${'}]'.repeat(n)}}`);
const nestedXml = (n: number) => `<Patient ${NS}>${'<extension url="http://x">'.repeat(n)}<valueString value="a"/>${'</extension>'.repeat(n)}</Patient>`;
const lols = Array.from({ length: 9 }, (_, i) => `<!ENTITY lol${i + 1} "${`&lol${i || ''};`.repeat(10)}">`).join('');

const BAD: BadCase[] = [
  { name: 'malformed JSON', method: 'post', path: '/fhir/Patient', body: '{"resourceType": "Patient", "name": [', status: 400, diagnostics: /not valid JSON/ },
  { name: 'a body over MAX_BODY_BYTES', method: 'post', path: '/fhir/Patient', body: JSON.stringify({ resourceType: 'Patient', name: [{ family: 'x'.repeat(25_000) }] }), status: 413 },
  { name: 'JSON nested deeper than MAX_JSON_DEPTH (FHIR extensions)', method: 'post', path: '/fhir/Patient', body: nestedExtension(20), status: 400, diagnostics: /nested more than 32/ },
  { name: 'JSON nested 5,000 levels deep', method: 'post', path: '/fhir/Patient', body: `{"resourceType":"Patient","name":${'['.repeat(5000)}${']'.repeat(5000)}}`, status: 400, diagnostics: /nested/ },
  { name: 'a deeply nested transaction Bundle', method: 'post', path: '/fhir', body: JSON.stringify({ resourceType: 'Bundle', type: 'transaction', entry: [{ resource: JSON.parse(nestedExtension(20)), request: { method: 'POST', url: 'Patient' } }] }), status: 400, diagnostics: /nested/ },
  { name: 'a deeply nested JSON Patch', method: 'put', path: '/fhir/Patient/x', body: `[{"op":"add","path":"/a","value":${'['.repeat(40)}${']'.repeat(40)}}]`, type: 'application/json-patch+json', status: 400, diagnostics: /nested/ },
  { name: 'XML nested deeper than MAX_JSON_DEPTH', method: 'post', path: '/fhir/Patient', body: nestedXml(40), type: FHIR_XML, status: 400, diagnostics: /nested/ },
  { name: 'an XHTML narrative nested 200 levels deep', method: 'post', path: '/fhir/Patient', body: `<Patient ${NS}><text><status value="generated"/><div xmlns="http://www.w3.org/1999/xhtml">${'<b>'.repeat(200)}x${'</b>'.repeat(200)}</div></text></Patient>`, type: FHIR_XML, status: 400, diagnostics: /nested/ },
  { name: 'a text/plain body', method: 'post', path: '/fhir/Patient', body: 'family=Martin', type: 'text/plain', status: 415 },
  { name: 'a form-encoded create', method: 'post', path: '/fhir/Patient', body: 'family=Martin', type: 'application/x-www-form-urlencoded', status: 415 },
  { name: 'a multipart body', method: 'post', path: '/fhir/Patient', body: '--b\r\n\r\nx\r\n--b--', type: 'multipart/form-data; boundary=b', status: 415 },
  { name: 'an octet-stream body', method: 'post', path: '/fhir/Patient', body: '\u0000\u0001\u0002', type: 'application/octet-stream', status: 415 },
  { name: 'application/xml that is not FHIR', method: 'post', path: '/fhir/Patient', body: '<note><to>Tove</to></note>', type: 'application/xml', status: 400 },
  { name: 'an Accept the server cannot produce', method: 'get', path: '/fhir/metadata', headers: { accept: 'text/csv' }, status: 406 },
  { name: 'an unsupported _format', method: 'get', path: '/fhir/metadata?_format=text/html', status: 406 },
  { name: 'XML billion laughs', method: 'post', path: '/fhir/Patient', body: `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">${lols}]><Patient ${NS}><name><family value="&lol9;"/></name></Patient>`, type: FHIR_XML, status: 400, diagnostics: /DOCTYPE/ },
  { name: 'an XML external entity (file:///etc/passwd)', method: 'post', path: '/fhir/Patient', body: `<?xml version="1.0"?><!DOCTYPE Patient [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><Patient ${NS}><name><family value="&xxe;"/></name></Patient>`, type: FHIR_XML, status: 400, diagnostics: /DOCTYPE/ },
  { name: 'an XML parameter entity with an external DTD', method: 'post', path: '/fhir/Patient', body: `<?xml version="1.0"?><!DOCTYPE Patient [<!ENTITY % ext SYSTEM "http://127.0.0.1:9/evil.dtd"> %ext;]><Patient ${NS}/>`, type: FHIR_XML, status: 400, diagnostics: /DOCTYPE/ },
  { name: 'an XML external DTD', method: 'post', path: '/fhir/Patient', body: `<!DOCTYPE Patient SYSTEM "file:///etc/passwd"><Patient ${NS}/>`, type: FHIR_XML, status: 400, diagnostics: /DOCTYPE/ },
  { name: 'an XInclude of a local file', method: 'post', path: '/fhir/Patient', body: `<Patient ${NS}><xi:include xmlns:xi="http://www.w3.org/2001/XInclude" href="file:///etc/passwd"/></Patient>`, type: FHIR_XML, status: 400 },
  { name: 'an undeclared XML entity', method: 'post', path: '/fhir/Patient', body: `<Patient ${NS}><name><family value="&passwd;"/></name></Patient>`, type: FHIR_XML, status: 400 },
  { name: 'a huge XML attribute', method: 'post', path: '/fhir/Patient', body: `<Patient ${NS}><name><family value="${'A'.repeat(30_000)}"/></name></Patient>`, type: FHIR_XML, status: 413 },
  { name: 'thousands of XML attributes', method: 'post', path: '/fhir/Patient', body: `<Patient ${NS}><active value="true" ${Array.from({ length: 2000 }, (_, i) => `a${i}=""`).join(' ')}/></Patient>`, type: FHIR_XML, status: 400 },
  { name: 'a URL longer than MAX_URL_LENGTH', method: 'get', path: `/fhir/Patient?family=${'a'.repeat(5000)}`, status: 414 },
  { name: 'more query parameters than MAX_QUERY_PARAMS', method: 'get', path: `/fhir/Patient?${Array.from({ length: 31 }, (_, i) => `given=g${i}`).join('&')}`, status: 400, diagnostics: /More than 30/ },
  { name: 'a form-encoded _search with too many parameters', method: 'post', path: '/fhir/Patient/_search', body: Array.from({ length: 31 }, (_, i) => `given=g${i}`).join('&'), type: 'application/x-www-form-urlencoded', status: 400 },
  { name: 'a U+0000 in a JSON string', method: 'post', path: '/fhir/Patient', body: '{"resourceType":"Patient","name":[{"family":"Mar\\u0000tin"}]}', status: 400 },
  { name: 'a U+0000 in a search value', method: 'get', path: '/fhir/Patient?family=Mar%00tin', status: 400 },
  { name: 'a U+0000 in an id search', method: 'get', path: '/fhir/Patient?_id=%00', status: 400 },
  { name: 'SQL in a resource id', method: 'get', path: "/fhir/Patient/1'%20OR%20'1'='1", status: 404 },
  { name: 'SQL in a version id', method: 'get', path: '/fhir/Patient/p1/_history/1;DROP%20TABLE%20resource', status: 404 },
  { name: 'SQL in _since', method: 'get', path: "/fhir/Patient/_history?_since=2020'%20OR%201=1--", status: 400 },
  { name: '_sort with SQL', method: 'get', path: '/fhir/Patient?_sort=name;drop%20table%20resource', status: 400 },
  { name: 'a bogus date prefix', method: 'get', path: '/fhir/Patient?birthdate=xx1970', status: 400 },
  { name: 'a bogus quantity prefix', method: 'get', path: '/fhir/Observation?value-quantity=zz5', status: 400 },
  { name: 'a bogus modifier', method: 'get', path: "/fhir/Patient?family:drop=x'", status: 400 },
  { name: 'an unknown parameter under strict handling', method: 'get', path: "/fhir/Patient?1%3D1'--=x", headers: { prefer: 'handling=strict' }, status: 400 },
  { name: 'a negative _count', method: 'get', path: '/fhir/Patient?_count=-1', status: 400 },
  { name: 'a CORS preflight from an origin that is not allowed', method: 'options', path: '/fhir/Patient', headers: { origin: 'https://evil.example.com', 'access-control-request-method': 'DELETE' }, status: 405 },
];

// Search values that try to escape their SQL parameter; each answers 200 (with no matches when
// `empty`) or 400 — never 500 — and changes nothing.
const INJECTIONS: Array<[string, 'empty' | 'any']> = [
  ["family=' OR 1=1--", 'empty'],
  ["family='; DROP TABLE resource;--", 'empty'],
  ['family=%22%3B%20DELETE%20FROM%20resource%3B--', 'empty'],
  ["family=Martin' OR 'a'='a", 'empty'],
  ["_id=p1' OR '1'='1", 'empty'],
  ['_id=p1%27%29%20OR%201%3D1--', 'empty'],
  ["identifier=urn:x|1' OR 1=1--", 'empty'],
  ["identifier=' UNION SELECT content FROM resource--", 'empty'],
  ['family:contains=%25', 'empty'], // a literal %, not a LIKE wildcard (no family contains '%')
  ['family:contains=_', 'empty'],
  ['family=%5C', 'empty'],
  ["family:exact=' OR ''='", 'empty'],
  ["name:text=') OR 1=1--", 'empty'],
  ["general-practitioner:Practitioner.name=' OR 1=1--", 'empty'],
  ["_has:Observation:subject:code=x' OR 1=1--", 'empty'],
  ["_tag=|' OR 1=1--", 'empty'],
  ["_profile=http://x' OR 1=1--", 'empty'],
  ['family=%E0%A4%A', 'empty'], // broken percent-encoding
  ['family=\u202e\ufeff', 'empty'],
  [`family=${'x'.repeat(3000)}`, 'empty'],
  [`_id=${Array.from({ length: 25 }, (_, i) => `a${i}'--`).join(',')}`, 'empty'],
  ["birthdate=ge1970-01-01' OR 1=1--", 'any'],
  ['birthdate=eq', 'any'],
  ['_sort=-', 'any'],
  ['_count=1e9', 'any'],
  ['_count=99999999999999999999', 'any'],
  ['_include=*', 'any'],
  ['_revinclude=*', 'any'],
  ['_include=Patient:*;drop', 'any'],
  ['_elements=*,id;drop', 'any'],
  ['_summary=count', 'any'],
  ["_total=accurate'--", 'any'],
];

describe.each(DB_KINDS)('HTTP hardening on %s', (kind) => {
  let s: FaultyServer;
  let seeded = 0;
  beforeAll(async () => {
    s = await openFaultyServer(kind);
    for (const family of ['Martin', 'Lefèvre', 'Dupont']) {
      const r = await request(s.app).post('/fhir/Patient').set('content-type', FHIR_JSON).send(JSON.stringify({ resourceType: 'Patient', name: [{ family }], identifier: [{ system: 'urn:x', value: family }] }));
      expect(r.status).toBe(201);
    }
    seeded = await rowCount(s.raw);
  });
  afterEach(() => { s.fault = undefined; });
  afterAll(async () => { await s?.close(); });

  it.each(BAD)('answers $name with $status and an OperationOutcome, storing nothing', async (c) => {
    const before = await rowCount(s.raw);
    let r = request(s.app)[c.method](c.path);
    for (const [k, v] of Object.entries(c.headers ?? {})) r = r.set(k, v);
    if (c.body !== undefined) r = r.set('content-type', c.type ?? FHIR_JSON).send(c.body);
    const res = await r;
    expectOutcome(res, c.status);
    if (c.diagnostics) expect(res.body.issue[0].diagnostics).toMatch(c.diagnostics);
    expect(res.text).not.toContain('root:');
    expectSecurityHeaders(res);
    expect(await rowCount(s.raw)).toBe(before);
  });

  it.each(INJECTIONS)('answers the search %s with 200 or 400, never 500, and changes nothing', async (q, expect200) => {
    for (const send of [
      () => request(s.app).get(`/fhir/Patient?${q}`),
      () => request(s.app).post('/fhir/Patient/_search').set('content-type', 'application/x-www-form-urlencoded').send(q),
    ]) {
      const res = await send();
      expect([200, 400], res.text.slice(0, 300)).toContain(res.status);
      if (res.status === 400) expectOutcome(res, 400);
      else if (expect200 === 'empty') expect(res.body.entry?.filter((e: { search?: { mode?: string } }) => e.search?.mode === 'match') ?? []).toEqual([]);
    }
    expect(await rowCount(s.raw)).toBe(seeded);
  });

  it('leaves every row in place after a conditional delete with an injected criterion', async () => {
    const res = await request(s.app).delete("/fhir/Patient?family=' OR 1=1--");
    expect([200, 204, 400, 404, 412]).toContain(res.status);
    expect(await rowCount(s.raw)).toBe(seeded);
    const all = await request(s.app).get('/fhir/Patient?_summary=count');
    expect(all.body.total).toBe(3);
  });

  it('ignores brackets and quotes inside JSON strings when measuring depth', async () => {
    const family = `${'['.repeat(50)}"{{{\\"[[`;
    const res = await request(s.app).post('/fhir/Patient/$validate').set('content-type', FHIR_JSON).send(JSON.stringify({ resourceType: 'Patient', name: [{ family }] }));
    expect(res.status).toBe(200);
    expect(res.body.resourceType).toBe('OperationOutcome');
  });

  it('answers a statement cancelled by statement_timeout with 503 timeout, no stack trace, nothing stored', async () => {
    const before = await rowCount(s.raw);
    s.fault = timeoutFault(s.raw);
    const search = await request(s.app).get('/fhir/Patient?family=Martin');
    expectOutcome(search, 503);
    expect(search.body.issue[0].code).toBe('timeout');
    expectSecurityHeaders(search);
    const write = await request(s.app).post('/fhir/Patient').set('content-type', FHIR_JSON).send('{"resourceType":"Patient"}');
    expectOutcome(write, 503);
    s.fault = undefined;
    expect(await rowCount(s.raw)).toBe(before);
    expect((await request(s.app).get('/fhir/Patient?family=Martin')).status).toBe(200);
  });

  it('answers an internal failure with 500 and a reference only', async () => {
    s.fault = async () => { throw new Error('invalid input syntax: "Martin" at /srv/secret.ts:42'); };
    const res = await request(s.app).get('/fhir/Patient?family=Martin');
    expectOutcome(res, 500);
    expect(res.body.issue[0].diagnostics).toMatch(/^Internal server error \(reference [0-9a-f-]{36}\)$/);
    expect(res.text).not.toMatch(/Martin|secret|invalid input/);
    expectSecurityHeaders(res);
  });

  it('logs no search value, body or stack trace, even for failing requests', async () => {
    const NAME = 'Zyxwvutsrq-Secret';
    const NIR = '2850775123456';
    const lines: string[] = [];
    const spy = vi.spyOn(process.stderr, 'write').mockImplementation(((chunk: string | Uint8Array) => { lines.push(String(chunk)); return true; }) as typeof process.stderr.write);
    setLogLevel('debug');
    try {
      const q = `family=${NAME}&identifier=urn:oid:1.2.250.1.213.1.4.8|${NIR}`;
      s.fault = async () => { throw Object.assign(new Error(`duplicate key value (family)=(${NAME}) identifier ${NIR}`), { code: '23505' }); };
      expect((await request(s.app).get(`/fhir/Patient?${q}`)).status).toBe(500);
      s.fault = timeoutFault(s.raw);
      expect((await request(s.app).get(`/fhir/Patient?${q}`)).status).toBe(503);
      s.fault = undefined;
      expect((await request(s.app).get(`/fhir/Patient?${q}&birthdate=${NAME}`)).status).toBe(400);
      expect((await request(s.app).post('/fhir/Patient/_search').set('content-type', 'application/x-www-form-urlencoded').send(`${q}&birthdate=x${NIR}`)).status).toBe(400);
      expect((await request(s.app).post('/fhir/Patient').set('content-type', FHIR_JSON).send(JSON.stringify({ resourceType: 'Patient', name: [{ family: NAME }], birthDate: NIR }))).status).toBe(400);
      expect((await request(s.app).get(`/fhir/Patient?family=${NAME}${'&given=x'.repeat(40)}`)).status).toBe(400);
    } finally {
      setLogLevel('info');
      spy.mockRestore();
    }
    const text = lines.join('');
    expect(text).toMatch(/"msg":"request"/); // the request log was written…
    expect(text).toMatch(/"msg":"unhandled error".*"ref":/); // …and the 500 was logged with its reference
    expect(text).not.toContain(NAME);
    expect(text).not.toContain(NIR);
    expect(text).not.toMatch(/\n\s+at\s|duplicate key|urn:oid/);
  });

});

describe.each(DB_KINDS)('rate limits, security headers and CORS on %s', (kind) => {
  const open: TestServer[] = [];
  const server = async (overrides: Partial<Config>): Promise<Express> => {
    const t = await openTestServer(kind, { ...LIMITS, ...overrides });
    open.push(t);
    return t.app;
  };
  afterAll(async () => { for (const t of open) await t.close(); });

  it('throttles a client beyond its burst with 429, Retry-After and an OperationOutcome, then lets it recover', async () => {
    const app = await server({ rateLimitPerMinute: 600, rateLimitBurst: 2 }); // 10 a second, 2 at once
    const t = open[open.length - 1];
    const first = await request(app).get('/fhir/metadata');
    expect(first.status).toBe(200);
    expect(first.headers['ratelimit-limit']).toBe('2');
    expect(first.headers['ratelimit-remaining']).toBe('1');
    expect(first.headers['ratelimit-policy']).toBe('600;w=60;burst=2');
    expect((await request(app).get('/fhir/metadata')).headers['ratelimit-remaining']).toBe('0');
    const before = await rowCount(t.ctx.db);
    const throttled = await request(app).post('/fhir/Patient').set('content-type', FHIR_JSON).send('{"resourceType":"Patient"}');
    expectOutcome(throttled, 429);
    expect(throttled.body.issue[0].code).toBe('throttled');
    expect(throttled.headers['retry-after']).toBe('1');
    expect(throttled.headers['ratelimit-remaining']).toBe('0');
    expectSecurityHeaders(throttled);
    expect(await rowCount(t.ctx.db)).toBe(before);
    await new Promise((r) => setTimeout(r, 250));
    expect((await request(app).get('/fhir/metadata')).status).toBe(200);
  });

  it('keys clients by the real address behind a trusted proxy, and ignores X-Forwarded-For otherwise', async () => {
    const proxied = await server({ rateLimitPerMinute: 1, rateLimitBurst: 1, trustProxy: 'loopback' });
    const from = (ip: string) => request(proxied).get('/fhir/metadata').set('x-forwarded-for', ip);
    expect((await from('203.0.113.5')).status).toBe(200);
    expect((await from('203.0.113.5')).status).toBe(429);
    expect((await from('203.0.113.6')).status).toBe(200);
    expect((await from('2001:db8:1:2::1')).status).toBe(200);
    expect((await from('2001:db8:1:2:ffff::9')).status).toBe(429); // same /64
    const direct = await server({ rateLimitPerMinute: 1, rateLimitBurst: 1 });
    expect((await request(direct).get('/fhir/metadata').set('x-forwarded-for', '198.51.100.1')).status).toBe(200);
    expect((await request(direct).get('/fhir/metadata').set('x-forwarded-for', '198.51.100.2')).status).toBe(429);
  });

  it('sends no rate-limit headers when RATE_LIMIT_PER_MINUTE is 0', async () => {
    const res = await request(await server({})).get('/fhir/metadata');
    expect(res.headers['ratelimit-limit']).toBeUndefined();
  });

  it('sends the security headers on successes, errors and paths outside the FHIR base, HSTS only over https', async () => {
    const app = await server({});
    for (const res of [
      await request(app).get('/fhir/metadata'),
      await request(app).get('/fhir/Patient?_count=1'),
      await request(app).get('/fhir/Patient/nope'),
      await request(app).get('/nowhere'),
      await request(app).delete('/fhir/metadata'),
    ]) {
      expectSecurityHeaders(res);
      expect(res.headers['strict-transport-security']).toBeUndefined();
    }
    const https = await server({ baseUrl: 'https://fhir.example.fr/fhir' });
    const res = await request(https).get('/fhir/metadata');
    expectSecurityHeaders(res);
    expect(res.headers['strict-transport-security']).toBe('max-age=31536000; includeSubDomains');
  });

  it('answers a CORS preflight from an allowed origin with 204 and the methods and headers FHIR clients use', async () => {
    const app = await server({});
    const res = await request(app).options('/fhir/Patient').set('origin', ORIGIN).set('access-control-request-method', 'PUT').set('access-control-request-headers', 'authorization, content-type, if-match');
    expect(res.status).toBe(204);
    expect(res.headers['access-control-allow-origin']).toBe(ORIGIN);
    expect(res.headers['access-control-allow-credentials']).toBeUndefined();
    expect(res.headers['vary']).toMatch(/Origin/);
    for (const m of ['GET', 'POST', 'PUT', 'PATCH', 'DELETE']) expect(res.headers['access-control-allow-methods']).toContain(m);
    for (const h of ['Authorization', 'Content-Type', 'If-Match', 'If-None-Exist', 'Prefer']) expect(res.headers['access-control-allow-headers']).toContain(h);
    expectSecurityHeaders(res);
    const get = await request(app).get('/fhir/metadata').set('origin', ORIGIN);
    expect(get.headers['access-control-allow-origin']).toBe(ORIGIN);
    for (const h of ['Location', 'ETag', 'Content-Location', 'Last-Modified']) expect(get.headers['access-control-expose-headers']).toContain(h);
  });

  it('sends no CORS headers to other origins, nor when CORS_ORIGINS is empty', async () => {
    const app = await server({});
    const pre = await request(app).options('/fhir/Patient').set('origin', 'https://evil.example.com').set('access-control-request-method', 'GET');
    expect(pre.status).toBe(405);
    expect(pre.headers['access-control-allow-origin']).toBeUndefined();
    expect(pre.headers['access-control-allow-methods']).toBeUndefined();
    const get = await request(app).get('/fhir/metadata').set('origin', `${ORIGIN}.evil.com`);
    expect(get.headers['access-control-allow-origin']).toBeUndefined();
    const off = await server({ corsOrigins: [] });
    const offPre = await request(off).options('/fhir/Patient').set('origin', ORIGIN).set('access-control-request-method', 'GET');
    expect(offPre.headers['access-control-allow-origin']).toBeUndefined();
  });

  it("allows any origin with '*' (never with credentials), and reflects a listed origin with credentials", async () => {
    const any = await request(await server({ corsOrigins: ['*'] })).get('/fhir/metadata').set('origin', 'https://whoever.example');
    expect(any.headers['access-control-allow-origin']).toBe('*');
    expect(any.headers['access-control-allow-credentials']).toBeUndefined();
    const cred = await request(await server({ corsCredentials: true })).get('/fhir/metadata').set('origin', ORIGIN);
    expect(cred.headers['access-control-allow-origin']).toBe(ORIGIN);
    expect(cred.headers['access-control-allow-credentials']).toBe('true');
    expect(() => loadConfig({ CORS_ORIGINS: '*', CORS_CREDENTIALS: 'true' })).toThrow(/CORS_CREDENTIALS/);
    expect(loadConfig({ CORS_ORIGINS: 'https://a.example/, https://b.example' }).corsOrigins).toEqual(['https://a.example', 'https://b.example']);
  });
});

describe('time limits', () => {
  it('configures the HTTP server timeouts and closes a connection whose request does not arrive in time (408)', async () => {
    const db = await openTestDb('pglite');
    const running = await startServer({ ...loadConfig({}), baseUrl: BASE, auth: 'off', port: 0, host: '127.0.0.1', requestTimeoutMs: 600, keepAliveTimeoutMs: 1234 }, db);
    try {
      expect(running.server.requestTimeout).toBe(600);
      expect(running.server.headersTimeout).toBe(600);
      expect(running.server.keepAliveTimeout).toBe(1234);
      const before = await rowCount(db);
      const port = new URL(running.url).port;
      const exchange = (data: string) => new Promise<{ text: string; ms: number }>((resolve, reject) => {
        const started = Date.now();
        let text = '';
        const sock = connect(Number(port), '127.0.0.1', () => sock.write(data));
        sock.on('data', (d) => (text += d.toString()));
        sock.on('error', reject);
        sock.on('close', () => resolve({ text, ms: Date.now() - started }));
        setTimeout(() => { sock.destroy(); reject(new Error('the server kept the connection open')); }, 5000);
      });
      // A body that never completes, then headers that never complete (slowloris).
      const body = await exchange('POST /fhir/Patient HTTP/1.1\r\nHost: x\r\nContent-Type: application/fhir+json\r\nContent-Length: 100\r\n\r\n{"resourceType":');
      expect(body.text).toMatch(/^HTTP\/1\.1 408/);
      const headers = await exchange('GET /fhir/metadata HTTP/1.1\r\nHost: x\r\n');
      expect(headers.text).toMatch(/^HTTP\/1\.1 408/);
      expect(headers.ms).toBeLessThan(3000);
      expect(await rowCount(db)).toBe(before);
    } finally {
      await running.close();
    }
  });

  it.skipIf(!process.env.TEST_DATABASE_URL)('sets statement_timeout on every PostgreSQL connection, cancelling with SQLSTATE 57014', async () => {
    const db = await openDb({ databaseUrl: process.env.TEST_DATABASE_URL, poolSize: 2, statementTimeoutMs: 150 });
    try {
      expect((await db.query<{ statement_timeout: string }>('SHOW statement_timeout')).rows[0].statement_timeout).toBe('150ms');
      const started = Date.now();
      await expect(db.query('SELECT pg_sleep(3)')).rejects.toMatchObject({ code: '57014' });
      expect(Date.now() - started).toBeLessThan(2000);
      await expect(db.transaction((tx) => tx.query('SELECT pg_sleep(3)'))).rejects.toMatchObject({ code: '57014' });
    } finally {
      await db.close();
    }
  });
});

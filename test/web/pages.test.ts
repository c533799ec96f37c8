// Serving the built pages (src/http/web.ts) and their interface text, without a browser: the page
// CSP (own scripts only, no inline script), the API keeping its own CSP, the note when the pages are
// not built, and French and English covering the same keys, every key the code uses.
import express from 'express';
import { mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { webPages } from '../../src/http/web.js';
import { openTestServer, type TestServer } from '../support/server.js';

const WEB = new URL('../../web/', import.meta.url).pathname;
const fr = JSON.parse(readFileSync(join(WEB, 'i18n/fr.json'), 'utf8')) as Record<string, string>;
const en = JSON.parse(readFileSync(join(WEB, 'i18n/en.json'), 'utf8')) as Record<string, string>;

function files(dir: string, ext: RegExp): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    if (f === 'dist' || f === 'node_modules') return [];
    return statSync(p).isDirectory() ? files(p, ext) : ext.test(f) ? [p] : [];
  });
}

describe('web pages served by oncofhir', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await openTestServer('pglite');
  });
  afterAll(() => s?.close());

  it.each(['/', '/dashboard/'])('serves %s with a CSP allowing only its own scripts, styles and API calls', async (path) => {
    const res = await request(s.app).get(path);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/text\/html/);
    const csp = res.headers['content-security-policy'];
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("connect-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toMatch(/unsafe-inline|unsafe-eval|\*/);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    // No inline script or style: every <script> has a src, no style attributes.
    expect(res.text).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    expect(res.text).not.toMatch(/\sstyle="/);
    const script = /<script type="module" crossorigin src="([^"]+)"/.exec(res.text)![1];
    const js = await request(s.app).get(script);
    expect(js.status).toBe(200);
    expect(js.headers['content-type']).toMatch(/javascript/);
    expect(js.headers['cache-control']).toBe('public, max-age=31536000, immutable');
  });

  it('leaves the API its own headers, and unknown paths their 404 OperationOutcome', async () => {
    const meta = await request(s.app).get('/fhir/metadata');
    expect(meta.headers['content-security-policy']).toBe("default-src 'none'; frame-ancestors 'none'");
    const missing = await request(s.app).get('/nothing-here');
    expect(missing.status).toBe(404);
    expect(missing.body.resourceType).toBe('OperationOutcome');
  });

  it('says how to build when the pages are not built, and serves nothing when the FHIR base is /', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'oncofhir-nodist-'));
    const app = express().use(webPages('/fhir', `${empty}/`));
    const res = await request(app).get('/');
    expect(res.status).toBe(503);
    expect(res.text).toMatch(/npm run build:web/);
    const atRoot = express().use(webPages('/')).use((_req, r) => void r.status(418).end());
    expect((await request(atRoot).get('/')).status).toBe(418);
  });
});

describe('interface text', () => {
  it('has the same keys in French and in English, none empty', () => {
    expect(Object.keys(en).sort()).toEqual(Object.keys(fr).sort());
    expect(Object.entries({ ...fr, ...en }).filter(([, v]) => !v.trim())).toEqual([]);
  });

  it('defines every key the pages and the code use', () => {
    const used = new Set<string>();
    for (const f of files(WEB, /\.(ts|html)$/).filter((p) => !p.endsWith('i18n.ts'))) { // i18n.ts: its comments show the syntax
      const text = readFileSync(f, 'utf8');
      for (const m of text.matchAll(/\bt\('([\w.-]+)'/g)) used.add(m[1]);
      for (const m of text.matchAll(/data-i18n="([\w.-]+)"/g)) used.add(m[1]);
      for (const m of text.matchAll(/data-i18n-attr="([^"]+)"/g)) for (const pair of m[1].split(';')) used.add(pair.split(':')[1]);
      // Keys built from a prefix (t(`sev.${…}`)): the prefix must have entries.
      for (const m of text.matchAll(/\bt\(`([\w.-]+)\.\$\{/g)) expect(Object.keys(fr).some((k) => k.startsWith(`${m[1]}.`)), m[1]).toBe(true);
    }
    expect(used.size).toBeGreaterThan(50);
    expect([...used].filter((k) => !(k in fr))).toEqual([]);
  });
});

import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startServerProcess } from '../../scripts/lib/server-process.js';

const ROOT = join(import.meta.dirname, '../..');
const BIN = join(ROOT, 'bin/oncofhir.mjs');
const tmp = mkdtempSync(join(tmpdir(), 'oncofhir-cli-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

// vitest exports Vite's BASE_URL=/ to process.env; the CLI reads BASE_URL as the FHIR base URL.
const { BASE_URL: _viteBase, ...parentEnv } = process.env;
const cli = (args: string[], env: Record<string, string> = {}) =>
  spawnSync(process.execPath, [BIN, ...args], { cwd: ROOT, env: { ...parentEnv, ...env, LOG_LEVEL: 'warn' }, encoding: 'utf8', timeout: 120_000 });

describe('the oncofhir command', () => {
  it.each([[['--help']], [['serve', '--help']], [['import', '--help']], [['token', '--help']]])('prints help for %j', (args) => {
    const r = cli(args);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/Usage: oncofhir/);
  });

  it('rejects an unknown command with a non-zero exit and the help text', () => {
    const r = cli(['frobnicate']);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/unknown command/);
  });

  it('imports a transaction Bundle and NDJSON, reports a summary, and fails on a broken file without storing it', () => {
    const dataDir = join(tmp, 'import-data');
    const bundle = join(tmp, 'tx.json');
    writeFileSync(bundle, JSON.stringify({ resourceType: 'Bundle', type: 'transaction', entry: [
      { fullUrl: 'urn:uuid:a0000000-0000-4000-8000-000000000001', resource: { resourceType: 'Patient', name: [{ family: 'Import' }] }, request: { method: 'POST', url: 'Patient' } },
      { resource: { resourceType: 'Observation', status: 'final', code: { text: 'x' }, subject: { reference: 'urn:uuid:a0000000-0000-4000-8000-000000000001' } }, request: { method: 'POST', url: 'Observation' } },
    ] }));
    const nd = join(tmp, 'patients.ndjson');
    writeFileSync(nd, Array.from({ length: 7 }, (_, i) => JSON.stringify({ resourceType: 'Patient', id: `nd-${i}`, gender: 'female' })).join('\n') + '\n');
    const broken = join(tmp, 'broken.json');
    writeFileSync(broken, JSON.stringify({ resourceType: 'Bundle', type: 'transaction', entry: [
      { resource: { resourceType: 'Patient' }, request: { method: 'POST', url: 'Patient' } },
      { resource: { resourceType: 'Patient', id: 'no good' }, request: { method: 'PUT', url: 'Patient/no good' } },
    ] }));
    const r = cli(['import', bundle, nd, broken], { DATA_DIR: dataDir });
    expect(r.stdout).toMatch(/Imported 9 resources from 2 of 3 files/);
    expect(r.stdout).toMatch(/FAILED .*broken\.json: .*Bundle\.entry\[1\]/);
    expect(r.status).toBe(1);
  });

  it('publishes the shipped profiles over REST with `import profiles/`: read by id, searched by canonical url', async () => {
    const env = { DATA_DIR: join(tmp, 'profiles-data') };
    const r = cli(['import', join(ROOT, 'profiles')], env);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/Imported (\d+) resources from \1 of \1 files/);
    const server = await startServerProcess(env, 18933);
    try {
      const headers = { authorization: server.authorization };
      const read = await fetch(`${server.url}/StructureDefinition/onco-bundle-rcp`, { headers });
      expect(read.status).toBe(200);
      expect((await read.json()).url).toBe('https://oncofhir.fr/StructureDefinition/onco-bundle-rcp');
      const found = await (await fetch(`${server.url}/ValueSet?url=${encodeURIComponent('https://oncofhir.fr/ValueSet/onco-laterality')}`, { headers })).json();
      expect(found.total ?? found.entry?.length).toBe(1);
    } finally {
      await server.stop();
    }
  });

  it('serves FHIR from `serve` and keeps the data in DATA_DIR across a restart', async () => {
    const env = { DATA_DIR: join(tmp, 'serve-data') };
    let server = await startServerProcess(env, 18931);
    try {
      const put = await fetch(`${server.url}/Patient/persist-1`, { method: 'PUT', headers: { 'content-type': 'application/fhir+json', authorization: server.authorization }, body: JSON.stringify({ resourceType: 'Patient', id: 'persist-1', gender: 'male' }) });
      expect(put.status).toBe(201);
    } finally {
      await server.stop();
    }
    server = await startServerProcess(env, 18932);
    try {
      const r = await fetch(`${server.url}/Patient/persist-1`, { headers: { authorization: server.authorization } });
      expect(r.status).toBe(200);
      expect((await r.json()).gender).toBe('male');
      // Auth is on out of the box: no token, no data; `oncofhir token` gets one from the running server.
      expect((await fetch(`${server.url}/Patient/persist-1`)).status).toBe(401);
      const t = cli(['token', '--scope', 'system/Patient.rs'], { ...env, BASE_URL: 'http://127.0.0.1:18932/fhir' });
      expect(t.status).toBe(0);
      const token = t.stdout.trim();
      expect(token.split('.')).toHaveLength(3);
      const withToken = await fetch(`${server.url}/Patient/persist-1`, { headers: { authorization: `Bearer ${token}` } });
      expect(withToken.status).toBe(200);
      const denied = await fetch(`${server.url}/Patient/persist-1`, { method: 'DELETE', headers: { authorization: `Bearer ${token}` } });
      expect(denied.status).toBe(403);
    } finally {
      await server.stop();
    }
  });
});

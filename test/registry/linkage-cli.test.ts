// `oncofhir link` end to end: spawns the real CLI on NDJSON and checks the CSV outputs and the summary.
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generatePopulation } from '../../src/registry/linkage/synthetic.js';

const root = join(import.meta.dirname, '../..');
const dir = mkdtempSync(join(tmpdir(), 'oncofhir-link-'));
const keyFile = join(dir, 'registry.key');
writeFileSync(keyFile, 'a-test-secret-of-enough-length-0123456789\n');
const run = (...args: string[]) => spawnSync(process.execPath, [join(root, 'bin/oncofhir.mjs'), 'link', ...args], { encoding: 'utf8', env: { ...process.env, REGISTRY_KEY: '', REGISTRY_KEY_FILE: '' } });
const readCsv = (f: string) => readFileSync(f, 'utf8').trim().split('\n').map((l) => l.split(','));

describe('oncofhir link', () => {
  const input = join(dir, 'records.ndjson');
  const pop = generatePopulation({ records: 3000, seed: 5 });
  const example = readFileSync(join(root, 'examples/linkage/persons.ndjson'), 'utf8');
  writeFileSync(input, example + pop.records.map((r) => JSON.stringify(r)).join('\n') + '\n');

  it('writes recordId,personKey for every record, review pairs, and a summary', () => {
    const out = join(dir, 'clusters.csv'), review = join(dir, 'review.csv');
    const r = run(input, '--out', out, '--review', review, '--key-file', keyFile);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/records 3008\s+persons \d+\s+links \d+ \(INS \d+\)\s+review pairs \d+.*seconds [\d.]+/);
    expect(r.stderr).not.toMatch(/warning/);
    const rows = readCsv(out);
    expect(rows[0]).toEqual(['recordId', 'personKey']);
    expect(rows).toHaveLength(3009);
    expect(rows.slice(1).every(([id, key]) => id && /^[0-9a-f]{64}$/.test(key))).toBe(true);
    const keyOf = new Map(rows.slice(1).map(([id, key]) => [id, key] as const));
    // examples/linkage/persons.ndjson: one woman under birth and married names, a swapped date; her twin apart.
    expect(keyOf.get('labo-ouest-17')).toBe(keyOf.get('chu-rennes-001'));
    expect(keyOf.get('rcp-brest-88')).toBe(keyOf.get('chu-rennes-001'));
    expect(keyOf.get('chu-rennes-002')).not.toBe(keyOf.get('chu-rennes-001'));
    expect(keyOf.get('acp-quimper-9')).toBe(keyOf.get('reg-finistere-5'));
    expect(keyOf.get('chu-lille-4')).not.toBe(keyOf.get('chu-lyon-3'));
    const rev = readCsv(review);
    expect(rev[0]).toEqual(['recordIdA', 'recordIdB', 'weight', 'probability']);
    expect(rev.slice(1).every((x) => x.length === 4 && Number.isFinite(Number(x[2])))).toBe(true);
    // Same key file, same person keys; decisions override.
    const out2 = join(dir, 'clusters2.csv'), decisions = join(dir, 'decisions.csv');
    writeFileSync(decisions, 'chu-rennes-001,rcp-brest-88,rejected\n');
    expect(run(input, '--out', out2, '--key-file', keyFile, '--decisions', decisions).status).toBe(0);
    const keyOf2 = new Map(readCsv(out2).slice(1).map(([id, key]) => [id, key] as const));
    expect(keyOf2.get('reg-finistere-5')).toBe(keyOf.get('reg-finistere-5'));
    expect(keyOf2.get('rcp-brest-88')).not.toBe(keyOf2.get('chu-rennes-001'));
  });

  it('warns without a key, and reports bad lines with their line number', () => {
    const bad = join(dir, 'bad.ndjson'), out = join(dir, 'bad.csv');
    writeFileSync(bad, [example.split('\n')[0], '{"recordId":"x","birthName":"A","givenNames":["B"],"birthDate":"14/03/1979","sex":"F"}', 'not json', '{"recordId":"y","birthName":"A","givenNames":["B"],"birthDate":"1979-03-14","sex":"X"}', example.split('\n')[0]].join('\n'));
    const r = run(bad, '--out', out);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/ephemeral random key/);
    expect(r.stderr).toMatch(/bad\.ndjson:2: birthDate must be YYYY-MM-DD/);
    expect(r.stderr).toMatch(/bad\.ndjson:3: not JSON/);
    expect(r.stderr).toMatch(/bad\.ndjson:4: sex must be M or F/);
    expect(r.stderr).toMatch(/bad\.ndjson:5: duplicate recordId chu-rennes-001/);
    expect(readCsv(out)).toHaveLength(2);
  });

  it('--help documents the options', () => {
    const r = run('--help');
    expect(r.status).toBe(0);
    for (const o of ['--out', '--review', '--decisions', '--key-file']) expect(r.stdout).toContain(o);
  });
});

// `oncofhir indicators` end to end on examples/registry/cases.ndjson (fictitious cases).
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { recoverSuppressed } from '../../src/registry/indicators/disclosure-check.js';

const root = join(import.meta.dirname, '../..');
const example = join(root, 'examples/registry/cases.ndjson');
const run = (...args: string[]) => spawnSync(process.execPath, [join(root, 'bin/oncofhir.mjs'), 'indicators', ...args], { encoding: 'utf8' });

describe('oncofhir indicators', () => {
  it('writes a suppressed CSV and a summary', () => {
    const r = run(example, '--by', 'year,sex,site', '--format', 'csv');
    expect(r.status, r.stderr).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[0]).toBe('year,sex,site,count,status');
    expect(lines).toContain('Total,Total,Total,390,');
    expect(lines.some((l) => l.endsWith(',,suppressed'))).toBe(true);
    expect(r.stderr).toMatch(/cases counted 390\s+excluded \(restricted processing\) 10\s+invalid 0\s+suppressed \d+ primary \+ \d+ secondary/);
  });

  it('writes JSON whose suppressed cells cannot be recovered', () => {
    const r = run(example, '--by', 'departement,ageGroup', '--format', 'json');
    expect(r.status, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout) as { cells: Record<string, string | number | null>[]; columnDimension: string };
    expect(j.columnDimension).toBe('ageGroup');
    const rows = [...new Set(j.cells.map((c) => c.departement as string))], cols = [...new Set(j.cells.map((c) => c.ageGroup as string))];
    const grid = rows.map((d) => cols.map((a) => j.cells.find((c) => c.departement === d && c.ageGroup === a)!.count as number | null));
    expect(j.cells.some((c) => c.count === null)).toBe(true);
    expect(recoverSuppressed(grid)).toEqual([]);
  });

  it.each([
    [['--by', 'town'], 2, /unknown dimension town/],
    [['--format', 'xml'], 2, /json or csv/],
  ])('usage errors %j exit %i', (args, code, msg) => {
    const r = run(example, ...args);
    expect(r.status).toBe(code);
    expect(r.stderr).toMatch(msg);
  });

  it('reports bad lines with their line number and exits 1', () => {
    const f = join(mkdtempSync(join(tmpdir(), 'oncofhir-ind-')), 'bad.ndjson');
    writeFileSync(f, '{"year":2024,"sex":"F","ageAtDiagnosis":50,"departement":"35","topography":"C50.1"}\nnot json\n{"year":2024,"sex":"F","ageAtDiagnosis":50,"departement":"20","topography":"C50.1"}\n');
    const r = run(f, '--by', 'year');
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('bad.ndjson:2: not JSON');
    expect(r.stderr).toMatch(/bad\.ndjson:3: departement "20"/);
  });
});

// `oncofhir validate`: spawns the real command on JSON and XML files, with --profile, --with, --json and --junit.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { toXml } from '../../src/fhir/xml/index.js';

const ROOT = join(import.meta.dirname, '../..');
const BIN = join(ROOT, 'bin/oncofhir.mjs');
const PROFILE = join(ROOT, 'examples/profiles/vital-signs-observation.json');
const tmp = mkdtempSync(join(tmpdir(), 'oncofhir-validate-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const cli = (args: string[]) => spawnSync(process.execPath, [BIN, 'validate', ...args], { cwd: ROOT, env: { ...process.env, LOG_LEVEL: 'warn' }, encoding: 'utf8', timeout: 120_000 });
const write = (name: string, body: object | string) => {
  const f = join(tmp, name);
  writeFileSync(f, typeof body === 'string' ? body : JSON.stringify(body));
  return f;
};

const good = { resourceType: 'Patient', id: 'p1', gender: 'female', birthDate: '1970-01-02' };
const vitals = {
  resourceType: 'Observation', id: 'o1', status: 'final',
  category: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'vital-signs' }] }],
  code: { coding: [{ system: 'http://loinc.org', code: '8302-2' }] }, subject: { reference: 'Patient/p1' }, effectiveDateTime: '2020-01-01',
  valueQuantity: { value: 170, unit: 'cm', system: 'http://unitsofmeasure.org', code: 'cm' },
};

describe('oncofhir validate', () => {
  it('exits 0 on valid JSON and XML files and prints a readable report', () => {
    const dir = join(tmp, 'ok');
    mkdirSync(dir);
    writeFileSync(join(dir, 'p.json'), JSON.stringify(good));
    writeFileSync(join(dir, 'p.xml'), toXml(good));
    const r = cli([dir]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/p\.json: valid \(0 errors, 0 warnings, 0 information\)/);
    expect(r.stdout).toMatch(/p\.xml: valid/);
    expect(r.stdout).toMatch(/2 files validated: 2 valid, 0 with errors/);
  });

  it('exits 1 and lists each issue with its location when a file has errors', () => {
    const bad = write('bad.json', { ...good, birthDate: '1970-13-45', extension: [{ url: 'http://example.org/x', valueString: 'y' }] });
    const r = cli([bad, write('good.json', good)]);
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/bad\.json: INVALID \(1 error, 1 warning, 0 information\)/);
    expect(r.stdout).toMatch(/ERROR +Patient\.birthDate: /);
    expect(r.stdout).toMatch(/WARNING +Patient\.extension\[0\]: Unknown extension/);
  });

  it('validates against --profile loaded with --with, and prints OperationOutcomes with --json', () => {
    const f = write('vitals.json', { ...vitals, category: [{ text: 'lab' }] });
    const r = cli(['--with', PROFILE, '--profile', 'http://oncofhir.example/StructureDefinition/vital-signs', '--json', f]);
    expect(r.status).toBe(1);
    const out = JSON.parse(r.stdout) as { file: string; outcome: { resourceType: string; issue: { severity: string; expression: string[]; diagnostics: string }[] } }[];
    expect(out).toHaveLength(1);
    expect(out[0].outcome.resourceType).toBe('OperationOutcome');
    expect(out[0].outcome.issue.find((i) => i.severity === 'error')?.diagnostics).toMatch(/Slice 'VSCat'/);
    const ok = cli(['--with', PROFILE, '--profile', 'http://oncofhir.example/StructureDefinition/vital-signs', write('vitals-ok.json', vitals)]);
    expect(ok.status).toBe(0);
  });

  it('writes a JUnit report with one testcase per file and a failure for each invalid one', () => {
    const junit = join(tmp, 'report.xml');
    const r = cli(['--junit', junit, write('j-good.json', good), write('j-bad.json', { resourceType: 'Observation' })]);
    expect(r.status).toBe(1);
    const xml = readFileSync(junit, 'utf8');
    expect(xml).toMatch(/<testsuite name="oncofhir validate" tests="2" failures="1"/);
    expect(xml).toMatch(/<testcase classname="oncofhir.validate" name="[^"]*j-good.json"\/>/);
    expect(xml).toMatch(/<failure message="2 error\(s\)" type="validation">Observation: Observation.status: minimum required = 1/);
  });

  it.each([
    [['--bogus', 'x.json']],
    [[]],
    [['/nonexistent/file.json']],
    [['--profile', 'http://unknown/profile', join(ROOT, 'package.json')]],
  ])('exits 2 on a usage error: %j', (args) => {
    const r = cli(args);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/error/);
  });

  it('reports a file that cannot be parsed as a fatal issue (exit 1)', () => {
    const r = cli([write('broken.json', '{"resourceType": "Patient",')]);
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/FATAL +\(file\): The file cannot be parsed/);
  });
});

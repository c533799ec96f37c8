// `oncofhir convert`: CDA → FHIR and FHIR (JSON or XML) → CDA, the result on stdout or in --out, the
// unmapped parts on stderr with their locations, and the exit codes (0 converted, 1 not convertible,
// 2 usage error).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { validateCda } from '../../src/cda/validation/index.js';

const ROOT = join(import.meta.dirname, '../..');
const BIN = join(ROOT, 'bin/oncofhir.mjs');
const tmp = mkdtempSync(join(tmpdir(), 'oncofhir-convert-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const { BASE_URL: _viteBase, ...parentEnv } = process.env;
const cli = (args: string[]) => spawnSync(process.execPath, [BIN, 'convert', ...args], { cwd: ROOT, env: { ...parentEnv, LOG_LEVEL: 'warn' }, encoding: 'utf8', timeout: 120_000 });

describe('oncofhir convert', () => {
  it('converts a CDA fiche RCP to a FHIR document Bundle on stdout, then that Bundle back to CDA in --out', () => {
    const r = cli(['examples/cda/fiche-rcp.xml']);
    expect(r.status, r.stderr).toBe(0);
    const bundle = JSON.parse(r.stdout);
    expect(bundle).toMatchObject({ resourceType: 'Bundle', type: 'document' });
    expect(bundle.entry[0].resource.type.coding[0].code).toBe('34794-8');
    expect(r.stderr).toMatch(/Fiche RCP converted to FHIR/);
    const json = join(tmp, 'rcp.json');
    writeFileSync(json, r.stdout);
    const out = join(tmp, 'rcp.xml');
    const back = cli([json, '--out', out]);
    expect(back.status, back.stderr).toBe(0);
    expect(back.stdout).toBe('');
    const xml = readFileSync(out, 'utf8');
    expect(xml).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?>\n<ClinicalDocument xmlns="urn:hl7-org:v3"/);
    expect(validateCda(xml, { xsdDir: '' }).issues.filter((i) => i.severity === 'error')).toEqual([]);
  });

  it('reads a FHIR XML Bundle, writes FHIR XML when --out ends in .xml, and lists unmapped parts on stderr with their location', () => {
    const fhirXml = join(tmp, 'pps.fhir.xml');
    const toFhir = cli(['examples/cda/pps.xml', '--out', fhirXml]);
    expect(toFhir.status, toFhir.stderr).toBe(0);
    expect(readFileSync(fhirXml, 'utf8')).toMatch(/<Bundle xmlns="http:\/\/hl7.org\/fhir">/);
    const r = cli([fhirXml, '--to', 'cda']);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/<templateId root="1.2.250.1.213.1.1.1.26" extension="2022.01"\/>/);
    // A Bundle with an orphan resource: one stderr line naming it by FHIRPath.
    const bundle = JSON.parse(readFileSync(join(ROOT, 'examples/fhir/crgm-bundle.json'), 'utf8'));
    bundle.entry.push({ fullUrl: 'urn:uuid:0d6f0a57-1b0e-4a8a-9a53-1f2d8c2a0b02', resource: { resourceType: 'Observation', status: 'final', code: { text: 'orphan' } } });
    const orphan = join(tmp, 'orphan.json');
    writeFileSync(orphan, JSON.stringify(bundle));
    const w = cli([orphan]);
    expect(w.status).toBe(0);
    expect(w.stderr).toMatch(new RegExp(`^warning Bundle\\.entry\\[${bundle.entry.length - 1}\\]\\.resource: .*referenced by no section`, 'm'));
  });

  it.each<[string, string[], number, RegExp]>([
    ['a missing file', ['no-such-file.json'], 2, /no such file/],
    ['an unknown --to', ['examples/cda/pps.xml', '--to', 'pdf'], 2, /invalid|Allowed choices/i],
    ['a conversion to the form the file already has', ['examples/cda/pps.xml', '--to', 'cda'], 2, /already CDA/],
    ['no file', [], 2, /missing required argument/],
    ['a FHIR resource that is not a document Bundle', ['examples/profiles/vital-signs-observation.json'], 1, /cannot be converted: .*document Bundle/],
  ])('exits with the right code for %s', (_name, args, status, message) => {
    const r = cli(args);
    expect(r.status).toBe(status);
    expect(r.stderr).toMatch(message);
  });

  it('exits 1 on a file that is neither CDA nor FHIR, and 0 on --help', () => {
    const junk = join(tmp, 'junk.txt');
    writeFileSync(junk, 'not a document');
    const r = cli([junk]);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/neither a CDA document nor a FHIR resource/);
    const h = cli(['--help']);
    expect(h.status).toBe(0);
    expect(h.stdout).toMatch(/Usage: oncofhir convert/);
  });
});

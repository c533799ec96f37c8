// `oncofhir validate` on CDA files: spawns the real command; CDA files (root ClinicalDocument) go to
// the CI-SIS validator, with the same report formats and exit codes as FHIR files.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { EXAMPLES, HAS_CORPUS, NO_CORPUS_MESSAGE, ROOT, XSD_DIR, CORPUS, example, removeElement } from './support.js';

const BIN = join(ROOT, 'bin/oncofhir.mjs');
const tmp = mkdtempSync(join(tmpdir(), 'oncofhir-cda-cli-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const cli = (args: string[], env: Record<string, string> = {}) =>
  spawnSync(process.execPath, [BIN, 'validate', ...args], { cwd: ROOT, env: { ...process.env, LOG_LEVEL: 'warn', CDA_XSD_DIR: '', ...env }, encoding: 'utf8', timeout: 120_000 });
const write = (name: string, body: string) => {
  const f = join(tmp, name);
  writeFileSync(f, body);
  return f;
};

describe('oncofhir validate <cda.xml>', () => {
  it('exits 0 on the four examples and names the volet of each', () => {
    const r = cli([EXAMPLES]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/fiche-rcp\.xml: valid \(0 errors, 0 warnings, 1 information\)/);
    expect(r.stdout).toMatch(/Fiche RCP \(CANCER-FRCP 2022\.01\); CDA schema \(XSD\) not checked/);
    expect(r.stdout).toMatch(/CR-ACP \(CANCER-CR-ACP current\)/);
    expect(r.stdout).toMatch(/4 files validated: 4 valid, 0 with errors\./);
  });

  it('exits 1 with the error, its XPath and its rule for an invalid document', () => {
    const f = write('no-legal.xml', removeElement(example('cr-gm.xml'), 'legalAuthenticator'));
    const r = cli([f]);
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/no-legal\.xml: INVALID \(1 error/);
    expect(r.stdout).toMatch(/ERROR\s+\/ClinicalDocument\/legalAuthenticator: .*legalAuthenticator.* \[SM-LEGALAUTHENTICATOR\]/);
  });

  it('--volet validates as that volet: the right one passes, another fails with OF-VOLET-ASKED; an unknown one is a usage error', () => {
    const rcp = join(EXAMPLES, 'fiche-rcp.xml');
    expect(cli([rcp, '--volet', 'rcp']).status).toBe(0);
    const r = cli([rcp, '--volet', 'crgm']);
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/ERROR\s+\/ClinicalDocument\/templateId: Validated as the CR-GM .* asked for, but the document is a Fiche RCP .* \[OF-VOLET-ASKED\]/);
    const bad = cli([rcp, '--volet', 'xyz']);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/unknown volet xyz: use one of rcp, pps, crgm, cracp/);
  });

  it('--json prints one OperationOutcome per file with the rule of each issue', () => {
    const f = write('bad-code.xml', example('fiche-rcp.xml').replace('code="34794-8"', 'code="99999-9"'));
    const r = cli([f, '--json']);
    expect(r.status).toBe(1);
    const [{ file, outcome }] = JSON.parse(r.stdout);
    expect(file).toBe(f);
    expect(outcome.resourceType).toBe('OperationOutcome');
    expect(outcome.issue[0]).toMatchObject({ severity: 'information', code: 'informational' });
    const j07 = outcome.issue.find((i: { details?: { coding: { code: string }[] } }) => i.details?.coding[0].code === 'SM-CODE-J07');
    expect(j07).toMatchObject({ severity: 'error', code: 'code-invalid', expression: ['/ClinicalDocument/code/@code'] });
    expect(j07.details.coding[0]).toMatchObject({ system: 'https://oncofhir.fr/CodeSystem/cda-validation-rule', display: 'ASIP-STRUCT-MIN' });
  });

  it('--junit writes one test case per file, failures for invalid ones', () => {
    const bad = write('bad.xml', '<ClinicalDocument xmlns="urn:hl7-org:v3"><title>x</title>');
    const out = join(tmp, 'report.xml');
    const r = cli([join(EXAMPLES, 'pps.xml'), bad, '--junit', out]);
    expect(r.status).toBe(1);
    const junit = readFileSync(out, 'utf8');
    expect(junit).toMatch(/tests="2" failures="1"/);
    expect(junit).toMatch(/Malformed XML/);
  });

  it('a DOCTYPE (XXE attempt) is a fatal finding, not an expansion', () => {
    const f = write('xxe.xml', '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><ClinicalDocument xmlns="urn:hl7-org:v3"><title>&xxe;</title></ClinicalDocument>');
    const r = cli([f]);
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/FATAL.*DOCTYPE is not allowed/);
    expect(r.stdout).not.toMatch(/root:/);
  });

  it.skipIf(!HAS_CORPUS)(`checks the XSD when CDA_XSD_DIR is set, and reports the 2021.01 CR-ACP header errors${HAS_CORPUS ? '' : ` — ${NO_CORPUS_MESSAGE}`}`, () => {
    const r = cli([join(CORPUS, 'CANCER-CR-ACP-MELANOME_2021.01.xml'), join(EXAMPLES, 'fiche-rcp.xml')], { CDA_XSD_DIR: XSD_DIR });
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/CANCER-CR-ACP-MELANOME_2021\.01\.xml: INVALID \(3 errors, 0 warnings/);
    expect(r.stdout).toMatch(/CDA schema \(XSD\) checked/);
    expect(r.stdout).toMatch(/fiche-rcp\.xml: valid/);
  });
});

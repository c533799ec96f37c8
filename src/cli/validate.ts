// `oncofhir validate <files|dirs…>`: validates FHIR JSON and XML files against the base spec, the profiles
// they declare and --profile, with --with supporting resources; prints a report, OperationOutcomes (--json)
// or JUnit XML (--junit). Exit 0 without errors, 1 with any error, 2 on a usage error.
import { Command } from 'commander';
import { usage, usageExitCodes } from './exit.js';
import { existsSync, writeFileSync } from 'node:fs';
import { relative } from 'node:path';
import type { OperationOutcome } from 'fhir/r4';
import { outcome, type Issue } from '../fhir/errors.js';
import { getStructureDefinition, listResourceFiles, readResourceFile } from '../validation/registry.js';
import { loadShippedProfiles } from '../documents/profiles.js';
import { loadSupporting } from '../validation/supporting.js';
import { validateResource } from '../validation/validator.js';
import { isCdaFile, validateCdaFile } from '../cda/validation/file-report.js';
import { byKey, DOCUMENT_KEYS } from '../documents/registry.js';
import type { DocumentKey } from '../documents/types.js';

export interface FileReport { file: string; issues: Issue[]; errors: number; warnings: number; information: number; outcome?: OperationOutcome }

const isError = (i: Issue) => i.severity === 'error' || i.severity === 'fatal';

export function validateFiles(files: string[], profile?: string, volet?: DocumentKey): FileReport[] {
  return files.map((file) => {
    let issues: Issue[];
    let cdaOutcome: OperationOutcome | undefined;
    try {
      // A CDA document (root ClinicalDocument, HL7 v3) goes to the CI-SIS CDA validator (src/cda/validation).
      if (isCdaFile(file)) ({ issues, outcome: cdaOutcome } = validateCdaFile(file, volet ? { volet } : {}));
      else issues = validateResource(readResourceFile(file), { profiles: profile ? [profile] : [] });
    } catch (e) {
      issues = [{ severity: 'fatal', code: 'structure', diagnostics: `The file cannot be parsed: ${(e as Error).message}` }];
    }
    return {
      file,
      issues,
      ...(cdaOutcome ? { outcome: cdaOutcome } : {}),
      errors: issues.filter(isError).length,
      warnings: issues.filter((i) => i.severity === 'warning').length,
      information: issues.filter((i) => i.severity === 'information').length,
    };
  });
}

export function textReport(reports: FileReport[]): string {
  const out: string[] = [];
  for (const r of reports) {
    const verdict = r.errors ? 'INVALID' : 'valid';
    out.push(`${relative(process.cwd(), r.file) || r.file}: ${verdict} (${r.errors} error${r.errors === 1 ? '' : 's'}, ${r.warnings} warning${r.warnings === 1 ? '' : 's'}, ${r.information} information)`);
    for (const i of r.issues) out.push(`  ${i.severity.toUpperCase().padEnd(11)} ${(i.expression ?? ['']).join(', ') || '(file)'}: ${i.diagnostics}`);
  }
  const bad = reports.filter((r) => r.errors).length;
  out.push(`${reports.length} file${reports.length === 1 ? '' : 's'} validated: ${reports.length - bad} valid, ${bad} with errors.`);
  return out.join('\n');
}

const xml = (s: string) => s.replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c]!);

export function junitReport(reports: FileReport[]): string {
  const failures = reports.filter((r) => r.errors).length;
  const cases = reports.map((r) => {
    const name = xml(relative(process.cwd(), r.file) || r.file);
    if (!r.errors) return `    <testcase classname="oncofhir.validate" name="${name}"/>`;
    const body = r.issues.filter(isError).map((i) => `${(i.expression ?? []).join(', ')}: ${i.diagnostics}`).join('\n');
    return `    <testcase classname="oncofhir.validate" name="${name}">\n      <failure message="${r.errors} error(s)" type="validation">${xml(body)}</failure>\n    </testcase>`;
  });
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites tests="${reports.length}" failures="${failures}">\n  <testsuite name="oncofhir validate" tests="${reports.length}" failures="${failures}" errors="0">\n${cases.join('\n')}\n  </testsuite>\n</testsuites>\n`;
}

export function validateCommand(): Command {
  return usageExitCodes(new Command('validate')
    .description('Validate FHIR resources (JSON or XML files) against R4 and profiles, and CI-SIS CDA documents (XML whose root is ClinicalDocument; XSD when CDA_XSD_DIR is set)')
    .argument('<paths...>', 'files or directories (searched recursively for .json and .xml)')
    .option('--profile <canonical>', 'also validate against this profile (StructureDefinition url)')
    .option('--volet <key>', `validate CDA documents as this volet whatever they declare (${DOCUMENT_KEYS})`)
    .option('--with <path>', 'load supporting resources: StructureDefinitions, ValueSets, CodeSystems, referenced resources (repeatable)', (v: string, acc: string[]) => [...acc, v], [] as string[])
    .option('--json', 'print one OperationOutcome per file (a JSON array of {file, outcome})')
    .option('--junit <file>', 'write a JUnit XML report to this file')
    .action((paths: string[], opts: { profile?: string; volet?: string; with: string[]; json?: boolean; junit?: string }) => {
      for (const p of [...paths, ...opts.with]) if (!existsSync(p)) usage(`no such file or directory: ${p}`);
      loadShippedProfiles(); // profiles/ of the project, with its value sets and code systems
      const loaded = loadSupporting(opts.with);
      for (const e of loaded.errors) process.stderr.write(`warning: ${e}\n`);
      if (opts.profile && !getStructureDefinition(opts.profile)) usage(`unknown profile ${opts.profile} (load it with --with)`);
      const files = listResourceFiles(paths);
      if (!files.length) usage('no .json or .xml file found');
      const volet = opts.volet === undefined ? undefined : byKey(opts.volet)?.key ?? usage(`unknown volet ${opts.volet}: use one of ${DOCUMENT_KEYS}`);
      const reports = validateFiles(files, opts.profile, volet);
      if (opts.json) {
        const out: { file: string; outcome: OperationOutcome }[] = reports.map((r) => ({ file: r.file, outcome: r.outcome ?? outcome(r.issues) }));
        process.stdout.write(JSON.stringify(out, null, 2) + '\n');
      } else process.stdout.write(textReport(reports) + '\n');
      if (opts.junit) writeFileSync(opts.junit, junitReport(reports));
      process.exitCode = reports.some((r) => r.errors) ? 1 : 0;
    }));
}

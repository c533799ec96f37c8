// Runs the HL7 validator test cases of /work/shared/corpus/fhir-validator (manifest.json) through
// validateResource and compares with the Java validator's outcome: verdict (valid/invalid) and error paths.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { StructureDefinition } from 'fhir/r4';
import type { Issue } from '../../src/fhir/errors.js';
import { addStructureDefinition, readResourceFile, removeStructureDefinition, resourcesOf, validateResource } from '../../src/validation/index.js';
import { loadSupporting, unloadSupporting } from '../../src/validation/supporting.js';

export const CORPUS = '/work/shared/corpus/fhir-validator';
const FILES = join(CORPUS, 'files');

interface Outcome { issue?: { severity: string; expression?: string[] }[] }
interface Case {
  name: string; file: string; supporting: string[]; profiles: string[];
  expected: Outcome; expectedErrorCount: number; expectedErrorPaths: string[];
  profile?: { source: string; supporting: string[]; expected: Outcome };
}

export interface CaseResult {
  name: string;
  expectedErrors: number;
  errors: Issue[];
  expectedPaths: string[];
  matchedPaths: number;
  agree: boolean;
  failure?: string;
}

/** Java writes `Bundle.entry[0].resource/*Patient/1*\/.name` and `value.ofType(Quantity)`; both sides are normalised. */
export function normalisePath(p: string): string {
  return p
    .replace(/\/\*.*?\*\//g, '')
    // Java locates an OperationDefinition parameter checked against a profile as `inputProfile.parameter[i]`: it is `parameter[i]`.
    .replace(/^OperationDefinition\.(?:input|output)Profile\.parameter\[/, 'OperationDefinition.parameter[')
    .replace(/\.([a-z][A-Za-z]*)\.ofType\(([A-Za-z]+)\)/g, (_m, n: string, t: string) => `.${n}${t[0].toUpperCase()}${t.slice(1)}`);
}

/** An expected path is reported when an error sits at it or below it. */
export function pathReported(expected: string, reported: string[]): boolean {
  const e = normalisePath(expected);
  return reported.some((r) => r === e || r.startsWith(e + '.') || r.startsWith(e + '['));
}

export function loadManifest(): Case[] {
  return (JSON.parse(readFileSync(join(CORPUS, 'manifest.json'), 'utf8')) as { cases: Case[] }).cases;
}

const isError = (i: Issue) => i.severity === 'error' || i.severity === 'fatal';

function run(file: string, extra: string[], profiles: string[], expectedErrors: number, expectedPaths: string[], name: string): CaseResult {
  const loaded = loadSupporting(extra.map((f) => join(FILES, f)));
  let errors: Issue[] = [];
  let failure: string | undefined;
  try {
    let resource: unknown;
    try {
      resource = readResourceFile(join(FILES, file));
    } catch (e) {
      resource = undefined;
      errors = [{ severity: 'fatal', code: 'structure', diagnostics: `Cannot parse: ${(e as Error).message}`, expression: [''] }];
    }
    if (resource !== undefined) errors = validateResource(resource, { profiles }).filter(isError);
  } catch (e) {
    failure = (e as Error).stack ?? String(e);
    errors = [{ severity: 'fatal', code: 'exception', diagnostics: `validator crashed: ${(e as Error).message}` }];
  } finally {
    unloadSupporting(loaded);
  }
  const reported = errors.flatMap((i) => (i.expression ?? ['']).map(normalisePath));
  const matchedPaths = expectedPaths.filter((p) => pathReported(p, reported)).length;
  return { name, expectedErrors, errors, expectedPaths, matchedPaths, agree: (errors.length > 0) === (expectedErrors > 0), failure };
}

/** The 133 manifest cases (base expectations). */
export function runCases(): CaseResult[] {
  return loadManifest().map((c) => run(c.file, [...c.supporting, ...c.profiles], [], c.expectedErrorCount, c.expectedErrorPaths, c.name));
}

/** The cases that also validate against a profile (`profile.source`), with that run's expectations. */
export function runProfileCases(): CaseResult[] {
  return loadManifest().filter((c) => c.profile).map((c) => {
    const p = c.profile!;
    const errs = (p.expected.issue ?? []).filter((i) => i.severity === 'error' || i.severity === 'fatal');
    const src = join(FILES, p.source);
    const urls = existsSync(src) ? resourcesOf(readResourceFile(src)).filter((r) => r.resourceType === 'StructureDefinition').map((r) => String(r.url)) : [];
    return run(c.file, [...c.supporting, ...c.profiles, ...p.supporting, p.source], urls.slice(0, 1), errs.length, errs.flatMap((i) => i.expression ?? []), `${c.name} (profile)`);
  });
}

export function summarise(results: CaseResult[]): { cases: number; agreement: number; expectedPaths: number; matchedPaths: number; pathShare: number } {
  const agree = results.filter((r) => r.agree).length;
  const expectedPaths = results.reduce((s, r) => s + r.expectedPaths.length, 0);
  const matchedPaths = results.reduce((s, r) => s + r.matchedPaths, 0);
  return { cases: results.length, agreement: agree / results.length, expectedPaths, matchedPaths, pathShare: expectedPaths ? matchedPaths / expectedPaths : 1 };
}

export type { StructureDefinition };
export { addStructureDefinition, removeStructureDefinition };

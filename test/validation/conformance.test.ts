// Conformance with the HL7 Java validator on the R4 cases of FHIR/fhir-test-cases
// (/work/shared/corpus/fhir-validator). The figures reached are floors: a regression fails.
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CORPUS, normalisePath, pathReported, runCases, runProfileCases, summarise, type CaseResult } from './conformance-harness.js';

const present = existsSync(`${CORPUS}/manifest.json`);
if (!present) console.warn(`Skipping the validator conformance suite: ${CORPUS}/manifest.json is absent (the shared corpus is not mounted).`);

// Floors (measured: see the README). Raise them when the validator improves.
const FLOOR = { agreement: 0.965, pathShare: 0.87, profileAgreement: 0.945, profilePathShare: 0.91 };

function table(results: CaseResult[]): string {
  return results
    .filter((r) => !r.agree || r.matchedPaths < r.expectedPaths.length)
    .map((r) => `| ${r.name} | ${r.expectedErrors} | ${r.errors.length} | ${r.matchedPaths}/${r.expectedPaths.length} | ${r.errors[0]?.diagnostics.slice(0, 80) ?? ''} |`)
    .join('\n');
}

describe('path matching of the harness', () => {
  it.each([
    ['Bundle.entry[0].resource/*Patient/1*/.name[0]', ['Bundle.entry[0].resource.name[0]'], true],
    ['Observation.value.ofType(Quantity)', ['Observation.valueQuantity'], true],
    ['Observation.value.ofType(Quantity)', ['Observation.value.ofType(Quantity).code'], true],
    ['OperationDefinition.inputProfile.parameter[1]', ['OperationDefinition.parameter[1]'], true],
    ['Patient.name[0]', ['Patient.name[1]'], false],
    ['Patient.name', ['Patient'], false],
  ])('%s reported by %j: %s', (expected, reported, ok) => {
    expect(pathReported(expected, reported.map(normalisePath))).toBe(ok);
  });
});

describe.skipIf(!present)('HL7 validator test cases (R4, offline)', () => {
  it('agrees on the verdict and reports the expected error paths (base expectations, 133 cases)', () => {
    const results = runCases();
    const s = summarise(results);
    console.info(`verdict agreement ${(100 * s.agreement).toFixed(1)}% (${results.filter((r) => r.agree).length}/${s.cases}), expected error paths ${(100 * s.pathShare).toFixed(1)}% (${s.matchedPaths}/${s.expectedPaths})\n| case | expected errors | errors | paths | first error |\n|---|---|---|---|---|\n${table(results)}`);
    expect(results.filter((r) => r.failure).map((r) => `${r.name}: ${r.failure}`)).toEqual([]);
    expect(s.agreement).toBeGreaterThanOrEqual(FLOOR.agreement);
    expect(s.pathShare).toBeGreaterThanOrEqual(FLOOR.pathShare);
  });

  it('agrees on the cases that also validate against a profile', () => {
    const results = runProfileCases();
    const s = summarise(results);
    console.info(`profile runs: verdict agreement ${(100 * s.agreement).toFixed(1)}% (${results.filter((r) => r.agree).length}/${s.cases}), paths ${s.matchedPaths}/${s.expectedPaths}\n${table(results)}`);
    expect(s.agreement).toBeGreaterThanOrEqual(FLOOR.profileAgreement);
    expect(s.pathShare).toBeGreaterThanOrEqual(FLOOR.profilePathShare);
  });
});

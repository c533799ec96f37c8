// A JUnit XML report of one validation, in the format of `oncofhir validate --junit`, so that CI
// tools show the workbench's verdict the same way as the command line's.
import type { OperationOutcome } from '../api.js';

const xml = (s: string) => s.replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c]!);

export function junitReport(name: string, outcome: OperationOutcome): string {
  const errors = outcome.issue.filter((i) => i.severity === 'error' || i.severity === 'fatal');
  const failures = errors.length ? 1 : 0;
  const body = errors.map((i) => `${(i.expression ?? []).join(', ')}: ${i.diagnostics ?? i.code}`).join('\n');
  const testcase = errors.length
    ? `    <testcase classname="oncofhir.validate" name="${xml(name)}">\n      <failure message="${errors.length} error(s)" type="validation">${xml(body)}</failure>\n    </testcase>`
    : `    <testcase classname="oncofhir.validate" name="${xml(name)}"/>`;
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites tests="1" failures="${failures}">\n  <testsuite name="oncofhir validate" tests="1" failures="${failures}" errors="0">\n${testcase}\n  </testsuite>\n</testsuites>\n`;
}

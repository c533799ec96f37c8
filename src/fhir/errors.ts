// Errors are values with a location; the doors turn them into an OperationOutcome (or an ACK).
import type { OperationOutcome, OperationOutcomeIssue } from 'fhir/r4';

export type IssueSeverity = OperationOutcomeIssue['severity'];
export type IssueCode = OperationOutcomeIssue['code'];

export interface Issue {
  severity: IssueSeverity;
  code: IssueCode;
  diagnostics: string;
  /** FHIRPath (or XPath for CDA) locations of the problem. */
  expression?: string[];
}

/** An error with an HTTP status and an OperationOutcome-ready list of issues. */
export class FhirError extends Error {
  readonly status: number;
  readonly issues: Issue[];
  constructor(status: number, issues: Issue[] | string, code: IssueCode = 'processing', expression?: string[]) {
    const list = typeof issues === 'string' ? [{ severity: 'error' as const, code, diagnostics: issues, expression }] : issues;
    super(list.map((i) => i.diagnostics).join('; '));
    this.status = status;
    this.issues = list;
  }
}

export const badRequest = (msg: string, expression?: string[]) => new FhirError(400, msg, 'invalid', expression);
export const notFound = (msg: string) => new FhirError(404, msg, 'not-found');
export const gone = (msg: string) => new FhirError(410, msg, 'deleted');
export const conflict = (msg: string) => new FhirError(409, msg, 'conflict');
export const preconditionFailed = (msg: string) => new FhirError(412, msg, 'conflict');
export const unprocessable = (msg: string, expression?: string[]) => new FhirError(422, msg, 'processing', expression);
export const notSupported = (msg: string) => new FhirError(400, msg, 'not-supported');
export const methodNotAllowed = (msg: string) => new FhirError(405, msg, 'not-supported');

export function outcome(issues: Issue[]): OperationOutcome {
  return {
    resourceType: 'OperationOutcome',
    issue: issues.map((i) => ({
      severity: i.severity,
      code: i.code,
      diagnostics: i.diagnostics,
      ...(i.expression?.length ? { expression: i.expression } : {}),
    })),
  };
}

export function okOutcome(message: string): OperationOutcome {
  return outcome([{ severity: 'information', code: 'informational', diagnostics: message }]);
}

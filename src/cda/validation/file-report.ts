// The CDA side of `oncofhir validate`: recognises a CDA file (root ClinicalDocument in the HL7 v3
// namespace, or a self-presenting CDA embedding one) and validates it like the HTTP operation.
import { readFileSync } from 'node:fs';
import type { OperationOutcome } from 'fhir/r4';
import type { Issue } from '../../fhir/errors.js';
import { validateCda, type CdaValidationOptions } from './index.js';
import { cdaOutcome, summary } from './outcome.js';

/** Whether an .xml file holds a CDA document rather than a FHIR resource (cheap sniff of the start). */
export function isCdaFile(file: string): boolean {
  if (!file.toLowerCase().endsWith('.xml')) return false;
  const head = readFileSync(file, 'utf8').slice(0, 64 * 1024);
  const root = /<(?!\?|!)(?:[A-Za-z_][\w.-]*:)?([A-Za-z_][\w.-]*)/.exec(head)?.[1];
  if (root === 'ClinicalDocument') return true;
  return root === 'stylesheet' && /<(?:[A-Za-z_][\w.-]*:)?ClinicalDocument[\s>]/.test(head) && head.includes('urn:hl7-org:v3');
}

export interface CdaFileReport {
  file: string;
  issues: Issue[];
  outcome: OperationOutcome;
}

export function validateCdaFile(file: string, opts: CdaValidationOptions = {}): CdaFileReport {
  const result = validateCda(readFileSync(file, 'utf8'), opts);
  const parsed = !result.issues.some((i) => i.severity === 'fatal');
  const head: Issue[] = parsed ? [{ severity: 'information', code: 'informational', diagnostics: summary(result) }] : [];
  const withRule = result.issues.map((i) => ({ ...i, diagnostics: i.rule ? `${i.diagnostics} [${i.rule}]` : i.diagnostics }));
  return { file, issues: [...head, ...withRule], outcome: cdaOutcome(result) };
}

// A CDA validation result as an OperationOutcome: a leading information issue saying what was
// recognised and checked, then every finding with its XPath and the rule that raised it.
import type { OperationOutcome, OperationOutcomeIssue } from 'fhir/r4';
import { byKey } from '../../documents/registry.js';
import { codeSystemUrl } from '../../documents/canonical.js';
import type { CdaValidationResult } from './index.js';

export const CDA_RULE_SYSTEM = codeSystemUrl('cda-validation-rule');

export function summary(r: CdaValidationResult): string {
  const type = r.volet ? byKey(r.volet) : undefined;
  const what = type ? `${type.label} (${type.volet}${r.version ? ` ${r.version}` : ''})` : 'CDA document of no cancer volet';
  const errors = r.issues.filter((i) => i.severity === 'error' || i.severity === 'fatal').length;
  const warnings = r.issues.filter((i) => i.severity === 'warning').length;
  return `${what}; CDA schema (XSD) ${r.xsd ? 'checked' : 'not checked (CDA_XSD_DIR is not set)'}; ${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'}.`;
}

export function cdaOutcome(r: CdaValidationResult): OperationOutcome {
  const parsed = !r.issues.some((i) => i.severity === 'fatal');
  const head: OperationOutcomeIssue[] = parsed ? [{ severity: 'information', code: 'informational', diagnostics: summary(r) }] : [];
  return {
    resourceType: 'OperationOutcome',
    issue: [
      ...head,
      ...r.issues.map((i): OperationOutcomeIssue => ({
        severity: i.severity,
        code: i.code,
        ...(i.rule ? { details: { coding: [{ system: CDA_RULE_SYSTEM, code: i.rule, display: i.source }] } } : {}),
        diagnostics: i.diagnostics,
        ...(i.expression?.length ? { expression: i.expression } : {}),
      })),
    ],
  };
}

// A CDA validation finding: an OperationOutcome-ready Issue (severity, code, diagnostics, XPath
// expression) plus which rule raised it and where that rule comes from.
import type { Issue } from '../../fhir/errors.js';

export interface CdaIssue extends Issue {
  /** Rule id from the rule tables (e.g. 'SM-INS-TRAITS'), 'XSD' or 'PARSE'. */
  rule?: string;
  /** 'ASIP-STRUCT-MIN' (header schematron), 'CI-SIS_CANCER-FRCP_2022.01', 'CDA XSD' or 'oncofhir'. */
  source?: string;
  /** Line in the submitted document, when known (XSD and parse errors). */
  line?: number;
}

// Shape of the CDA rule tables (header rules in header-rules.json, each volet's body rules in
// src/documents/<key>/cda-rules.json). The tables are data; src/cda/validation/engine.ts interprets them.
//
// Paths are XPath-like, relative to the context element: local names separated by '/', '//' for
// descendants, '*' for any element, and predicates [@a='v'], [@a!='v'], [@a], [not(@a)],
// [templateId/@root='…'] (a child's attribute), [@a=('x','y')] (one of), [n] (n-th match),
// 'and' / 'or' / not(…) inside predicates. An empty path is the context itself.
// An official rule that the schematron only fires on documents carrying a given templateId says so
// with `when` (e.g. {"count": "templateId[@root='1.2.250.1.213.1.1.1.8']"}).

/** error = an official ANS rule (schematron or XSD); warning = a check of our own. */
export type RuleSeverity = 'error' | 'warning' | 'information';

export type Check =
  /** The path has between min (default 1) and max (default unbounded) matches. */
  | { count: string; min?: number; max?: number }
  /** Every element at path (default: the context) has attribute attr, optionally constrained. */
  | { attr: string; path?: string; equals?: string; in?: string[]; pattern?: string; valueSet?: string; optional?: boolean }
  /** Every element at path (default: the context) has a @code/@codeSystem pair in the value set. */
  | { valueSet: string; path?: string }
  /**
   * Every element at path has a valid HL7 v3 TS @value (or attr): level 'format' is the XSD's ts
   * pattern (YYYY[MM[DD[HH[MM[SS[.S…]]]]]][±ZZZZ]); level 'calendar' also wants a real date and time.
   */
  | { timestamp: string; attr?: string; level?: 'format' | 'calendar' }
  | { all: Check[] }
  | { any: Check[] }
  | { not: Check };

export interface CdaRule {
  id: string;
  severity: RuleSeverity;
  /** Where the rule comes from: an ANS schematron name, or 'oncofhir' for our own checks. */
  source: string;
  /** Path from the ClinicalDocument to the elements checked ('' or absent = the document). */
  context?: string;
  /** The rule applies to a context element only when this check holds (e.g. an INS OID is present). */
  when?: Check;
  check: Check;
  /** OperationOutcome issue type (default 'invariant'). */
  code?: 'required' | 'value' | 'code-invalid' | 'structure' | 'business-rule' | 'invariant';
  /** Plain-language message; CI-SIS terms in parentheses. */
  message: string;
  /** XPath to report when the rule fails, relative to the context (default: the checked path). */
  location?: string;
  /** The rule restates an XSD constraint: skipped when the XSD itself ran (no duplicate findings). */
  xsd?: boolean;
}

export interface CdaRuleSet {
  /** Which official rule set this mirrors (e.g. 'CI-SIS_CANCER-FRCP_2022.01.sch'). */
  source?: string;
  /** Why the rules are what they are (kept with the data). */
  _comment?: string;
  rules: CdaRule[];
}

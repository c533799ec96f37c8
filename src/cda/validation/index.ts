// CI-SIS CDA validation: parse (saxes, src/cda/dom.ts) → detect the volet → XSD (when a schema
// directory is configured) → header rules (structuration minimale) → the volet's body rules.
// Official ANS rules report errors, our own checks warnings (see the rule tables). Owns nothing
// else: conversion and storage live in src/documents and src/store.
import { parseCda, findClinicalDocument, type CdaElement } from '../dom.js';
import { FhirError } from '../../fhir/errors.js';
import { cdaXsdDir } from '../../config.js';
import { byKey, detectFromCda, type DetectedDocument } from '../../documents/registry.js';
import type { DocumentKey } from '../../documents/types.js';
import type { CdaIssue } from './issues.js';
import type { CdaRuleSet } from './rule-types.js';
import { runRules } from './engine.js';
import { validateXsd } from './xsd.js';
import { sectionRules } from './section-rules.js';
import headerRules from './header-rules.json' with { type: 'json' };

export type { CdaIssue } from './issues.js';

export interface CdaValidationOptions {
  /** Directory holding CDA_extended.xsd (or CDA.xsd) and its includes; default: config CDA_XSD_DIR; '' = no XSD. */
  xsdDir?: string;
  /** Validate as this volet (the integrator's choice), whatever the document says it is; default: detected. */
  volet?: DocumentKey;
}

export interface CdaValidationResult {
  volet?: DocumentKey;
  version?: string;
  /** Whether the XSD ran (a schema directory was configured). */
  xsd: boolean;
  issues: CdaIssue[];
  /** The parsed ClinicalDocument, for callers that go on converting it. */
  document?: CdaElement;
}

const HEADER = headerRules as CdaRuleSet;

const configuredXsdDir = (): string | undefined => cdaXsdDir();

/** Validates one CDA document given as XML text. Never throws on bad input: problems are issues. */
export function validateCda(xml: string, opts: CdaValidationOptions = {}): CdaValidationResult {
  // '' = explicitly no XSD; undefined = the configured CDA_XSD_DIR.
  const xsdDir = (opts.xsdDir ?? configuredXsdDir()) || undefined;
  let root: CdaElement;
  try {
    root = parseCda(xml);
  } catch (e) {
    const issues = e instanceof FhirError ? e.issues : [{ severity: 'fatal' as const, code: 'structure' as const, diagnostics: `The document cannot be parsed: ${(e as Error).message}` }];
    return { xsd: false, issues: issues.map((i) => ({ ...i, severity: 'fatal', rule: 'PARSE', source: 'XML' })) };
  }
  const doc = findClinicalDocument(root);
  if (!doc) {
    return {
      xsd: false,
      issues: [{ severity: 'fatal', code: 'structure', diagnostics: `The root element is ${root.name} (namespace ${root.ns || 'none'}), not an HL7 CDA ClinicalDocument (urn:hl7-org:v3).`, expression: [root.xpath], rule: 'ROOT', source: 'XML' }],
    };
  }
  const issues: CdaIssue[] = [];
  const xsd = Boolean(xsdDir);
  if (xsdDir) issues.push(...validateXsd(xml, root, xsdDir));
  issues.push(...runRules(doc, HEADER.rules, { xsdChecked: xsd }));
  const found = detectFromCda(doc);
  const asked = opts.volet ? byKey(opts.volet) : undefined;
  let detected: DetectedDocument | undefined = found;
  if (asked && found?.type.key !== asked.key) {
    issues.push({
      severity: 'error',
      code: 'invariant',
      diagnostics: `Validated as the ${asked.label} (${asked.volet}) asked for, but the document is ${found ? `a ${found.type.label} (${found.type.volet})` : 'none of the cancer volets'} by its templateIds and type code: the ${asked.label} rules below are checked against it.`,
      expression: [`${doc.xpath}/templateId`],
      rule: 'OF-VOLET-ASKED',
      source: 'oncofhir',
    });
    detected = { type: asked, version: undefined, by: 'templateId', doc }; // the error above already says why; no second warning
  }
  if (!detected) {
    issues.push({
      severity: 'warning',
      code: 'not-supported',
      diagnostics: 'The document is none of the cancer volets (fiche RCP, PPS, CR-GM, CR-ACP) by its templateIds or type code: only the header rules were checked.',
      expression: [`${doc.xpath}/templateId`],
      rule: 'OF-VOLET',
      source: 'oncofhir',
    });
  } else {
    const { type } = detected;
    if (detected.by === 'code') {
      issues.push({
        severity: 'warning',
        code: 'invariant',
        diagnostics: `The document code is that of the ${type.label} (${type.volet}) but it carries none of the volet's document templateIds (${[...new Set(Object.values(type.cdaTemplateIds).flat())].slice(0, 3).join(', ')}…): the volet rules bound to the templateId were not applied.`,
        expression: [`${doc.xpath}/templateId`],
        rule: 'OF-VOLET-TEMPLATEID',
        source: 'oncofhir',
      });
    }
    issues.push(...runRules(doc, [...(type.cdaRules?.rules ?? []), ...sectionRules(type)], { xsdChecked: xsd }));
  }
  return { volet: detected?.type.key, version: detected?.version, xsd, issues, document: doc };
}

export const isErrorIssue = (i: { severity: string }): boolean => i.severity === 'error' || i.severity === 'fatal';

// Shared helpers of the CDA tests: where the examples and the ANS corpus are, and small
// string-level mutations of a CDA document (each test states what it changes).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { validateCda, type CdaValidationResult } from '../../src/cda/validation/index.js';
import type { CdaIssue } from '../../src/cda/validation/issues.js';

export const ROOT = join(import.meta.dirname, '../..');
export const EXAMPLES = join(ROOT, 'examples/cda');
export const CORPUS = join(ROOT, '../shared/corpus/cda');
export const XSD_DIR = join(CORPUS, 'xsd');
/** The ANS corpus is not part of the project: tests that need it skip (and say so) when it is absent. */
export const HAS_CORPUS = existsSync(join(CORPUS, 'EXPECTED.md')) && existsSync(join(XSD_DIR, 'CDA_extended.xsd'));
export const NO_CORPUS_MESSAGE = `skipped: the ANS CDA corpus (${CORPUS}) is absent`;
if (!HAS_CORPUS && !process.env.__ONCOFHIR_CDA_WARNED) {
  process.env.__ONCOFHIR_CDA_WARNED = '1';
  console.warn(`${NO_CORPUS_MESSAGE}; corpus verdicts and XSD checks do not run.`);
}

export const example = (name: string): string => readFileSync(join(EXAMPLES, name), 'utf8');
export const corpus = (name: string): string => readFileSync(join(CORPUS, name), 'utf8');

/** Validates without XSD, or with the corpus XSD when asked (and present). */
export function check(xml: string, xsd = false): CdaValidationResult {
  return validateCda(xml, { xsdDir: xsd ? XSD_DIR : '' });
}

export const errors = (r: CdaValidationResult): CdaIssue[] => r.issues.filter((i) => i.severity === 'error' || i.severity === 'fatal');
export const warnings = (r: CdaValidationResult): CdaIssue[] => r.issues.filter((i) => i.severity === 'warning');
export const rules = (list: CdaIssue[]): string[] => list.map((i) => i.rule ?? '?').sort();

/** Replaces exactly one occurrence (fails loudly when the anchor is missing or ambiguous). */
export function replaceOnce(xml: string, from: string | RegExp, to: string): string {
  const hits = typeof from === 'string' ? xml.split(from).length - 1 : [...xml.matchAll(new RegExp(from.source, from.flags.includes('g') ? from.flags : from.flags + 'g'))].length;
  if (hits !== 1) throw new Error(`mutation anchor ${String(from)} found ${hits} times`);
  return xml.replace(from, to);
}

/** Drops XML comments (the ANS examples hold commented-out elements that would confuse the string mutations). */
export const stripComments = (xml: string): string => xml.replace(/<!--[\s\S]*?-->/g, '');

/** Removes the first element <name …>…</name> (or <name …/>) that starts after the `after` anchor. */
export function removeElement(xml: string, name: string, after = ''): string {
  const from = after ? xml.indexOf(after) : 0;
  if (from < 0) throw new Error(`anchor ${after} not found`);
  const tag = new RegExp(`<(/?)(?:[A-Za-z_][\\w.-]*:)?${name}(?=[\\s/>])[^>]*?(/?)>`, 'g');
  tag.lastIndex = from;
  let start = -1;
  let depth = 0;
  for (let m = tag.exec(xml); m; m = tag.exec(xml)) {
    if (start < 0) {
      if (m[1]) continue;
      start = m.index;
      if (m[2]) return xml.slice(0, start) + xml.slice(m.index + m[0].length);
      depth = 1;
      continue;
    }
    if (m[1]) depth--;
    else if (!m[2]) depth++;
    if (depth === 0) return xml.slice(0, start) + xml.slice(m.index + m[0].length);
  }
  throw new Error(`no complete <${name}> after ${after || 'the start'}`);
}

/** Removes the <component> holding the (top-level) section that carries this templateId. */
export function removeSection(xml: string, templateId: string): string {
  const at = xml.indexOf(`<templateId root="${templateId}"`);
  if (at < 0) throw new Error(`no section with templateId ${templateId}`);
  const start = Math.max(xml.lastIndexOf('<component>', at), xml.lastIndexOf('<c:component>', at));
  return xml.slice(0, start) + removeElement(xml.slice(start), 'component');
}

// CDA documents for the conversion and submission tests: the ANS examples of ../shared/corpus/cda
// (read in place, never copied; the tests that need them say so and skip when the folder is absent),
// the project's own examples/cda, and helpers to convert one and look into the result.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Bundle, FhirResource, Reference } from 'fhir/r4';
import { parseCda } from '../../src/cda/dom.js';
import type { CdaConversion } from '../../src/cda/to-fhir/convert.js';
import { detectFromCda } from '../../src/documents/registry.js';

export const CORPUS_DIR = join(import.meta.dirname, '../../../shared/corpus/cda');
export const EXAMPLES_DIR = join(import.meta.dirname, '../../examples/cda');
export const hasCorpus = existsSync(CORPUS_DIR);
if (!hasCorpus) console.warn(`Skipping the ANS CDA corpus tests: ${CORPUS_DIR} is absent (the corpus is not shipped with oncofhir)`);

export const corpusFiles = (): string[] => (hasCorpus ? readdirSync(CORPUS_DIR).filter((f) => f.endsWith('.xml')).sort() : []);
export const exampleFiles = (): string[] => readdirSync(EXAMPLES_DIR).filter((f) => f.endsWith('.xml')).sort();
export const corpus = (file: string): string => readFileSync(join(CORPUS_DIR, file), 'utf8');
export const example = (file: string): string => readFileSync(join(EXAMPLES_DIR, file), 'utf8');

export function convert(xml: string): CdaConversion & { key: string; template?: string } {
  const detected = detectFromCda(parseCda(xml));
  if (!detected?.type.toFhir) throw new Error('not a cancer document');
  return { ...(detected.type.toFhir(detected.doc) as CdaConversion), key: detected.type.key, template: detected.version };
}

export const resources = (b: Bundle): FhirResource[] => (b.entry ?? []).map((e) => e.resource!);
export const ofType = <T extends FhirResource['resourceType']>(b: Bundle, t: T) => resources(b).filter((r) => r.resourceType === t) as Extract<FhirResource, { resourceType: T }>[];
export const resolve = <T extends FhirResource = FhirResource>(b: Bundle, ref: Reference | undefined): T | undefined =>
  b.entry?.find((e) => e.fullUrl === ref?.reference)?.resource as T | undefined;
export const hasCode = (cc: { coding?: { system?: string; code?: string }[] } | undefined, system: string, code: string): boolean =>
  !!cc?.coding?.some((c) => c.system === system && c.code === code);

export const LOINC = 'http://loinc.org';
export const CISIS = 'https://smt.esante.gouv.fr/fhir/CodeSystem/terminologie-cisis';

// The invalid variants of the FHIR document examples, as data (examples/invalid-fhir-variants.json):
// shared by the tests and by scripts/build-invalid-examples.ts, which writes them to examples/fhir/invalid/.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fastJsonPatch, { type Operation } from 'fast-json-patch';

export const EXAMPLES = join(import.meta.dirname, '../../examples/fhir');
const TABLE = join(import.meta.dirname, '../../examples/invalid-fhir-variants.json');

export interface InvalidVariant {
  name: string;
  base: string;
  patch: Operation[];
  expect: { expression: string; diagnostics: string };
}

export const readExample = (file: string): Record<string, unknown> => JSON.parse(readFileSync(join(EXAMPLES, file), 'utf8')) as Record<string, unknown>;

export function invalidVariants(): InvalidVariant[] {
  return (JSON.parse(readFileSync(TABLE, 'utf8')) as { variants: InvalidVariant[] }).variants;
}

/** The base example with the variant's patch applied. */
export function materialise(v: InvalidVariant): Record<string, unknown> {
  return fastJsonPatch.applyPatch(readExample(v.base), v.patch, true, false).newDocument;
}

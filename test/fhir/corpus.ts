// The Synthea corpus, when /work/shared is present (it is never copied into the repo).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import type { Bundle, Resource } from 'fhir/r4';

export const SYNTHEA_DIR = '/work/shared/corpus/synthea-r4';
export const hasSynthea = existsSync(SYNTHEA_DIR);
if (!hasSynthea) console.warn(`Skipping Synthea corpus tests: ${SYNTHEA_DIR} is absent`);

export function syntheaBundles(): Array<[string, Bundle]> {
  if (!hasSynthea) return [];
  return readdirSync(SYNTHEA_DIR)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => [f, JSON.parse(readFileSync(`${SYNTHEA_DIR}/${f}`, 'utf8')) as Bundle]);
}

export function syntheaResources(bundle: Bundle): Resource[] {
  return (bundle.entry ?? []).map((e) => e.resource!).filter(Boolean);
}

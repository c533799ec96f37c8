// Terminology: the public API over the loaded content (R4 core CodeSystems/ValueSets/ConceptMaps,
// plus those registered at run time or stored on the server). All checks are synchronous and cached.
import type { CodeSystem, ConceptMap, ValueSet } from 'fhir/r4';
import { badRequest } from '../fhir/errors.js';
import { registerResource, unregisterResource, type TerminologyResource } from './registry.js';

export { validateCodeInValueSet, validateCodeInValueSetResource, validateCodeInCodeSystem, type CodeCheck, type Coded } from './validate-code.js';
export { expandValueSet, expandValueSetResource, type ExpandOptions } from './expand-resource.js';
export { lookup } from './lookup.js';
export { translate, type TranslateRequest } from './translate.js';
export { getCodeSystem, getValueSet, getConceptMap, ensureCore as loadCoreTerminology, terminologyGeneration } from './registry.js';
export { refreshFromStore, resetStoreTerminology, installTerminologyWriteHook } from './store-sync.js';
export { registerTerminologyOperations } from './operations.js';

const TYPES = new Set(['ValueSet', 'CodeSystem', 'ConceptMap']);

function check(r: unknown): TerminologyResource {
  const o = r as { resourceType?: unknown; url?: unknown } | null;
  if (!o || typeof o !== 'object' || typeof o.resourceType !== 'string' || !TYPES.has(o.resourceType)) {
    throw badRequest('Only ValueSet, CodeSystem and ConceptMap resources can be registered as terminology');
  }
  if (typeof o.url !== 'string' || !o.url) throw badRequest(`The ${o.resourceType} has no url, so it cannot be referenced`, [`${o.resourceType}.url`]);
  return r as TerminologyResource;
}

/** Makes a ValueSet/CodeSystem/ConceptMap usable at once; it wins over earlier ones with its url. */
export function registerTerminologyResource(r: ValueSet | CodeSystem | ConceptMap): void {
  registerResource(check(r));
}

export function unregisterTerminologyResource(r: ValueSet | CodeSystem | ConceptMap): void {
  unregisterResource(check(r));
}

/** For src/validation's setTerminologyLoader (CLI --with, test cases). */
export const terminologyLoader = {
  add: (r: Record<string, unknown>) => registerTerminologyResource(r as unknown as TerminologyResource),
  remove: (r: Record<string, unknown>) => unregisterTerminologyResource(r as unknown as TerminologyResource),
};

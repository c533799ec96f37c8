// The conformance resources oncofhir ships in profiles/ (generated from FSH by `npm run build:profiles`):
// StructureDefinitions go to the validator's registry, ValueSets and CodeSystems to terminology, so that
// the required bindings of our profiles are checked against our value sets. Owns nothing else.
import { fileURLToPath } from 'node:url';
import type { CodeSystem, ValueSet } from 'fhir/r4';
import { listResourceFiles, loadProfilesFrom, readResourceFile } from '../validation/registry.js';
import { registerTerminologyResource } from '../terminology/index.js';

export const PROFILES_DIR = fileURLToPath(new URL('../../profiles/', import.meta.url));

export interface ShippedProfiles {
  structureDefinitions: string[];
  terminology: string[];
}

/** Loads profiles/ (or another folder) for the life of the process; loading it again replaces the same resources. */
export function loadShippedProfiles(dir: string = PROFILES_DIR): ShippedProfiles {
  const structureDefinitions = loadProfilesFrom(dir);
  const terminology: string[] = [];
  for (const file of listResourceFiles([dir])) {
    const r = readResourceFile(file) as { resourceType?: string; url?: string };
    if ((r.resourceType === 'ValueSet' || r.resourceType === 'CodeSystem') && typeof r.url === 'string') {
      registerTerminologyResource(r as ValueSet | CodeSystem);
      terminology.push(r.url);
    }
  }
  return { structureDefinitions, terminology };
}

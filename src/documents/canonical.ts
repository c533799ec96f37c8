// The one canonical base of every oncofhir conformance artifact (StructureDefinition, ValueSet,
// CodeSystem). profiles/sushi-config.yaml repeats it for SUSHI; code builds URLs from here.
export const CANONICAL_BASE = 'https://oncofhir.fr';

export const structureDefinitionUrl = (id: string): string => `${CANONICAL_BASE}/StructureDefinition/${id}`;
export const valueSetUrl = (id: string): string => `${CANONICAL_BASE}/ValueSet/${id}`;
export const codeSystemUrl = (id: string): string => `${CANONICAL_BASE}/CodeSystem/${id}`;

// The registry view's CapabilityStatement: read and search of the four types, and $export.
import type { CapabilityStatement } from 'fhir/r4';
import PARAMS from './search-parameters.json' with { type: 'json' };
import { REGISTRY_TYPES } from './search.js';

const TYPES: Record<string, string> = { string: 'token', gender: 'token', year: 'date', reference: 'reference', token: 'token', date: 'date' };

export function registryCapability(base: string): CapabilityStatement {
  return {
    resourceType: 'CapabilityStatement',
    status: 'active',
    date: new Date().toISOString().slice(0, 10),
    kind: 'instance',
    fhirVersion: '4.0.1',
    format: ['json'],
    implementation: { description: 'oncofhir cancer registry: pseudonymised consolidated cases (read-only)', url: base },
    rest: [{
      mode: 'server',
      security: { description: 'Bearer tokens with the registry scopes system/RegistryCase.rs, system/RegistryLink.rcu, system/RegistryExport.crd' },
      resource: REGISTRY_TYPES.map((type) => ({
        type,
        interaction: [{ code: 'read' as const }, { code: 'search-type' as const }],
        searchParam: Object.entries((PARAMS as unknown as Record<string, Record<string, { kind: string }>>)[type]).map(([name, d]) => ({ name, type: TYPES[d.kind] as 'token' })),
      })),
      operation: [{ name: 'export', definition: 'http://hl7.org/fhir/uv/bulkdata/OperationDefinition/export' }],
    }],
  };
}

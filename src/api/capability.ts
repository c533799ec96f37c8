// The CapabilityStatement, generated from what is registered: resource types, search
// parameters, operations and formats. Nothing here is hand-maintained per resource.
import type { CapabilityStatement, CapabilityStatementRestResource } from 'fhir/r4';
import { allResourceTypes } from '../fhir/definitions.js';
import { searchParamsFor } from '../fhir/search-params.js';
import { allOperations } from './operations.js';
import { auditEventCapability } from '../security/audit/capability.js';
import type { ApiContext } from './types.js';

const INTERACTIONS: CapabilityStatementRestResource['interaction'] = (
  ['read', 'vread', 'update', 'patch', 'delete', 'history-instance', 'history-type', 'create', 'search-type'] as const
).map((code) => ({ code }));

export const SERVER_VERSION = '0.1.0';

export function capabilityStatement(ctx: ApiContext): CapabilityStatement {
  const ops = allOperations();
  return {
    resourceType: 'CapabilityStatement',
    status: 'active',
    date: new Date().toISOString(),
    publisher: 'oncofhir',
    kind: 'instance',
    software: { name: 'oncofhir', version: SERVER_VERSION },
    implementation: { description: 'oncofhir FHIR R4 server', url: ctx.config.baseUrl },
    fhirVersion: '4.0.1',
    format: ['application/fhir+json', 'application/fhir+xml', 'json', 'xml'],
    patchFormat: ['application/json-patch+json'],
    rest: [
      {
        mode: 'server',
        resource: allResourceTypes().map((type) => type === 'AuditEvent' ? auditEventCapability() : ({
          type,
          profile: `http://hl7.org/fhir/StructureDefinition/${type}`,
          interaction: INTERACTIONS,
          versioning: 'versioned-update',
          readHistory: true,
          updateCreate: true,
          conditionalCreate: true,
          conditionalRead: 'full-support',
          conditionalUpdate: true,
          conditionalDelete: 'single',
          referencePolicy: ['literal', 'logical', 'local'],
          searchInclude: ['*'],
          searchRevInclude: ['*'],
          searchParam: searchParamsFor(type)
            .filter((sp) => sp.type !== 'special')
            .map((sp) => ({ name: sp.code, definition: sp.url, type: sp.type })),
          operation: ops
            .filter((o) => o.levels.some((l) => l !== 'system') && (!o.types || o.types.includes(type)))
            .map((o) => ({ name: o.name, definition: o.definition ?? `${ctx.config.baseUrl}/OperationDefinition/${o.name}` })),
        })),
        interaction: [{ code: 'transaction' }, { code: 'batch' }, { code: 'history-system' }, { code: 'search-system' }],
        searchParam: [
          { name: '_count', type: 'number' },
          { name: '_sort', type: 'string' },
          { name: '_include', type: 'string' },
          { name: '_revinclude', type: 'string' },
          { name: '_summary', type: 'token' },
          { name: '_elements', type: 'string' },
          { name: '_total', type: 'token' },
        ],
        operation: ops
          .filter((o) => o.levels.includes('system'))
          .map((o) => ({ name: o.name, definition: o.definition ?? `${ctx.config.baseUrl}/OperationDefinition/${o.name}` })),
      },
    ],
  };
}

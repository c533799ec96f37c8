// AuditEvent's entry in the CapabilityStatement: read and search only, with the parameters
// that audit_event answers.
import type { CapabilityStatementRestResource, CapabilityStatementRestResourceSearchParam } from 'fhir/r4';
import { getSearchParam } from '../../fhir/search-params.js';
import { AUDIT_SEARCH_PARAMS } from './search.js';

export function auditEventCapability(): CapabilityStatementRestResource {
  const searchParam = AUDIT_SEARCH_PARAMS.map((name): CapabilityStatementRestResourceSearchParam => {
    const def = getSearchParam('AuditEvent', name);
    return { name, ...(def ? { definition: def.url } : {}), type: (def?.type ?? 'token') as CapabilityStatementRestResourceSearchParam['type'] };
  });
  return {
    type: 'AuditEvent',
    profile: 'http://hl7.org/fhir/StructureDefinition/AuditEvent',
    documentation: 'Tamper-evident audit trail (IHE BALP patterns), written by the server only. agent matches the client id or the user subject. Sorted by date (-date by default).',
    interaction: [{ code: 'read' }, { code: 'search-type' }],
    versioning: 'no-version',
    readHistory: false,
    updateCreate: false,
    conditionalCreate: false,
    conditionalRead: 'not-supported',
    conditionalUpdate: false,
    conditionalDelete: 'not-supported',
    searchParam,
  };
}

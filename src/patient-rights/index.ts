// Patients' rights (GDPR / French health-data rules): access ($everything), rectification (any
// update with an X-Provenance header), restriction of processing and opposition to sharing.
import { registerOperation } from '../api/operations.js';
import { everything } from './everything.js';
import { changeRight, RIGHTS } from './rights.js';

export { isRestricted, opposesSharing, RIGHTS } from './rights.js';

export function registerPatientRightsOperations(): void {
  registerOperation({
    name: 'everything',
    levels: ['instance'],
    types: ['Patient'],
    affectsState: false,
    definition: 'http://hl7.org/fhir/OperationDefinition/Patient-everything',
    handler: everything,
  });
  for (const name of Object.keys(RIGHTS.operations)) {
    registerOperation({
      name,
      levels: ['instance'],
      types: ['Patient'],
      affectsState: true,
      definition: `https://oncofhir.fr/OperationDefinition/Patient-${name}`,
      handler: (call, target) => changeRight(call, target, name),
    });
  }
}

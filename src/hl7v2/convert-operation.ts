// POST [base]/$hl7v2-to-fhir: the FHIR document Bundle made of the CDA an HL7 v2 message carries, read as
// the MLLP intake reads it — $cda-to-fhir for integrators who send HL7 v2. Nothing is stored and no ACK is
// recorded. 400: not ER7; 422: a message the intake would refuse, one carrying no CDA, or a carried CDA that
// cannot be read or is of no cancer volet, located at the HL7 field (`OBX[2]-5.5`) and then its XPath.
import { registerOperation } from '../api/operations.js';
import type { Call, FhirResponse } from '../api/types.js';
import { FhirError } from '../fhir/errors.js';
import { CANONICAL_BASE } from '../documents/canonical.js';
import { cdaToFhirResponse } from '../documents/convert-operations.js';
import { interpretCdaMessage } from './cda-message.js';
import { cdaLocation, location, readMessage } from './validate-operation.js';

function hl7v2ToFhir(call: Call): FhirResponse {
  const m = readMessage(call);
  const interpreted = interpretCdaMessage(m);
  if (!interpreted.ok) {
    const code = interpreted.reject ? 'not-supported' : 'invalid';
    throw new FhirError(422, interpreted.errors.map((e) => ({ severity: 'error' as const, code, diagnostics: e.message, expression: [location(m, e)] })));
  }
  const { cda, action } = interpreted.message;
  if (!cda) throw new FhirError(422, `The message carries no CDA document (action ${action})`, 'not-found', ['OBX']);
  const at = cdaLocation(m);
  try {
    return cdaToFhirResponse(cda);
  } catch (e) {
    if (!(e instanceof FhirError)) throw e;
    // The message was read: what is wrong is the document in it.
    throw new FhirError(422, e.issues.map((i) => ({ ...i, diagnostics: `Carried CDA: ${i.diagnostics}`, expression: [at, ...(i.expression ?? [])] })));
  }
}

export function registerHl7v2ConversionOperation(): void {
  registerOperation({
    name: 'hl7v2-to-fhir',
    levels: ['system'],
    affectsState: false, // reads and stores nothing: like $cda-to-fhir, a valid token is enough
    definition: `${CANONICAL_BASE}/OperationDefinition/hl7v2-to-fhir`,
    handler: async (call) => hl7v2ToFhir(call),
  });
}

// The two document conversions as read-only FHIR operations (nothing is stored), for the workbench
// and for integrators who want the server's own answer rather than the CLI's:
//   POST [base]/$cda-to-fhir   CDA body (as $validate-cda) → Parameters { bundle, volet, outcome }
//   POST [base]/Bundle/$to-cda FHIR document Bundle (JSON or XML) → Parameters { cda, volet, outcome }
// Unreadable input answers 400; a readable document that is none of the cancer volets (or cannot be
// converted) answers 422; both as an OperationOutcome.
import type { Bundle, OperationOutcome, Parameters, ParametersParameter } from 'fhir/r4';
import { registerOperation } from '../api/operations.js';
import type { Call, FhirResponse } from '../api/types.js';
import { FhirError, outcome, type Issue } from '../fhir/errors.js';
import { CANONICAL_BASE } from './canonical.js';
import { cdaToFhir, ConversionError, fhirToCda } from './conversions.js';

const warningsOutcome = (summary: string, warnings: Issue[]): OperationOutcome =>
  outcome([{ severity: 'information', code: 'informational', diagnostics: summary }, ...warnings]);

function cdaToFhirOperation(call: Call): FhirResponse {
  const raw = call.req.rawBody;
  if (!raw?.length) {
    throw new FhirError(400, 'Send the CDA document as the request body with Content-Type application/hl7-cda+xml (or text/xml, application/xml)', 'required');
  }
  return cdaToFhirResponse(raw.toString('utf8'));
}

/** 200 with the converted Bundle; 400 for unreadable XML, 422 for a document of no cancer volet. */
export function cdaToFhirResponse(cda: string): FhirResponse {
  let converted;
  try {
    converted = cdaToFhir(cda);
  } catch (e) {
    if (e instanceof FhirError) throw e; // the parser's 400 (malformed XML, DOCTYPE), with its line
    if (e instanceof ConversionError) throw new FhirError(422, e.message, 'not-supported');
    throw e;
  }
  const { type, version, bundle, warnings } = converted;
  const summary = `${type.label} (${type.volet}${version ? ` ${version}` : ''}) converted to a FHIR document Bundle of ${bundle.entry?.length ?? 0} entries; ${warnings.length} warning${warnings.length === 1 ? '' : 's'}.`;
  return converted200({ name: 'bundle', resource: bundle }, type.key, warningsOutcome(summary, warnings));
}

function toCdaOperation(call: Call): FhirResponse {
  const body = call.req.body as Bundle | Parameters | undefined;
  // The Bundle as the body, or as the "resource" parameter of a Parameters (as for $validate).
  const bundle = body?.resourceType === 'Parameters' ? (body.parameter?.find((p) => p.name === 'resource')?.resource as Bundle | undefined) : (body as Bundle | undefined);
  if (call.req.rawBody?.length) throw new FhirError(415, 'This operation takes a FHIR document Bundle (application/fhir+json or application/fhir+xml); to convert a CDA document use $cda-to-fhir', 'not-supported');
  if (!bundle) throw new FhirError(400, 'Send the FHIR document Bundle as the request body (application/fhir+json or application/fhir+xml)', 'required');
  let converted;
  try {
    converted = fhirToCda(bundle);
  } catch (e) {
    if (e instanceof ConversionError) throw new FhirError(422, e.message, 'not-supported', ['Bundle']);
    throw e;
  }
  const { type, xml, warnings } = converted;
  const errors = warnings.filter((w) => w.severity === 'error').length;
  const summary = `${type.label} (${type.volet}) written as CI-SIS CDA; ${errors} error${errors === 1 ? '' : 's'}, ${warnings.length - errors} other finding${warnings.length - errors === 1 ? '' : 's'}.`;
  return converted200({ name: 'cda', valueString: xml }, type.key, warningsOutcome(summary, warnings));
}

/** Both conversions answer a Parameters: the converted document, its volet and the findings. */
function converted200(document: ParametersParameter, volet: string, findings: OperationOutcome): FhirResponse {
  const parameters: Parameters = { resourceType: 'Parameters', parameter: [document, { name: 'volet', valueCode: volet }, { name: 'outcome', resource: findings }] };
  return { status: 200, resource: parameters };
}

export function registerConversionOperations(): void {
  registerOperation({
    name: 'cda-to-fhir',
    levels: ['system'],
    affectsState: false, // reads and stores nothing: like $validate-cda, a valid token is enough
    definition: `${CANONICAL_BASE}/OperationDefinition/cda-to-fhir`,
    handler: async (call) => cdaToFhirOperation(call),
  });
  registerOperation({
    name: 'to-cda',
    levels: ['type'],
    types: ['Bundle'],
    affectsState: false, // read on Bundle, the default for a read-only type-level operation
    definition: `${CANONICAL_BASE}/OperationDefinition/to-cda`,
    handler: async (call) => toCdaOperation(call),
  });
}

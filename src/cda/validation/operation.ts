// POST [base]/$validate-cda: validates the CDA document sent as the request body (application/hl7-cda+xml,
// or text/xml / application/xml whose root is ClinicalDocument) and answers 200 with an
// OperationOutcome, errors included, like $validate (400 when the body cannot be read as a CDA
// document). `?volet=rcp|pps|crgm|cracp` validates it as that volet whatever it declares (an error says
// when it declares another). Reads and stores nothing, so it needs no more than a valid access token.
import { registerOperation } from '../../api/operations.js';
import type { Call, FhirResponse } from '../../api/types.js';
import { FhirError } from '../../fhir/errors.js';
import { CANONICAL_BASE } from '../../documents/canonical.js';
import { byKey, DOCUMENT_KEYS } from '../../documents/registry.js';
import type { DocumentKey } from '../../documents/types.js';
import { validateCda } from './index.js';
import { cdaOutcome } from './outcome.js';

/** The `volet` query parameter as a validation option; 400 for an unknown volet. */
export function askedVolet(call: Call): { volet?: DocumentKey } {
  const volet = call.req.query.find(([k]) => k === 'volet')?.[1];
  if (volet === undefined) return {};
  const type = byKey(volet);
  if (!type) throw new FhirError(400, `Unknown volet "${volet}": use one of ${DOCUMENT_KEYS}`, 'value', ['volet']);
  return { volet: type.key };
}

async function validateCdaOperation(call: Call): Promise<FhirResponse> {
  const raw = call.req.rawBody;
  if (!raw?.length) {
    throw new FhirError(400, 'Send the CDA document as the request body with Content-Type application/hl7-cda+xml (or text/xml, application/xml)', 'required');
  }
  const result = validateCda(raw.toString('utf8'), { xsdDir: call.ctx.config.cdaXsdDir ?? '', ...askedVolet(call) });
  // A document that cannot be read as a CDA (malformed XML, DOCTYPE, another root) is a bad request,
  // as for $validate; any other finding is a completed validation (200).
  if (result.issues.some((i) => i.severity === 'fatal')) throw new FhirError(400, cdaOutcome(result).issue.map((i) => ({ severity: i.severity, code: i.code, diagnostics: i.diagnostics ?? '', expression: i.expression })));
  return { status: 200, resource: cdaOutcome(result) };
}

export function registerCdaValidationOperation(): void {
  registerOperation({
    name: 'validate-cda',
    levels: ['system'],
    affectsState: false,
    definition: `${CANONICAL_BASE}/OperationDefinition/validate-cda`,
    handler: (call) => validateCdaOperation(call),
  });
}

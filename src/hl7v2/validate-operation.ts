// POST [base]/$validate-hl7v2: checks a CI-SIS "transmission de documents CDA en HL7 v2" message (ER7
// body, x-application/hl7-v2+er7) with the same parser and rules as the MLLP intake, then the CDA it
// carries with the CDA validator, and answers an OperationOutcome. Nothing is stored, no ACK is
// recorded and no document is filed: it is the integrator's dry run. Locations use HL7 notation,
// one-based occurrence of the segment: `MSH-9`, `OBX[1]-5.5`; findings inside the carried CDA give
// the OBX field and then their XPath; `?volet=` validates the carried CDA as that volet, as for
// $validate-cda. 400 when the text cannot be read as ER7 at all.
import type { OperationOutcome, OperationOutcomeIssue } from 'fhir/r4';
import { registerOperation } from '../api/operations.js';
import type { Call, FhirResponse } from '../api/types.js';
import { FhirError } from '../fhir/errors.js';
import { CANONICAL_BASE } from '../documents/canonical.js';
import { askedVolet } from '../cda/validation/operation.js';
import { validateCda } from '../cda/validation/index.js';
import { byKey } from '../documents/registry.js';
import { summary as cdaSummary, CDA_RULE_SYSTEM } from '../cda/validation/outcome.js';
import type { AckError } from './ack.js';
import { interpretCdaMessage, type CdaMessage } from './cda-message.js';
import { Er7Error, get, parseEr7, segments, type Er7Message } from './er7.js';
import { decodeFrame } from './mllp.js';

/** `OBX[1]-5.4`: the segment's occurrence among segments of its name (MSH has one, so no index). */
export function location(m: Er7Message, e: Pick<AckError, 'segment' | 'position' | 'field' | 'component'>): string {
  const seg = e.position ? m.segments.find((s) => s.position === e.position) : undefined;
  const nth = seg ? segments(m, seg.name).indexOf(seg) + 1 : 0;
  const name = e.segment === 'MSH' || !nth ? e.segment : `${e.segment}[${nth}]`;
  return `${name}${e.field ? `-${e.field}` : ''}${e.field && e.component ? `.${e.component}` : ''}`;
}

function messageSummary(m: Er7Message, msg: CdaMessage): string {
  const ins = msg.ins ? `, INS ${msg.ins.value} (${msg.ins.oid})` : ', no INS in PID-3';
  return `${msg.type} (v${get(m, segments(m, 'MSH')[0], 12)}), action ${msg.action}, control id ${msg.controlId}, sender ${msg.sendingApplication}@${msg.sendingFacility}${ins}.`;
}

/** The request body read as ER7 (an MLLP frame is unwrapped); 400 when there is none or it cannot be read. */
export function readMessage(call: Call): Er7Message {
  const raw = call.req.rawBody;
  if (!raw?.length) {
    throw new FhirError(400, 'Send the HL7 v2 message (ER7) as the request body with Content-Type x-application/hl7-v2+er7', 'required');
  }
  try {
    return parseEr7(decodeFrame(raw));
  } catch (e) {
    if (!(e instanceof Er7Error)) throw e;
    throw new FhirError(400, [{ severity: 'error', code: 'structure', diagnostics: `The message cannot be read as ER7: ${e.message}`, expression: [e.location] }]);
  }
}

/** Where the carried CDA is: `OBX[n]-5.5` of the first OBX of type ED. */
export function cdaLocation(m: Er7Message): string {
  const cdaObx = segments(m, 'OBX').find((s) => get(m, s, 2) === 'ED');
  return cdaObx ? location(m, { segment: 'OBX', position: cdaObx.position, field: 5, component: 5 }) : 'OBX-5';
}

function validateHl7v2(call: Call): FhirResponse {
  const asked = askedVolet(call);
  const m = readMessage(call);
  const issues: OperationOutcomeIssue[] = [];
  const interpreted = interpretCdaMessage(m);
  if (!interpreted.ok) {
    for (const e of interpreted.errors) {
      issues.push({ severity: 'error', code: interpreted.reject ? 'not-supported' : 'invalid', diagnostics: e.message, expression: [location(m, e)] });
    }
    return done(issues, `The message would be answered ${interpreted.reject ? 'AR (rejected)' : 'AE (error)'}.`);
  }
  const msg = interpreted.message;
  const allowed = call.ctx.config.mllpAllowedSenders;
  if (allowed?.length && !allowed.includes(`${msg.sendingApplication}@${msg.sendingFacility}`)) {
    issues.push({ severity: 'error', code: 'security', diagnostics: `Sender ${msg.sendingApplication}@${msg.sendingFacility} is not in MLLP_ALLOWED_SENDERS: the message would be refused (AR)`, expression: ['MSH-3'] });
  }
  if (msg.cda) {
    const at = cdaLocation(m);
    const result = validateCda(msg.cda, { xsdDir: call.ctx.config.cdaXsdDir ?? '', ...asked });
    const parsed = !result.issues.some((i) => i.severity === 'fatal');
    if (parsed) issues.push({ severity: 'information', code: 'informational', diagnostics: `Carried CDA (${at}): ${cdaSummary(result)}`, expression: [at] });
    for (const i of result.issues) {
      issues.push({
        severity: i.severity === 'fatal' ? 'error' : i.severity, // the message was read: a bad CDA is an error in it
        code: i.code,
        ...(i.rule ? { details: { coding: [{ system: CDA_RULE_SYSTEM, code: i.rule, display: i.source }] } } : {}),
        diagnostics: i.diagnostics,
        expression: [at, ...(i.expression ?? [])],
      });
    }
  }
  const errors = issues.some((i) => i.severity === 'error');
  const verdict = errors ? 'The message would be answered AE (error).' : 'The message would be accepted (AA once stored).';
  const asKind = asked.volet ? ` Its CDA was validated as the ${byKey(asked.volet)!.label} asked for; the intake itself checks the volet the document declares.` : '';
  return done(issues, `${messageSummary(m, msg)} ${verdict}${asKind}`);
}

function done(issues: OperationOutcomeIssue[], summary: string): FhirResponse {
  const resource: OperationOutcome = { resourceType: 'OperationOutcome', issue: [{ severity: 'information', code: 'informational', diagnostics: summary }, ...issues] };
  return { status: 200, resource };
}

export function registerHl7v2ValidationOperation(): void {
  registerOperation({
    name: 'validate-hl7v2',
    levels: ['system'],
    affectsState: false, // reads and stores nothing: like $validate-cda, a valid token is enough
    definition: `${CANONICAL_BASE}/OperationDefinition/validate-hl7v2`,
    handler: async (call) => validateHl7v2(call),
  });
}

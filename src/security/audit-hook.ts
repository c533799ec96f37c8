// Turns an interaction and its outcome into an audit record (src/security/audit). Reads and
// searches fail closed: data are not disclosed when their disclosure cannot be traced.
import type { Bundle, Resource } from 'fhir/r4';
import { createRequire } from 'node:module';
import type { ApiContext, Call, FhirResponse } from '../api/types.js';
import { FhirError } from '../fhir/errors.js';
import { describeError, log } from '../log.js';
import { recordAudit, type AuditInput } from './audit/index.js';
import { patientsOf } from './compartment.js';
import type { Interaction } from './interaction.js';

const MAX_PATIENTS = 1000;
const REDACTED = new Set((createRequire(import.meta.url)('./audit-redacted-params.json') as { params: string[] }).params);
/** `family:exact` → `family`; `subject:Patient.name` → `subject.name` (chains keep their last hop). */
const baseName = (k: string) => k.toLowerCase().replace(/:[a-z-]+$/i, '').replace(/:[A-Za-z]+\./, '.');

/** Records without failing the caller (token endpoint, background jobs): failures are logged. */
export async function auditSafely(ctx: ApiContext, input: AuditInput): Promise<void> {
  try {
    await recordAudit(ctx.db, input);
  } catch (e) {
    log.error('audit record could not be written', { subtype: input.subtype, ...describeError(e) });
  }
}

export async function auditInteraction(call: Call, it: Interaction, status: number, out?: FhirResponse): Promise<void> {
  if (it.public || it.subtype === 'unknown' && status === 404) return;
  const input = buildInput(call, it, status, out);
  if (call.tx) {
    // Inside a transaction Bundle: traced once the transaction commits (a rollback is traced by
    // the Bundle's own record), all entries at once so that they share one group commit.
    if (status < 400 && call.afterCommit) deferredFor(call).push(input);
    return;
  }
  try {
    await recordAudit(call.ctx.db, input);
  } catch (e) {
    log.error('audit record could not be written', { subtype: input.subtype, ...describeError(e) });
    if ((it.action === 'R' || it.action === 'E') && status < 400) throw new FhirError(503, 'The audit trail is unavailable; the request was not served', 'transient');
  }
}

const deferred = new WeakMap<object, AuditInput[]>();

function deferredFor(call: Call): AuditInput[] {
  const hooks = call.afterCommit!;
  let list = deferred.get(hooks);
  if (!list) {
    const inputs: AuditInput[] = (list = []);
    deferred.set(hooks, inputs);
    hooks.push(async () => {
      await Promise.all(mergeByKind(inputs).map((i) => auditSafely(call.ctx, i)));
    });
  }
  return list;
}

/** One record per kind of entry (e.g. all the creates of a transaction), listing every resource
 *  and patient concerned: a 500-entry import writes a few audit records, not 500. */
function mergeByKind(inputs: AuditInput[]): AuditInput[] {
  const byKind = new Map<string, AuditInput>();
  for (const i of inputs) {
    const key = `${i.subtype}|${i.action}|${i.status}|${i.operation ?? ''}`;
    const m = byKind.get(key);
    if (!m) byKind.set(key, { ...i, entities: [...(i.entities ?? [])], patients: [...(i.patients ?? [])] });
    else {
      m.entities!.push(...(i.entities ?? []));
      m.patients = [...new Set([...m.patients!, ...(i.patients ?? [])])];
    }
  }
  return [...byKind.values()];
}

function buildInput(call: Call, it: Interaction, status: number, out?: FhirResponse): AuditInput {
  const auth = call.auth;
  const input: AuditInput = {
    subtype: it.subtype,
    action: it.action,
    status,
    agent: {
      subject: auth?.subject ?? 'system',
      clientId: auth?.clientId ?? 'oncofhir',
      issuer: auth?.issuer,
      address: call.source?.address,
      userAgent: call.source?.userAgent,
    },
    requestId: call.source?.requestId,
    operation: it.operation,
  };
  const res = out?.resource;
  if (it.subtype.startsWith('search') || it.subtype.startsWith('history')) {
    const qs = new URLSearchParams(call.req.query.filter(([k]) => k !== '_format' && k !== '_pretty').map(([k, v]) => [k, REDACTED.has(baseName(k)) ? '***' : v])).toString();
    if (it.subtype.startsWith('search')) input.query = `${it.type ?? ''}?${qs}`;
    else if (it.type) input.entities = [it.id ? `${it.type}/${it.id}` : it.type];
    if (res?.resourceType === 'Bundle') input.patients = bundlePatients(res as Bundle);
    return input;
  }
  if (out?.location) input.entities = [out.location];
  else if (it.type && it.id) input.entities = [`${it.type}/${it.id}`];
  if (res && res.resourceType !== 'OperationOutcome' && res.resourceType !== 'Bundle' && res.resourceType !== 'Parameters') input.patients = patientsOf(res);
  else if (res?.resourceType === 'Bundle') input.patients = bundlePatients(res as Bundle);
  else if (it.type === 'Patient' && it.id) input.patients = [it.id];
  return input;
}

function bundlePatients(b: Bundle): string[] {
  const out = new Set<string>();
  for (const e of b.entry ?? []) {
    if (!e.resource || out.size >= MAX_PATIENTS) continue;
    for (const p of patientsOf(e.resource as Resource)) out.add(p);
  }
  return [...out];
}

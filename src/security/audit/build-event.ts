// AuditInput → FHIR R4 AuditEvent following the IHE BALP patterns (https://profiles.ihe.net/ITI/BALP/):
// type/subtype, action, outcome, the client / user / server agents, the observer (source) and the
// entities (patients, resources, query, operation, X-Request-Id). Codes come from balp-codes.json.
// `recorded` and `meta` are set when the record joins the chain (see append.ts).
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { AuditEvent, AuditEventAgent, AuditEventEntity, Coding } from 'fhir/r4';
import CODES from './balp-codes.json' with { type: 'json' };
import OWN_SUBTYPES from './audit-event-subtype.codesystem.json' with { type: 'json' };
import type { AuditInput } from './audit-input.js';

const RESTFUL = new Set(CODES.restfulInteractions);
const OWN = new Map(OWN_SUBTYPES.concept.map((c) => [c.code, c.display]));
const ACTIONS = new Set(['C', 'R', 'U', 'D', 'E']);
const EVENT_TYPES = CODES.eventTypeBySubtype as Record<string, Coding>;
/** The observer: which node wrote the record matters when several nodes share one database. */
const OBSERVER = `oncofhir@${hostname()}`;

// Free text is capped so that one odd request cannot bloat the trail.
const MAX_TEXT = 500;
const MAX_QUERY = 8192;

/** True for the subtype codes recordAudit accepts. */
export function isKnownSubtype(code: string): boolean {
  return RESTFUL.has(code) || OWN.has(code);
}

/** 2xx/3xx success, 4xx minor failure, 5xx serious failure, anything else (no response) major. */
export function outcomeOf(status: number): '0' | '4' | '8' | '12' {
  if (status >= 100 && status < 400) return '0';
  if (status >= 400 && status < 500) return '4';
  if (status >= 500 && status < 600) return '8';
  return '12';
}

/** jsonb rejects NUL and lone surrogates: a record that cannot be stored must not sink a batch. */
export function cleanText(s: string, max = MAX_TEXT): string {
  return s
    .replace(/\u0000/g, '')
    .replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd')
    .slice(0, max);
}

/** 'Patient/x', 'Patient/x/_history/2', an absolute URL to a Patient or a bare id → 'x'. */
export function patientId(ref: string): string {
  const m = /(?:^|\/)Patient\/([^/?#]+)/.exec(ref);
  return m ? m[1] : ref;
}

export function checkInput(input: AuditInput): void {
  if (!input || typeof input !== 'object') throw new TypeError('recordAudit needs an AuditInput');
  if (!isKnownSubtype(input.subtype)) throw new TypeError(`Unknown audit subtype "${String(input.subtype).slice(0, 40)}"`);
  if (!ACTIONS.has(input.action)) throw new TypeError(`Unknown audit action "${String(input.action).slice(0, 5)}"`);
  if (!Number.isInteger(input.status)) throw new TypeError('AuditInput.status must be an integer');
  if (!input.agent || typeof input.agent.clientId !== 'string' || typeof input.agent.subject !== 'string') {
    throw new TypeError('AuditInput.agent needs subject and clientId');
  }
}

function unique(list: string[]): string[] {
  return [...new Set(list.filter((s) => typeof s === 'string' && s.length))];
}

function agents(a: AuditInput['agent']): AuditEventAgent[] {
  const system = a.issuer ? cleanText(a.issuer) : undefined;
  const clientId = cleanText(a.clientId) || 'unknown';
  const subject = cleanText(a.subject) || clientId;
  // A system client acting for itself (client credentials, sub = client id) is the requestor;
  // otherwise the user is, and the client is the application the user works through (BALP).
  const userIsClient = subject === clientId;
  const client: AuditEventAgent = {
    type: { coding: [CODES.agentType.client] },
    who: { identifier: { ...(system ? { system } : {}), value: clientId } },
    ...(a.userAgent ? { name: cleanText(a.userAgent, 200) } : {}),
    requestor: userIsClient,
    ...(a.address ? { network: { address: cleanText(a.address, 100), type: CODES.networkTypeIp as '2' } } : {}),
  };
  const out = [client];
  if (!userIsClient) out.push({ type: { coding: [CODES.agentType.user] }, who: { identifier: { ...(system ? { system } : {}), value: subject } }, requestor: true });
  out.push({ type: { coding: [CODES.agentType.server] }, who: { display: 'oncofhir' }, requestor: false });
  return out;
}

function entities(input: AuditInput): AuditEventEntity[] {
  const out: AuditEventEntity[] = [];
  for (const id of unique((input.patients ?? []).map((p) => cleanText(patientId(p), 200)))) {
    out.push({ what: { reference: `Patient/${id}` }, type: CODES.entityType.person, role: CODES.entityRole.patient });
  }
  for (const ref of unique((input.entities ?? []).map((r) => cleanText(r, 300)))) {
    out.push({ what: { reference: ref }, type: CODES.entityType.systemObject, role: CODES.entityRole.domainResource });
  }
  if (input.query) {
    out.push({ type: CODES.entityType.systemObject, role: CODES.entityRole.query, query: Buffer.from(cleanText(input.query, MAX_QUERY), 'utf8').toString('base64') });
  }
  if (input.operation) out.push({ type: CODES.entityType.systemObject, role: CODES.entityRole.job, name: `$${cleanText(input.operation, 100)}` });
  if (input.requestId) out.push({ what: { identifier: { value: cleanText(input.requestId, 200) } }, type: CODES.entityType.requestId });
  return out;
}

/** The AuditEvent for an input; `recorded`/`meta` are provisional until the chain append. */
export function buildAuditEvent(input: AuditInput, at = new Date()): AuditEvent {
  const when = at.toISOString();
  const restful = RESTFUL.has(input.subtype);
  const subtype: Coding = restful
    ? { system: CODES.restfulInteractionSystem, code: input.subtype, display: input.subtype }
    : { system: CODES.ownSubtypeSystem, code: input.subtype, display: OWN.get(input.subtype) };
  const ent = entities(input);
  return {
    resourceType: 'AuditEvent',
    id: randomUUID(),
    type: EVENT_TYPES[input.subtype] ?? CODES.restType,
    subtype: [subtype],
    action: input.action,
    period: { start: when, end: when },
    recorded: when,
    outcome: outcomeOf(input.status),
    ...(input.outcomeDesc ? { outcomeDesc: cleanText(input.outcomeDesc) } : {}),
    agent: agents(input.agent),
    source: { site: 'oncofhir', observer: { display: OBSERVER }, type: [CODES.sourceType] },
    ...(ent.length ? { entity: ent } : {}),
  };
}

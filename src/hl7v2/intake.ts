// One HL7 v2 message in, one ACK out: parse → interpret → the document pipeline → ACK. AA only
// after the document is durably stored; AE names each problem in ERR segments; AR for what this
// interface does not accept. A message already answered (same sender and control id, same
// content) gets its stored ACK again, so a sender that lost an ACK can resend safely.
import { createHash } from 'node:crypto';
import type { ApiContext } from '../api/types.js';
import type { Issue } from '../fhir/errors.js';
import { describeError, log } from '../log.js';
import { auditSafely } from '../security/audit-hook.js';
import type { AuthContext } from '../security/auth-context.js';
import { parseScopes } from '../security/scopes.js';
import { buildAck, type AckCode, type AckError } from './ack.js';
import { interpretCdaMessage, type CdaMessage } from './cda-message.js';
import { Er7Error, parseEr7, type Er7Message } from './er7.js';

export type SinkResult =
  | { status: 'stored' | 'duplicate'; ids: string[]; warnings?: Issue[] }
  | { status: 'invalid'; issues: Issue[] };

/** Where accepted documents go: the same validate → convert → store path as HTTP submissions. */
export type DocumentSink = (ctx: ApiContext, message: CdaMessage, auth: AuthContext) => Promise<SinkResult>;

let sink: DocumentSink | undefined;
export function setDocumentSink(s: DocumentSink): void {
  sink = s;
}

export interface IntakeSource {
  address?: string;
}

/** Scopes of an HL7 v2 sender's documents: what $submit-cda writes (entries of any type, replacing
 *  and removing those of an earlier version). The interface itself offers nothing else. */
const SENDER_SCOPES = parseScopes('system/*.cruds');

export async function handleMessage(ctx: ApiContext, text: string, source: IntakeSource = {}): Promise<string> {
  let parsed: Er7Message;
  try {
    parsed = parseEr7(text);
  } catch (e) {
    const err = e instanceof Er7Error ? e : new Er7Error('The message could not be parsed', 'MSH', '100');
    await trace(ctx, undefined, 'AR', source, [], err.message);
    return buildAck('AR', undefined, [{ segment: err.location.split('-')[0], field: Number(err.location.split('-')[1]) || undefined, code: err.code, message: err.message }]);
  }
  const interpreted = interpretCdaMessage(parsed);
  if (!interpreted.ok) {
    const code: AckCode = interpreted.reject ? 'AR' : 'AE';
    await trace(ctx, undefined, code, source, [], interpreted.errors[0]?.message);
    return buildAck(code, parsed, interpreted.errors);
  }
  const msg = interpreted.message;
  const allowed = ctx.config.mllpAllowedSenders;
  if (allowed?.length && !allowed.includes(`${msg.sendingApplication}@${msg.sendingFacility}`)) {
    await trace(ctx, msg, 'AR', source, [], 'sender not allowed');
    return buildAck('AR', parsed, [{ segment: 'MSH', position: 1, field: 3, code: '204', message: `Sender ${msg.sendingApplication}@${msg.sendingFacility} is not allowed to file documents here` }]);
  }
  const hash = createHash('sha256').update(text.replace(/\r\n|\n/g, '\r').trim()).digest('hex');
  const seen = await ctx.db.query<{ content_hash: string; ack: string }>(
    'SELECT content_hash, ack FROM hl7_message WHERE sending_application = $1 AND sending_facility = $2 AND control_id = $3',
    [msg.sendingApplication, msg.sendingFacility, msg.controlId],
  );
  if (seen.rows[0]) {
    if (seen.rows[0].content_hash === hash) return seen.rows[0].ack; // a resend: same answer, no second processing
    return buildAck('AR', parsed, [{ segment: 'MSH', position: 1, field: 10, code: '205', message: `Control id ${msg.controlId} was already used by this sender for another message` }]);
  }
  if (!sink) return buildAck('AR', parsed, [{ segment: 'MSH', position: 1, field: 9, code: '207', message: 'Document intake is not available on this server' }]);

  const auth: AuthContext = { subject: msg.sender?.id ?? msg.sendingApplication, clientId: `hl7v2:${msg.sendingApplication}@${msg.sendingFacility}`, scopes: SENDER_SCOPES };
  let result: SinkResult;
  try {
    result = await sink(ctx, msg, auth);
  } catch (e) {
    // Not stored: AR (rejected for a reason unrelated to its content), so the sender keeps the
    // message and sends it again; nothing is recorded, so the resend is processed afresh.
    log.error('hl7v2 message could not be processed', { type: msg.type, ...describeError(e) });
    return buildAck('AR', parsed, [{ segment: 'MSH', position: 1, code: '207', message: 'The message could not be processed now; send it again later' }]);
  }
  const code: AckCode = result.status === 'invalid' ? 'AE' : 'AA';
  const errors: AckError[] = result.status === 'invalid' ? result.issues.filter((i) => i.severity === 'error' || i.severity === 'fatal').map(toAckError) : [];
  const ack = buildAck(code, parsed, errors);
  const ids = result.status === 'invalid' ? [] : result.ids;
  await ctx.db.query(
    `INSERT INTO hl7_message (sending_application, sending_facility, control_id, message_type, content_hash, ack_code, ack, document_ids)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT DO NOTHING`,
    [msg.sendingApplication, msg.sendingFacility, msg.controlId, msg.type, hash, code, ack, ids],
  );
  await trace(ctx, msg, code, source, ids, errors[0]?.message);
  return ack;
}

/** A CDA finding becomes an ERR on OBX-5 (the carried document), its XPath in ERR-7. */
function toAckError(i: Issue): AckError {
  return { segment: 'OBX', field: 5, code: '207', severity: 'E', message: i.diagnostics, detail: i.expression?.[0] };
}

function trace(ctx: ApiContext, msg: CdaMessage | undefined, code: AckCode, source: IntakeSource, ids: string[], reason?: string): Promise<void> {
  return auditSafely(ctx, {
    subtype: 'hl7v2-message',
    action: msg?.action === 'delete' ? 'D' : msg?.action === 'replace' ? 'U' : 'C',
    status: code === 'AA' ? 200 : code === 'AE' ? 422 : 400,
    outcomeDesc: reason?.slice(0, 200),
    agent: { subject: msg?.sender?.id ?? 'unknown', clientId: msg ? `hl7v2:${msg.sendingApplication}@${msg.sendingFacility}` : 'hl7v2:unknown', address: source.address },
    entities: ids,
  });
}

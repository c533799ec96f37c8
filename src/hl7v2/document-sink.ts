// The HL7 v2 intake's link to the document pipeline: a new or replacing document goes through
// POST [base]/$submit-cda exactly as an HTTP submission would (validate → convert → store, one
// transaction, audited); a deletion marks the document's DocumentReference entered-in-error.
import type { DocumentReference, OperationOutcome } from 'fhir/r4';
import { dispatch } from '../api/router.js';
import type { ApiContext, Call, FhirResponse } from '../api/types.js';
import { FhirError, type Issue } from '../fhir/errors.js';
import { findMatches } from '../store/search/index.js';
import type { AuthContext } from '../security/auth-context.js';
import { child, findClinicalDocument, parseCda } from '../cda/dom.js';
import type { CdaMessage } from './cda-message.js';
import type { DocumentSink, SinkResult } from './intake.js';

const issuesOf = (o: OperationOutcome | undefined): Issue[] =>
  (o?.issue ?? []).map((i) => ({ severity: i.severity, code: i.code, diagnostics: i.diagnostics ?? '', expression: i.expression }));

/** The CDA's own id (ClinicalDocument/id), to recognise a document already stored. */
function cdaId(xml: string): { root: string; extension?: string } | undefined {
  try {
    const id = child(findClinicalDocument(parseCda(xml)), 'id');
    return id?.attrs.root ? { root: id.attrs.root, extension: id.attrs.extension } : undefined;
  } catch {
    return undefined; // not parseable: $submit-cda has already said why
  }
}

async function alreadyStored(ctx: ApiContext, xml: string): Promise<string[]> {
  const id = cdaId(xml);
  if (!id) return [];
  const value = id.extension ?? id.root;
  const system = id.extension ? `urn:oid:${id.root}` : 'urn:ietf:rfc:3986';
  const found = await findMatches(ctx.db, 'DocumentReference', `identifier=${encodeURIComponent(`${system}|${value}`)}`, 5);
  return found.map((f) => `DocumentReference/${f.id}`);
}

async function submit(ctx: ApiContext, msg: CdaMessage, auth: AuthContext): Promise<SinkResult> {
  const call: Call = {
    ctx,
    auth,
    req: { method: 'POST', path: '$submit-cda', query: [], headers: {}, rawBody: Buffer.from(msg.cda!, 'utf8'), contentType: 'application/hl7-cda+xml' },
  };
  let out: FhirResponse;
  try {
    out = await dispatch(call);
  } catch (e) {
    if (!(e instanceof FhirError)) throw e;
    if (e.status === 409) {
      // The same document (same id / version) sent again under another control id: idempotent.
      const ids = await alreadyStored(ctx, msg.cda!);
      if (ids.length) return { status: 'duplicate', ids };
    }
    if (e.status >= 500) throw e;
    return { status: 'invalid', issues: e.issues };
  }
  const outcome = out.resource as OperationOutcome | undefined;
  return { status: 'stored', ids: out.location ? [out.location] : [], warnings: issuesOf(outcome).filter((i) => i.severity === 'warning') };
}

async function remove(ctx: ApiContext, msg: CdaMessage, auth: AuthContext): Promise<SinkResult> {
  const targets = msg.cda ? await alreadyStored(ctx, msg.cda) : [];
  if (!targets.length && msg.documentId) {
    const found = await findMatches(ctx.db, 'DocumentReference', `identifier=${encodeURIComponent(msg.documentId)}`, 5);
    targets.push(...found.map((f) => `DocumentReference/${f.id}`));
  }
  if (!targets.length) {
    return { status: 'invalid', issues: [{ severity: 'error', code: 'not-found', diagnostics: 'The document to delete is not known here (TXA-12 / ClinicalDocument/id)', expression: ['TXA-12'] }] };
  }
  for (const ref of targets) {
    const body = [{ op: 'replace', path: '/status', value: 'entered-in-error' satisfies DocumentReference['status'] }];
    await dispatch({ ctx, auth, req: { method: 'PATCH', path: ref, query: [], headers: {}, body, contentType: 'application/json-patch+json' } });
  }
  return { status: 'stored', ids: targets };
}

export const cdaDocumentSink: DocumentSink = (ctx, msg, auth) => (msg.action === 'delete' ? remove(ctx, msg, auth) : submit(ctx, msg, auth));

// The durable outbox (table mhd_outbox, migration 009). Rows are written by a write hook, inside
// the transaction that stores or changes a CDA document's DocumentReference, so a document is
// enqueued exactly when it is committed, and once: (DocumentReference id, action) is unique.
//   new DocumentReference (version 1)         → provide, or replace when it relatesTo replaces an
//                                                earlier document that was (or will be) delivered
//   status changed to entered-in-error (T04)  → delete, when the document was (or will be) delivered
// A patient who opposes sharing or asked for restriction gets a `withheld` row instead (checked
// again at delivery time).
import type { DocumentReference } from 'fhir/r4';
import { onWrite } from '../api/write-hooks.js';
import { isRestricted, opposesSharing } from '../patient-rights/index.js';
import type { Queryable } from '../store/db.js';
import { PDSM } from './codes.js';
import type { Action } from './provide-bundle.js';

export type OutboxStatus = 'queued' | 'sent' | 'failed' | 'withheld';

export interface OutboxRow {
  id: number;
  document_ref: string;
  action: Action;
  set_key: string;
  master_identifier: string | null;
  patient_id: string | null;
  status: OutboxStatus;
  attempts: number;
  next_attempt_at: string;
  last_error: string | null;
  response_status: number | null;
  response_location: string | null;
  created_at: string;
  updated_at: string;
  sent_at: string | null;
}

const LIVE = `('queued', 'sent')`;

/** A DocumentReference of a CDA document stored by $submit-cda (its content is the CDA Binary). */
export const isCdaDocumentReference = (d: DocumentReference) =>
  !!d.masterIdentifier && (d.content ?? []).some((c) => c.attachment?.contentType === PDSM.attachmentContentType && c.attachment.url?.startsWith('Binary/'));

export const patientIdOf = (d: DocumentReference) => d.subject?.reference?.match(/^Patient\/([^/]+)$/)?.[1];

/** Why the patient's documents must not be shared now, or undefined. */
export async function sharingBlocked(q: Queryable, patientId: string | undefined | null): Promise<string | undefined> {
  if (!patientId) return undefined;
  if (await opposesSharing(q, patientId)) return 'withheld: the patient opposes sharing with Mon espace santé';
  if (await isRestricted(q, patientId)) return 'withheld: the patient asked for restriction of processing';
  return undefined;
}

async function hasLiveRow(q: Queryable, docId: string): Promise<boolean> {
  const { rows } = await q.query(`SELECT 1 FROM mhd_outbox WHERE document_ref = $1 AND status IN ${LIVE} LIMIT 1`, [docId]);
  return rows.length > 0;
}

/** The delivery a DocumentReference write calls for, if any. */
async function actionFor(q: Queryable, d: DocumentReference): Promise<Action | undefined> {
  if (d.status === 'current' && d.meta?.versionId === '1') {
    const replaced = d.relatesTo?.find((r) => r.code === 'replaces')?.target?.reference?.match(/^DocumentReference\/([^/]+)$/)?.[1];
    return replaced && (await hasLiveRow(q, replaced)) ? 'replace' : 'provide';
  }
  if (d.status === 'entered-in-error' && (await hasLiveRow(q, d.id!))) return 'delete';
  return undefined;
}

/** Enqueues the delivery of a DocumentReference write (idempotent); returns the action, if any. */
export async function enqueue(q: Queryable, d: DocumentReference): Promise<Action | undefined> {
  if (!isCdaDocumentReference(d)) return undefined;
  const action = await actionFor(q, d);
  if (!action) return undefined;
  const patientId = patientIdOf(d);
  const blocked = action === 'delete' ? undefined : await sharingBlocked(q, patientId);
  const setId = d.identifier?.[0];
  const m = d.masterIdentifier!;
  await q.query(
    `INSERT INTO mhd_outbox (document_ref, action, set_key, master_identifier, patient_id, status, last_error)
     VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (document_ref, action) DO NOTHING`,
    [d.id, action, setId ? `${setId.system}|${setId.value}` : `${m.system}|${m.value}`, `${m.system}|${m.value}`, patientId ?? null, blocked ? 'withheld' : 'queued', blocked ?? null],
  );
  return action;
}

let installed = false;

/** Installs the write hook (once per process). */
export function installOutboxHook(): void {
  if (installed) return;
  installed = true;
  onWrite(async (q, _call, resource, method) => {
    if (resource.resourceType !== 'DocumentReference' || method === 'DELETE') return;
    await enqueue(q, resource as DocumentReference);
  });
}

export async function outboxRows(q: Queryable, filter: { documentRef?: string; status?: string; limit?: number } = {}): Promise<OutboxRow[]> {
  const where: string[] = [];
  const params: unknown[] = [];
  if (filter.documentRef) where.push(`document_ref = $${params.push(filter.documentRef)}`);
  if (filter.status) where.push(`status = $${params.push(filter.status)}`);
  const sql = `SELECT * FROM mhd_outbox ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id LIMIT $${params.push(filter.limit ?? 1000)}`;
  const { rows } = await q.query<OutboxRow>(sql, params);
  return rows.map(normalise);
}

const iso = (v: unknown) => (v === null || v === undefined ? null : new Date(v as string | Date).toISOString());

/** Numbers and ISO timestamps, whichever driver read the row. */
export function normalise(r: OutboxRow): OutboxRow {
  return {
    ...r,
    id: Number(r.id),
    attempts: Number(r.attempts),
    response_status: r.response_status === null ? null : Number(r.response_status),
    next_attempt_at: iso(r.next_attempt_at)!,
    created_at: iso(r.created_at)!,
    updated_at: iso(r.updated_at)!,
    sent_at: iso(r.sent_at),
  };
}

// The clerical review queue: pairs the last run could neither link nor keep apart, shown field by
// field, and the registrars' decisions, which every later run applies. Restricted persons never appear.
import { FhirError, badRequest } from '../../fhir/errors.js';
import type { Queryable } from '../../store/db.js';
import type { FieldComparison } from '../linkage/explain.js';
import type { ExtractedPerson } from '../sources/types.js';
import { restrictedRecordIds } from '../store/restricted.js';

export type ReviewStatus = 'pending' | 'confirmed' | 'rejected';
export interface ReviewSide { recordId: string; source: string }
export interface ReviewField { field: string; a: string | null; b: string | null; level: string; weight: number }
export interface ReviewItem {
  id: string; status: ReviewStatus; weight: number; probability: number;
  a: ReviewSide; b: ReviewSide; fields: ReviewField[]; decidedBy?: string; decidedAt?: string;
}

interface Row {
  id: string; a: string; b: string; weight: number; probability: number; levels: FieldComparison[] | string;
  a_traits: ExtractedPerson | string; b_traits: ExtractedPerson | string; a_doc: string; b_doc: string;
  decision: ReviewStatus | null; decided_by: string | null; decided_at: string | Date | null;
}

const SELECT = `SELECT r.id::text AS id, r.a, r.b, r.weight, r.probability, r.levels,
  ia.traits AS a_traits, ib.traits AS b_traits, ia.document_ref AS a_doc, ib.document_ref AS b_doc,
  d.decision, d.decided_by, d.decided_at
  FROM registry_review r
  JOIN registry_identity ia ON ia.record_id = r.a
  JOIN registry_identity ib ON ib.record_id = r.b
  LEFT JOIN registry_link_decision d ON d.a = r.a AND d.b = r.b
  WHERE NOT ia.withdrawn AND NOT ib.withdrawn AND NOT (r.a = ANY($1)) AND NOT (r.b = ANY($1))`;

const STATUS_SQL: Record<ReviewStatus, string> = { pending: 'd.decision IS NULL', confirmed: `d.decision = 'confirmed'`, rejected: `d.decision = 'rejected'` };

const parse = <T>(v: T | string): T => (typeof v === 'string' ? JSON.parse(v) : v) as T;

/** Values shown for each compared field (the model compares birth and used names crosswise as `name`). */
const shown: Record<string, (t: ExtractedPerson) => string | undefined> = {
  name: (t) => [t.birthName, t.usedName && t.usedName !== t.birthName ? `(${t.usedName})` : ''].filter(Boolean).join(' '),
  givenNames: (t) => t.givenNames?.join(' '),
  birthDate: (t) => t.birthDate,
  sex: (t) => t.sex,
  birthplace: (t) => t.birthplaceCode,
  postalCode: (t) => t.postalCode ?? t.residenceCode,
};

function toItem(r: Row): ReviewItem {
  const ta = parse(r.a_traits), tb = parse(r.b_traits);
  return {
    id: r.id,
    status: r.decision ?? 'pending',
    weight: Number(r.weight),
    probability: Number(r.probability),
    a: { recordId: r.a, source: r.a_doc },
    b: { recordId: r.b, source: r.b_doc },
    fields: parse(r.levels).map((f) => ({ field: f.field, a: shown[f.field]?.(ta) || null, b: shown[f.field]?.(tb) || null, level: f.level, weight: f.weight })),
    ...(r.decided_by ? { decidedBy: r.decided_by, decidedAt: new Date(r.decided_at!).toISOString() } : {}),
  };
}

export async function listReview(q: Queryable, status: ReviewStatus, count: number, offset: number): Promise<{ total: number; items: ReviewItem[] }> {
  const restricted = [...(await restrictedRecordIds(q))];
  const where = `${SELECT} AND ${STATUS_SQL[status]}`;
  const { rows: t } = await q.query<{ n: number }>(`SELECT count(*)::int AS n FROM (${where}) x`, [restricted]);
  const { rows } = await q.query<Row>(`${where} ORDER BY r.weight DESC, r.id LIMIT ${count} OFFSET ${offset}`, [restricted]);
  return { total: Number(t[0].n), items: rows.map(toItem) };
}

export async function reviewItem(q: Queryable, id: string): Promise<ReviewItem | undefined> {
  if (!/^\d{1,18}$/.test(id)) return undefined;
  const restricted = [...(await restrictedRecordIds(q))];
  const { rows } = await q.query<Row>(`${SELECT} AND r.id = $2`, [restricted, id]);
  return rows[0] && toItem(rows[0]);
}

/** Records (or changes) a decision on a proposed pair; the next run applies it. */
export async function decide(q: Queryable, id: string, body: unknown, decidedBy: string): Promise<ReviewItem> {
  const decision = (body as { decision?: unknown } | undefined)?.decision;
  if (decision !== 'confirmed' && decision !== 'rejected') throw badRequest('The body must be {"decision": "confirmed" | "rejected"}', ['decision']);
  const item = await reviewItem(q, id);
  if (!item) throw new FhirError(404, `No proposed pair ${id}`, 'not-found');
  await q.query(
    `INSERT INTO registry_link_decision (a, b, decision, decided_by) VALUES ($1, $2, $3, $4)
     ON CONFLICT (a, b) DO UPDATE SET decision = excluded.decision, decided_by = excluded.decided_by, decided_at = now()`,
    [item.a.recordId, item.b.recordId, decision, decidedBy]);
  return (await reviewItem(q, id))!;
}

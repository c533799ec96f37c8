// Erasure of a person whose (pseudonymised) data are past the final retention limit: the Patient
// and every resource of its compartment are hard-deleted with all their versions, index rows,
// paging snapshots that list them, and the person's retention_state row. A compartment resource
// that also belongs to another person still stored (a Group, a shared RelatedPerson…) is kept;
// resources merely referenced from the compartment (Practitioner, Organization…) are not part of
// it and stay.
import type { Queryable } from '../store/db.js';
import { deleteIndexes } from '../store/indexing/index.js';
import { belongsTo, currentCompartment, otherPatients } from './compartment.js';

export interface EraseCounts {
  resources: number;
  /** Compartment resources kept because they also belong to another stored person. */
  shared: number;
}

/** Erases one person inside the caller's transaction. */
export async function erasePerson(tx: Queryable, person: { id: string; rid: number }, deletedRids: number[]): Promise<EraseCounts> {
  const rids = [...new Set([person.rid, ...(await currentCompartment(tx, person.id)), ...deletedRids])];
  const rows = await tx.query<{ rid: number; deleted: boolean; content: string | null }>(
    'SELECT rid, deleted, content FROM resource WHERE rid = ANY($1::bigint[]) ORDER BY rid FOR UPDATE',
    [rids],
  );
  // The content that decides membership: the current one, or for a deleted resource its versions.
  const deletedRows = rows.rows.filter((r) => r.deleted && Number(r.rid) !== person.rid).map((r) => Number(r.rid));
  const lastContent = new Map<number, string>();
  const confirmed = new Set<number>();
  if (deletedRows.length) {
    const versions = await tx.query<{ rid: number; content: string }>(
      'SELECT rid, content FROM resource_version WHERE rid = ANY($1::bigint[]) AND content IS NOT NULL ORDER BY rid, version',
      [deletedRows],
    );
    for (const v of versions.rows) {
      lastContent.set(Number(v.rid), v.content);
      if (belongsTo(v.content, person.id)) confirmed.add(Number(v.rid));
    }
  }
  const doomed: number[] = [];
  const others = new Map<number, string[]>();
  for (const r of rows.rows) {
    const rid = Number(r.rid);
    if (rid === person.rid) {
      doomed.push(rid);
      continue;
    }
    if (r.deleted && !confirmed.has(rid)) continue;
    const o = otherPatients(r.deleted ? lastContent.get(rid) ?? null : r.content, person.id);
    if (o.length) others.set(rid, o);
    else doomed.push(rid);
  }
  let shared = 0;
  if (others.size) {
    const ids = [...new Set([...others.values()].flat())];
    const { rows: alive } = await tx.query<{ id: string }>("SELECT id FROM resource WHERE type = 'Patient' AND id = ANY($1::text[])", [ids]);
    const stored = new Set(alive.map((a) => a.id));
    for (const [rid, o] of others) {
      if (o.some((p) => stored.has(p))) shared++;
      else doomed.push(rid);
    }
  }
  await deleteIndexes(tx, doomed);
  await tx.query('DELETE FROM resource_version WHERE rid = ANY($1::bigint[])', [doomed]);
  await tx.query('DELETE FROM resource WHERE rid = ANY($1::bigint[])', [doomed]);
  await tx.query('DELETE FROM search_snapshot WHERE rids && $1::bigint[]', [doomed]);
  await tx.query('DELETE FROM retention_state WHERE patient_id = $1', [person.id]);
  return { resources: doomed.length, shared };
}

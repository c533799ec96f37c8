// Registry identities past the identifying-data limit (RETENTION_IDENTIFYING_MONTHS, 24 by default,
// counted from the last document that updated them) keep only what the registry still needs: sex,
// birth date, département of residence, and their person key, which later runs treat as a keyed INS
// so that the person stays whole and new documents carrying the INS still link to it. Identities not
// linked yet (no person key) wait for the next run.
import type { Queryable } from '../../store/db.js';
import type { ExtractedPerson } from '../sources/types.js';
import { departementOf } from './departement.js';

export interface PseudonymisedTraits { pseudonymised: true; sex: 'M' | 'F'; birthDate: string; departement?: string }

export const isPseudonymised = (t: ExtractedPerson | PseudonymisedTraits): t is PseudonymisedTraits => (t as PseudonymisedTraits).pseudonymised === true;

/** Reduces the due identities' traits; returns how many were reduced. */
export async function pseudonymiseRegistryIdentities(q: Queryable, cutoff: Date): Promise<number> {
  const { rows } = await q.query<{ record_id: string; traits: ExtractedPerson | string }>(
    `SELECT record_id, traits FROM registry_identity
     WHERE pseudonymised_at IS NULL AND person_key IS NOT NULL AND updated_at < $1 ORDER BY record_id FOR UPDATE`, [cutoff.toISOString()]);
  if (!rows.length) return 0;
  const reduced = rows.map((r) => {
    const t = (typeof r.traits === 'string' ? JSON.parse(r.traits) : r.traits) as ExtractedPerson;
    const departement = departementOf(t.residenceCode, t.postalCode);
    const out: PseudonymisedTraits = { pseudonymised: true, sex: t.sex, birthDate: t.birthDate, ...(departement ? { departement } : {}) };
    return JSON.stringify(out);
  });
  await q.query(
    `UPDATE registry_identity i SET traits = v.t::jsonb, pseudonymised_at = now()
     FROM unnest($1::text[], $2::text[]) AS v(id, t) WHERE i.record_id = v.id`,
    [rows.map((r) => r.record_id), reduced]);
  return rows.length;
}

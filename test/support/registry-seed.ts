// Registry test data: identity records and tumour items as the intake hook writes them (one per
// document), then a real registry run (linkage, review proposals, consolidation). Enough cases for
// indicator cells of 11 and more beside small, suppressed ones, and near-duplicate records without
// INS that the linkage proposes for clerical review.
import type { Db } from '../../src/store/db.js';
import { runRegistry, type RunStats } from '../../src/registry/store/run.js';

export const SEED_KEY = Buffer.from('registry-seed-key-for-tests-only-0123456789');

interface SeedPerson { ins?: string; birthName: string; givenNames: string[]; birthDate: string; sex: 'M' | 'F'; postalCode: string; topography: string; morphology: string; incidence: string }

const SITES = {
  F: [{ topography: 'C50.4', morphology: '8500/3' }, { topography: 'C18.7', morphology: '8140/3' }],
  M: [{ topography: 'C61.9', morphology: '8140/3' }, { topography: 'C34.1', morphology: '8070/3' }],
} as const;
const NAMES = ['MARTIN', 'BERNARD', 'THOMAS', 'PETIT', 'ROBERT', 'RICHARD', 'DURAND', 'DUBOIS', 'MOREAU', 'LAURENT', 'SIMON', 'MICHEL', 'LEFEBVRE', 'LEROY', 'ROUX', 'DAVID', 'BERTRAND', 'MOREL', 'FOURNIER', 'GIRARD'];
const GIVEN = { F: ['MARIE', 'NATHALIE', 'ISABELLE', 'SYLVIE', 'CATHERINE'], M: ['JEAN', 'PHILIPPE', 'MICHEL', 'ALAIN', 'PATRICK'] };

/** The seeded persons: 60 in Paris and Lyon in 2025, 3 in Corse-du-Sud (small cells), each with an INS. */
export function seedPersons(): SeedPerson[] {
  const out: SeedPerson[] = [];
  for (let i = 0; i < 63; i++) {
    const sex = i % 2 ? 'M' : 'F';
    const site = SITES[sex][i % 4 < 2 ? 0 : 1];
    const postalCode = i >= 60 ? '20000' : i % 3 ? '75012' : '69003';
    const year = 1940 + (i % 40);
    out.push({
      ins: `${sex === 'M' ? 1 : 2}${String(year).slice(2)}0${(i % 9) + 1}75${String(100 + i).padStart(3, '0')}${String(200 + i).padStart(3, '0')}`,
      birthName: NAMES[i % NAMES.length], givenNames: [GIVEN[sex][i % 5]], birthDate: `${year}-0${(i % 9) + 1}-1${i % 10}`, sex, postalCode,
      topography: site.topography, morphology: site.morphology, incidence: `2025-0${(i % 9) + 1}-05`,
    });
  }
  return out;
}

/** Records without INS that share surname, birth date and sex with a seeded person but not the given name:
 *  a twin or a registration error — the linkage caps such pairs at clerical review. */
const DUPLICATES = [
  { of: 4, givenNames: ['CLAIRE'] },
  { of: 9, givenNames: ['GILLES'] },
  { of: 14, givenNames: ['ODILE'] },
];

export async function seedRegistry(db: Db): Promise<{ reviewIds: string[]; stats: RunStats }> {
  const persons = seedPersons();
  const docs = persons.map((p, i) => ({ recordId: `Bundle/seed-${i}`, person: p, traits: { ins: p.ins, birthName: p.birthName, givenNames: p.givenNames, birthDate: p.birthDate, sex: p.sex, postalCode: p.postalCode } }));
  for (const [k, d] of DUPLICATES.entries()) {
    const p = persons[d.of];
    docs.push({ recordId: `Bundle/seed-dup-${k}`, person: p, traits: { ins: undefined as unknown as string, birthName: p.birthName, givenNames: d.givenNames, birthDate: p.birthDate, sex: p.sex, postalCode: p.postalCode } });
  }
  for (const d of docs) {
    await db.query('INSERT INTO registry_identity (record_id, document_ref, traits) VALUES ($1, $2, $3)', [d.recordId, `${d.recordId}/_history/1`, JSON.stringify(d.traits)]);
    const [morph, behaviour] = d.person.morphology.split('/');
    const item = {
      documentRef: `${d.recordId}/_history/1`, producer: 'FINESS 750000001', documentDate: d.person.incidence,
      topography: d.person.topography, morphology: morph, behaviour: Number(behaviour), basis: 7,
      incidenceCandidates: [{ date: d.person.incidence, event: 'histology-specimen' }],
    };
    await db.query(`INSERT INTO registry_source (source_id, record_id, document_type, item) VALUES ($1, $2, 'cracp', $3)`, [`${d.recordId}#1`, d.recordId, JSON.stringify(item)]);
  }
  const out = await runRegistry(db, SEED_KEY);
  if (!out.ran) throw new Error('the seed run did not run');
  const { rows } = await db.query<{ id: string }>('SELECT id::text AS id FROM registry_review ORDER BY weight DESC, id');
  return { reviewIds: rows.map((r) => r.id), stats: out.value };
}

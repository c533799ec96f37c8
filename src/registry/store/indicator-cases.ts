// Consolidated cases as indicator input: incidence year and date, sex, birth date, département and site.
import type { Queryable } from '../../store/db.js';
import type { IndicatorCase } from '../indicators/cases.js';
import { restrictedPersonKeys } from './restricted.js';

export async function indicatorCases(q: Queryable): Promise<IndicatorCase[]> {
  const restricted = await restrictedPersonKeys(q);
  const { rows } = await q.query<{ person_key: string; topography: string; morphology: number; behaviour: number; incidence_date: string | null; sex: string; birth_date: string; departement: string | null }>(
    `SELECT c.person_key, c.topography, c.morphology, c.behaviour, c.incidence_date, p.sex, p.birth_date, p.departement
     FROM registry_case c JOIN registry_person p USING (person_key) ORDER BY c.id`);
  return rows.map((r) => ({
    year: r.incidence_date ? Number(r.incidence_date.slice(0, 4)) : NaN,
    sex: r.sex,
    birthDate: r.birth_date,
    diagnosisDate: r.incidence_date ?? undefined,
    departement: r.departement ?? '',
    topography: r.topography,
    morphology: `${r.morphology}/${r.behaviour}`,
    restricted: restricted.has(r.person_key),
  }));
}

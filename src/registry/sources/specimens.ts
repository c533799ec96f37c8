// A pathology or genetics report without a Condition may describe several specimens (bilateral breast,
// colon and liver…). Each specimen's findings: the observations made on it (Observation.specimen), their
// members, and the panels without a specimen whose members all belong to it (the pTNM stage group).
import type { Observation, Specimen } from 'fhir/r4';
import type { DocumentView, Located } from './document.js';

export interface SpecimenFindings { specimen: Located<Specimen>; obs: Located<Observation>[] }

export function findingsBySpecimen(doc: DocumentView, allObs: Located<Observation>[]): SpecimenFindings[] {
  const members = (o: Located<Observation>) => (o.res.hasMember ?? []).map((m) => doc.resolve(m)).filter((l): l is Located<Observation> => l?.res.resourceType === 'Observation');
  return doc.all('Specimen').map((specimen) => {
    const found = new Set(allObs.filter((o) => doc.refersTo(o.res.specimen, specimen)));
    const queue = [...found];
    while (queue.length) {
      for (const m of members(queue.pop()!)) if (!found.has(m)) { found.add(m); queue.push(m); }
    }
    for (const panel of allObs) {
      const own = members(panel);
      if (!panel.res.specimen && own.length && own.every((m) => found.has(m))) found.add(panel);
    }
    return { specimen, obs: allObs.filter((o) => found.has(o)) };
  });
}

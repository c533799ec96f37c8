// TNM and stage of one tumour from its onco-tnm-category and onco-stage-group observations: one set of
// categories is kept (pathological, else clinical, else post-neoadjuvant y; recurrence r is not the stage
// at diagnosis), valued in UICC TNM codes, with the edition of the observation method.
import type { Observation } from 'fhir/r4';
import mapping from './mapping.json' with { type: 'json' };
import { codeIn, codingsIn, type DocumentView, type Located } from './document.js';
import type { SourceRecord } from '../tumours/types.js';

type Certainty = 'c' | 'p' | 'y';
type Tnm = NonNullable<SourceRecord['tnm']>;
const O = mapping.observations;
const CATEGORIES = O.tnmCategories as Record<string, { category: 't' | 'n' | 'm'; certainty: 'c' | 'p' }>;
const GROUPS = O.stageGroups as Record<string, 'c' | 'p'>;

function loincOf(obs: Observation, table: Record<string, unknown>): string | undefined {
  return codingsIn(obs.code, 'loinc').map((c) => c.code!).find((c) => c in table);
}

/** The APSR prefix of a pathological category: its CI-SIS code (MED-834…) or the text the converter writes (ypT). */
function prefixOf(obs: Observation): 'y' | 'r' | undefined {
  const cisis = codeIn(obs.code, 'cisis');
  if (cisis && O.tnmPrefixes.r.includes(cisis)) return 'r';
  if (cisis && O.tnmPrefixes.y.includes(cisis)) return 'y';
  const text = obs.code?.text?.trim().toLowerCase() ?? '';
  return /^y/.test(text) ? 'y' : /^r/.test(text) ? 'r' : undefined;
}

export function tnmAndStage(observations: Located<Observation>[], doc: DocumentView): { tnm?: Tnm; stage?: SourceRecord['stage']; pathological: boolean } {
  const sets = new Map<Certainty, Tnm>();
  let pathological = false;
  for (const { res, path } of observations) {
    const loinc = loincOf(res, CATEGORIES);
    if (!loinc) continue;
    const def = CATEGORIES[loinc];
    const prefix = def.certainty === 'p' ? prefixOf(res) : undefined;
    if (prefix === 'r') continue;
    if (def.certainty === 'p') pathological = true;
    const certainty: Certainty = prefix === 'y' ? 'y' : def.certainty;
    const value = codeIn(res.valueCodeableConcept, 'tnmValues');
    if (!value) {
      if (res.valueCodeableConcept) doc.inform(`The TNM ${def.category.toUpperCase()} value is not a UICC TNM code (urn:oid:2.16.840.1.113883.15.6); not extracted`, `${path}.value`, 'code-invalid');
      continue;
    }
    const set = sets.get(certainty) ?? { certainty };
    if (set[def.category] === undefined) set[def.category] = value;
    const edition = codeIn(res.method, 'tnmEdition');
    if (edition && !set.edition) set.edition = edition;
    sets.set(certainty, set);
  }
  const tnm = (O.tnmPreference as Certainty[]).map((c) => sets.get(c)).find(Boolean);
  // UICC: there is no pM0; a pathological stage takes the clinical M (cM0) when the pathologist gives none.
  const clinicalM = sets.get('c')?.m;
  if (tnm?.certainty === 'p' && tnm.m === undefined && clinicalM) tnm.m = clinicalM;
  const stages = observations.flatMap(({ res }) => {
    const loinc = loincOf(res, GROUPS);
    const value = codeIn(res.valueCodeableConcept, 'tnmValues');
    return loinc && value ? [{ certainty: GROUPS[loinc], value, edition: codeIn(res.method, 'tnmEdition') }] : [];
  });
  const stage = stages.find((s) => s.certainty === tnm?.certainty) ?? stages[0];
  if (stage && tnm && !tnm.edition && stage.edition) tnm.edition = stage.edition;
  return { ...(tnm ? { tnm } : {}), ...(stage ? { stage: { system: O.stageSystem, value: stage.value } } : {}), pathological };
}

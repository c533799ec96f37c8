// Registry tumour consolidation: source records (one per document and tumour mention) in, tumours out.
import type events from './rules/incidence-events.json';

export type Sex = 'M' | 'F';
export type IncidenceEvent = (typeof events)['events'][number]['event'];
/** IARC/ENCR basis of diagnosis (ENCR 2022: 8 = cytogenetic/molecular). */
export type BasisOfDiagnosis = 0 | 1 | 2 | 4 | 5 | 6 | 7 | 8 | 9;
/** ICD-O-3 behaviour: 0 benign, 1 uncertain, 2 in situ, 3 malignant, 6 metastatic site, 9 uncertain primary/metastatic. */
export type Behaviour = 0 | 1 | 2 | 3 | 6 | 9;
export type Laterality = 'right' | 'left' | 'bilateral' | 'midline' | 'unknown' | 'not-applicable';

export interface IncidenceCandidate { date: string; event: IncidenceEvent }

export interface SourceRecord {
  recordId: string;
  personKey: string;
  documentRef: string;
  producer: string;
  /** When the source document was issued: later documents update the case. */
  documentDate?: string;
  /** ICD-O-3 topography (C50.4 or C504), or ICD-10 when topographySystem is 'icd-10'. */
  topography?: string;
  topographySystem?: 'icd-o-3' | 'icd-10';
  /** ICD-O-3 morphology, 4 digits (8140); a "8140/3" form also gives the behaviour. */
  morphology?: string | number;
  behaviour?: Behaviour;
  grade?: string;
  laterality?: Laterality;
  incidenceCandidates: IncidenceCandidate[];
  basis?: BasisOfDiagnosis;
  tnm?: { certainty: 'c' | 'p' | 'y'; t?: string; n?: string; m?: string; edition?: string };
  stage?: { system: string; value: string };
}

export interface Person { sex: Sex; birthDate: string }

export interface Provenance { recordId: string; documentRef: string; producer: string; documentDate?: string }

/** Two or more records disagree: the kept value is the latest, the others stay visible here. */
export interface Conflict {
  field: string;
  kept: unknown;
  values: { value: unknown; recordIds: string[] }[];
  reason: string;
}

export type CheckKind = 'sex-site' | 'age-site' | 'site-morphology' | 'behaviour-site' | 'basis-morphology' | 'multiple-primary';

export interface TumourWarning {
  id: string;
  check: CheckKind;
  severity: 'error' | 'warning' | 'information';
  message: string;
  /** Tumour fields involved, as FHIRPath-like paths on the Tumour. */
  expression: string[];
}

export interface RareCancerFlag { entity: string; network: string }

export interface Tumour {
  tumourId: string;
  personKey: string;
  topography: string;
  /** Organ used by the multiple-primary rules (Table 1 group id, else the 3-character site). */
  organ: string;
  morphology: number;
  morphologyGroup: number;
  behaviour: 0 | 1 | 2 | 3;
  grade?: string;
  laterality?: Laterality;
  incidenceDate?: string;
  incidenceEvent?: IncidenceEvent;
  basis: BasisOfDiagnosis;
  tnm?: SourceRecord['tnm'];
  stage?: SourceRecord['stage'];
  /** Every contributing record, in document order. */
  sources: Provenance[];
  /** Which record gave each consolidated value. */
  fieldSources: Record<string, string>;
  /** The last record that updated the case. */
  updatedBy: string;
  conflicts: Conflict[];
  warnings: TumourWarning[];
  rareCancer: RareCancerFlag[];
  /** Recodings applied on the way (ICD-10 mapping, behaviour /6 → /3, unknown site merged). */
  notes: string[];
}

// A person record as sent by a producer (hospital RCP form, lab, local registry), the input of linkage.
export interface PersonRecord {
  recordId: string;
  /** INS NIR (13 characters, 2A/2B accepted for Corsica) with or without its 2-digit key. */
  ins?: string;
  birthName: string;
  usedName?: string;
  givenNames: string[];
  /** YYYY-MM-DD */
  birthDate: string;
  sex: 'M' | 'F';
  /** INSEE commune code of birth. */
  birthplaceCode?: string;
  postalCode?: string;
}

/** A registrar's decision on a pair, which overrides the model on every later run. */
export interface PairDecision { a: string; b: string; decision: 'confirmed' | 'rejected' }

export interface ReviewPair { a: string; b: string; weight: number; probability: number }

export interface LinkResult {
  /** recordId → personKey */
  personKeyOf: Map<string, string>;
  clusters: string[][];
  reviewPairs: ReviewPair[];
  stats: { records: number; persons: number; candidatePairs: number; links: number; deterministicLinks: number; reviewPairs: number; emIterations: number };
}

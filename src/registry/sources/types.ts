// What one accepted cancer document gives the registry: the person's traits and one source record per
// tumour it mentions (before linkage gives them a person key and the store a record id).
import type { Issue } from '../../fhir/errors.js';
import type { SourceRecord } from '../tumours/types.js';

export interface ExtractedPerson {
  /** INS NIR (production, test or demonstration assigning authority), 15 characters with its key. */
  ins?: string;
  birthName: string;
  usedName?: string;
  /** Given names of the birth certificate, in order. */
  givenNames: string[];
  /** YYYY-MM-DD */
  birthDate: string;
  sex: 'M' | 'F';
  /** INSEE commune code of birth. */
  birthplaceCode?: string;
  /** INSEE commune code of the address when the document gives one, else its postal code. */
  residenceCode?: string;
  postalCode?: string;
}

/** A source record without the ids the store and linkage assign. documentRef is 'Bundle/<id>' when the
 *  Bundle has an id, else the Composition identifier (the CDA setId). */
export type ExtractedTumour = Omit<SourceRecord, 'recordId' | 'personKey'>;

export interface Extraction {
  /** 'rcp' | 'pps' | 'crgm' | 'cracp' (src/documents/registry.ts), or 'unknown'. */
  documentType: string;
  person?: ExtractedPerson;
  tumours: ExtractedTumour[];
  /** Warnings and information, located by FHIRPath on the Bundle; extraction never throws. */
  issues: Issue[];
}

// What one accepted cancer document gives the registry: the person's traits and one source record per
// tumour it mentions (before linkage gives them a person key and the store a record id).
import type { Issue } from '../../fhir/errors.js';
import type { PersonRecord } from '../linkage/types.js';
import type { SourceRecord } from '../tumours/types.js';

/** A person's traits as a document gives them: a linkage record without its id (the store assigns it),
 *  plus the residence code (INSEE commune code of the address when the document gives one). */
export type ExtractedPerson = Omit<PersonRecord, 'recordId'> & { residenceCode?: string };

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

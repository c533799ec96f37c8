// rcp: CDA → FHIR document Bundle. The mapping is data (to-fhir.json: profiles and the volet's entry
// rules); the generic engine is src/cda/to-fhir.
import type { CdaElement } from '../../cda/dom.js';
import { convertCda, type CdaConversion, type VoletMapping } from '../../cda/to-fhir/convert.js';
import mapping from './to-fhir.json' with { type: 'json' };

export const cdaToFhir = (doc: CdaElement): CdaConversion => convertCda(doc, mapping as VoletMapping);

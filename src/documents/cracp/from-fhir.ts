// cracp: FHIR document Bundle → CI-SIS CDA. The mapping is data (from-fhir.json: the volet version,
// header codes, entry templates and writer rules); the generic engine is src/cda/write.
import type { Bundle } from 'fhir/r4';
import { writeCda, type VoletWriteConfig } from '../../cda/write/index.js';
import type { Converted } from '../types.js';
import { documentType } from './index.js';
import config from './from-fhir.json' with { type: 'json' };

export const fhirToCda = (bundle: Bundle): Converted<string> => writeCda(bundle, documentType, config as unknown as VoletWriteConfig);

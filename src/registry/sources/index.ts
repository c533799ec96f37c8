// Registry source records from accepted cancer documents: public entry points.
export { extractSourceRecords, extractPersonRecord } from './extract.js';
export type * from './types.js';

// Registry tumour consolidation: public entry points.
export { consolidate, normalise } from './consolidate.js';
export { multiplePrimary, type MpVerdict } from './multiple-primary.js';
export { incidenceDate } from './incidence.js';
export { checkTumour, ageAt } from './checks.js';
export { rareCancerNetworks } from './rare.js';
export { mapIcd10, morphologyGroup, organ } from './codes.js';
export type * from './types.js';

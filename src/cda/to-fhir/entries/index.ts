// The entry mappers by name, as the rule tables (entry-rules.json, src/documents/<key>/to-fhir.json) call them.
import { concern, performanceStatus, primaryCancer, tnmCategory, tnmGroup } from './cancer.js';
import { registerMapper } from './dispatch.js';
import { geneVariant } from './genomics.js';
import { comment, organizer, problem, procedure, simpleObservation } from './observation.js';
import { specimenProcedure } from './pathology.js';
import { plannedAct, ppsActivity } from './plan.js';

registerMapper('comment', comment);
registerMapper('concern', concern);
registerMapper('primaryCancer', primaryCancer);
registerMapper('tnmGroup', tnmGroup);
registerMapper('tnmCategory', (el, ctx, rule) => tnmCategory(el, ctx, rule));
registerMapper('performanceStatus', performanceStatus);
registerMapper('problem', problem);
registerMapper('specimenProcedure', specimenProcedure);
registerMapper('geneVariant', geneVariant);
registerMapper('plannedAct', plannedAct);
registerMapper('ppsActivity', ppsActivity);
registerMapper('procedure', procedure);
registerMapper('organizer', organizer);
registerMapper('simpleObservation', simpleObservation);

export { convertEntry } from './dispatch.js';
export type { EntryContext, EntryRule, MapResult } from './context.js';

// The PDSm code tables (pdsm-codes.json), typed once.
import type { Coding } from 'fhir/r4';
import table from './pdsm-codes.json' with { type: 'json' };

type Code = { code: string; display: string };

export const PDSM = table as typeof table & {
  classCode: { system: string; byDocument: Record<string, Code> };
  contentTypeCode: { system: string; byEncounterCode: Record<string, Code>; default: Code };
};

export const classCoding = (key: string): Coding | undefined => {
  const c = PDSM.classCode.byDocument[key];
  return c && { system: PDSM.classCode.system, ...c };
};

export const contentTypeCoding = (encounterCode: string | undefined): Coding => ({
  system: PDSM.contentTypeCode.system,
  ...((encounterCode && PDSM.contentTypeCode.byEncounterCode[encounterCode]) || PDSM.contentTypeCode.default),
});

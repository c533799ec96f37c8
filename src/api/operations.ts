// Registry of FHIR operations ($name). Other modules (validation, terminology, documents…)
// register here; the router dispatches and the CapabilityStatement lists them.
import type { Permission } from '../security/scopes.js';
import type { Call, FhirResponse } from './types.js';

export type OperationLevel = 'system' | 'type' | 'instance';

export interface OperationTarget {
  level: OperationLevel;
  type?: string;
  id?: string;
}

export interface OperationDef {
  name: string; // without the $
  levels: OperationLevel[];
  /** Resource types it applies to at type/instance level; undefined = all. */
  types?: string[];
  /** Canonical URL of the OperationDefinition, for the CapabilityStatement. */
  definition?: string;
  /** Whether it may be invoked by GET (no side effects). */
  affectsState: boolean;
  handler: (call: Call, target: OperationTarget) => Promise<FhirResponse>;
  /** SMART permissions the operation needs; by default read (or update when it affects state)
   *  on the target type, and only a valid token at system level. */
  access?: (target: OperationTarget) => [string, Permission][];
}

const ops = new Map<string, OperationDef>();

export function registerOperation(def: OperationDef): void {
  ops.set(def.name, def);
}

export function getOperation(name: string): OperationDef | undefined {
  return ops.get(name);
}

export function allOperations(): OperationDef[] {
  return [...ops.values()];
}

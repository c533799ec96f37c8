// Terminology: the public API (code checks, expansion, lookup, translate) over the loaded content.
// Stub while the implementation lands; signatures are final.
import type { CodeSystem, ConceptMap, Parameters, ValueSet } from 'fhir/r4';
import { notSupported } from '../fhir/errors.js';

export interface CodeCheck { result: boolean | 'unknown'; message?: string; display?: string }
export interface Coded { system?: string; code?: string; display?: string; version?: string }

export function validateCodeInValueSet(_valueSetUrl: string, _coding: Coded): CodeCheck {
  return { result: 'unknown', message: 'terminology not loaded yet' };
}
export function validateCodeInCodeSystem(_systemUrl: string, _code: string, _display?: string): CodeCheck {
  return { result: 'unknown', message: 'terminology not loaded yet' };
}
export function expandValueSet(url: string, _opts?: { filter?: string; count?: number; offset?: number }): ValueSet {
  throw notSupported(`Cannot expand ${url} yet`);
}
export function lookup(_system: string, _code: string): Parameters | undefined {
  return undefined;
}
export function translate(_req: { url?: string; system: string; code: string; target?: string; targetsystem?: string }): Parameters {
  return { resourceType: 'Parameters', parameter: [{ name: 'result', valueBoolean: false }] };
}
export function registerTerminologyResource(_r: ValueSet | CodeSystem | ConceptMap): void {}
export function unregisterTerminologyResource(_r: ValueSet | CodeSystem | ConceptMap): void {}
export function registerTerminologyOperations(): void {}

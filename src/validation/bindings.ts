// Terminology bindings: required → error, extensible → warning, preferred/example → nothing.
// Codes are checked by src/terminology (expansions of the loaded CodeSystems/ValueSets); a code the
// terminology cannot decide (external system not loaded) gives an information issue.
import type { Issue } from '../fhir/errors.js';
import type { ElementNode } from './compile.js';

type Json = Record<string, unknown>;
export interface CodeCheck { result: boolean | 'unknown'; message?: string; display?: string }
export type CodeValidator = (valueSetUrl: string, c: { system?: string; code: string; display?: string }) => CodeCheck;

export type SystemCodeValidator = (system: string, code: string, display?: string) => CodeCheck;

let validator: CodeValidator | undefined;
let systemValidator: SystemCodeValidator | undefined;
let terminologyGeneration: (() => number) | undefined;

/** Installs the terminology used for bindings (src/terminology's validateCodeInValueSet by default). */
export function setCodeValidator(fn: CodeValidator | undefined): void {
  validator = fn;
}

// Loaded lazily so the validator works (without binding checks) while terminology is absent.
const TERMINOLOGY = '../terminology/index.js';
try {
  const mod = (await import(TERMINOLOGY)) as { validateCodeInValueSet?: CodeValidator; validateCodeInCodeSystem?: SystemCodeValidator; terminologyGeneration?: () => number };
  if (mod.validateCodeInValueSet) validator ??= mod.validateCodeInValueSet;
  if (mod.validateCodeInCodeSystem) systemValidator ??= mod.validateCodeInCodeSystem;
  terminologyGeneration = mod.terminologyGeneration;
} catch {
  /* terminology module not installed: bindings are not checked */
}

export const bindingsAvailable = () => !!validator;

interface Coded { system?: string; code: string; display?: string }

function codesOf(v: unknown, type: string): Coded[] | undefined {
  if (type === 'code' || type === 'string' || type === 'uri') return typeof v === 'string' ? [{ code: v }] : undefined;
  if (typeof v !== 'object' || v === null) return undefined;
  const o = v as Json;
  if (type === 'Coding') return typeof o.code === 'string' ? [{ system: o.system as string, code: o.code, display: o.display as string }] : [];
  if (type === 'CodeableConcept') {
    const cs = Array.isArray(o.coding) ? (o.coding as Json[]) : [];
    return cs.filter((c) => c && typeof c.code === 'string').map((c) => ({ system: c.system as string, code: c.code as string, display: c.display as string }));
  }
  if (type === 'Quantity' || type === 'Age' || type === 'Duration' || type === 'Distance' || type === 'Count' || type === 'SimpleQuantity' || type === 'MoneyQuantity') {
    return typeof o.code === 'string' ? [{ system: o.system as string, code: o.code }] : undefined;
  }
  return undefined;
}

export function checkBinding(v: unknown, type: string, node: ElementNode, path: string, out: Issue[]): void {
  const b = node.binding;
  if (!b?.valueSet || !validator || (b.strength !== 'required' && b.strength !== 'extensible')) return;
  const codes = codesOf(v, type);
  if (!codes) return;
  const vs = b.valueSet.startsWith('http://hl7.org/fhir/ValueSet/') ? b.valueSet.split('|')[0] : b.valueSet;
  const required = b.strength === 'required';
  if (!codes.length) {
    // A CodeableConcept with text only: fine for extensible, not for required.
    if (required && type === 'CodeableConcept') out.push({ severity: 'error', code: 'code-invalid', diagnostics: `No code provided, and a code is required from the value set ${vs}`, expression: [path] });
    return;
  }
  let unknown: CodeCheck | undefined;
  const failures: string[] = [];
  for (const c of codes) {
    const r = validator(vs, c);
    if (r.result === true) return;
    if (r.result === 'unknown') unknown ??= r;
    else failures.push(c.system ? `${c.system}#${c.code}` : c.code);
  }
  if (unknown) {
    out.push({ severity: 'information', code: 'informational', diagnostics: `The code could not be checked against ${vs}${unknown.message ? `: ${unknown.message}` : ''}`, expression: [path] });
    return;
  }
  const what = failures.length === 1 ? `The code ${failures[0]} is not` : `None of the codes ${failures.join(', ')} is`;
  out.push({
    severity: required ? 'error' : 'warning',
    code: 'code-invalid',
    diagnostics: `${what} in the value set ${vs}, ${required ? 'which is required' : 'and the binding is extensible'}`,
    expression: [path],
  });
}

/** A single code against a value set, or undefined when no terminology is installed. */
export function checkCode(valueSet: string, c: { system?: string; code: string; display?: string }): CodeCheck | undefined {
  return validator?.(valueSet, c);
}

// Verdicts of checkCoding by system, then code|display (null: a system that is not loaded, so never checked);
// dropped when the loaded terminology changes.
const codingVerdicts = new Map<string, Map<string, CodeCheck> | null>();
let verdictsGeneration = -1;

/**
 * Any Coding whose system is loaded (completely): the code must exist in it (error), and the display, when
 * given, should be one of the code's displays (warning: the HL7 validator makes it an error, but a display
 * is a human rendering and data such as Synthea's uses other wordings). Systems that are not loaded (LOINC,
 * SNOMED CT…) are not checked here.
 */
export function checkCoding(v: Json, path: string, out: Issue[]): void {
  if (!systemValidator || typeof v.system !== 'string' || typeof v.code !== 'string') return;
  const gen = terminologyGeneration?.() ?? 0;
  if (gen !== verdictsGeneration || codingVerdicts.size > 1000) { codingVerdicts.clear(); verdictsGeneration = gen; }
  let verdicts = codingVerdicts.get(v.system);
  if (verdicts === null) return;
  const display = typeof v.display === 'string' ? v.display : undefined;
  const key = display === undefined ? v.code : `${v.code}|${display}`;
  let r = verdicts?.get(key);
  if (!r) {
    r = systemValidator(v.system, v.code, display);
    // 'unknown' means the system is not (completely) loaded: no code of it can be checked.
    if (r.result === 'unknown') { codingVerdicts.set(v.system, null); return; }
    if (!verdicts) codingVerdicts.set(v.system, (verdicts = new Map()));
    if (verdicts.size > 20_000) verdicts.clear();
    verdicts.set(key, r);
  }
  if (r.result === false) out.push({ severity: 'error', code: 'code-invalid', diagnostics: r.message ?? `Unknown code ${v.code} in the code system ${v.system}`, expression: [`${path}.code`] });
  else if (r.result === true && r.message) out.push({ severity: 'warning', code: 'code-invalid', diagnostics: r.message, expression: [`${path}.display`] });
}

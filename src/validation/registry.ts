// The StructureDefinitions the validator knows: R4 core (types, resources, core profiles, extensions),
// the profiles/ folder, StructureDefinitions stored on the server, and those loaded for one run (--with).
// Canonicals resolve as `url` or `url|version`; the latest loaded wins for a bare url.
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { extname, join } from 'node:path';
import type { StructureDefinition } from 'fhir/r4';
import { loadDefinitionBundle } from '../fhir/definitions.js';
import { fromXml } from '../fhir/xml/index.js';

const byUrl = new Map<string, StructureDefinition>();
const byUrlVersion = new Map<string, StructureDefinition>();
let coreLoaded = false;
let generation = 0;
const listeners: Array<(url: string) => void> = [];

const CORE_FILES = ['profiles-types.json', 'profiles-resources.json', 'profiles-others.json', 'extension-definitions.json'];

function ensureCore(): void {
  if (coreLoaded) return;
  coreLoaded = true;
  for (const f of CORE_FILES) {
    for (const e of loadDefinitionBundle<StructureDefinition>(f).entry ?? []) {
      const sd = e.resource as StructureDefinition | undefined;
      if (sd?.resourceType === 'StructureDefinition') put(sd);
    }
  }
}

function put(sd: StructureDefinition): void {
  byUrl.set(sd.url, sd);
  if (sd.version) byUrlVersion.set(`${sd.url}|${sd.version}`, sd);
}

/** Registers (or replaces) a StructureDefinition; compiled checkers of that url are dropped. */
export function addStructureDefinition(sd: StructureDefinition): void {
  ensureCore();
  if (sd?.resourceType !== 'StructureDefinition' || typeof sd.url !== 'string') throw new Error('Not a StructureDefinition with a url');
  put(sd);
  generation++;
  for (const l of listeners) l(sd.url);
}

/** Forgets a StructureDefinition added at run time (core definitions stay). */
export function removeStructureDefinition(url: string): void {
  const sd = byUrl.get(url);
  if (!sd) return;
  byUrl.delete(url);
  if (sd.version) byUrlVersion.delete(`${url}|${sd.version}`);
  generation++;
  for (const l of listeners) l(url);
}

export function onStructureDefinitionChange(fn: (url: string) => void): void {
  listeners.push(fn);
}

/** Bumped on every change, so caches keyed on content can tell they are stale. */
export const registryGeneration = () => generation;

/** Resolves a canonical (`url`, `url|version`) to a StructureDefinition. */
export function getStructureDefinition(canonical: string): StructureDefinition | undefined {
  ensureCore();
  const bar = canonical.indexOf('|');
  if (bar < 0) return byUrl.get(canonical);
  return byUrlVersion.get(canonical) ?? byUrl.get(canonical.slice(0, bar));
}

export const CORE_PREFIX = 'http://hl7.org/fhir/StructureDefinition/';

/** The base StructureDefinition of a type code (`Observation`, `Quantity`, `string`). */
export function typeDefinition(type: string): StructureDefinition | undefined {
  return getStructureDefinition(type.includes('/') ? type : CORE_PREFIX + type);
}

/** Parses a FHIR JSON or XML file into a resource. */
export function readResourceFile(file: string): unknown {
  const text = readFileSync(file, 'utf8');
  return extname(file).toLowerCase() === '.xml' ? fromXml(text) : JSON.parse(text);
}

/** Lists .json/.xml files under paths (directories are walked). */
export function listResourceFiles(paths: string[]): string[] {
  const out: string[] = [];
  for (const p of paths) {
    const st = statSync(p);
    if (st.isDirectory()) out.push(...listResourceFiles(readdirSync(p).sort().map((f) => join(p, f))));
    else if (['.json', '.xml'].includes(extname(p).toLowerCase())) out.push(p);
  }
  return out;
}

/** Every resource in a parsed file: the resource itself, or a Bundle's entries as well. */
export function resourcesOf(r: unknown): Record<string, unknown>[] {
  if (typeof r !== 'object' || r === null) return [];
  const res = r as Record<string, unknown>;
  const out = [res];
  if (res.resourceType === 'Bundle' && Array.isArray(res.entry)) {
    for (const e of res.entry as Array<{ resource?: Record<string, unknown> }>) if (e?.resource) out.push(...resourcesOf(e.resource));
  }
  return out;
}

/** Loads every StructureDefinition found in a folder (profiles/) or file; returns their urls. */
export function loadProfilesFrom(path: string): string[] {
  if (!existsSync(path)) return [];
  const urls: string[] = [];
  for (const f of listResourceFiles([path])) {
    for (const r of resourcesOf(readResourceFile(f))) {
      if (r.resourceType === 'StructureDefinition') {
        addStructureDefinition(r as unknown as StructureDefinition);
        urls.push(String(r.url));
      }
    }
  }
  return urls;
}

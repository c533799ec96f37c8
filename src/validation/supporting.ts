// Supporting resources for one run (CLI --with, test cases): StructureDefinitions go to the profile
// registry, ValueSets/CodeSystems to terminology when it accepts them, anything else to a pool that
// reference resolution can use. unloadSupporting() puts things back as they were.
import type { StructureDefinition } from 'fhir/r4';
import { addStructureDefinition, getStructureDefinition, listResourceFiles, readResourceFile, removeStructureDefinition, resourcesOf } from './registry.js';

type Json = Record<string, unknown>;

export interface Loaded {
  structureDefinitions: { url: string; previous?: StructureDefinition }[];
  resources: Json[];
  terminology: Json[];
  errors: string[];
}

const pool = new Map<string, Json>();
type TerminologyLoader = { add(r: Json): void; remove(r: Json): void };
let terminologyLoader: TerminologyLoader | undefined;

/** Lets terminology accept ValueSets/CodeSystems loaded for a run. */
export function setTerminologyLoader(l: TerminologyLoader | undefined): void {
  terminologyLoader = l;
}

// By default, the terminology module (when installed) accepts them, so that `--with` value sets bind codes.
const TERMINOLOGY = '../terminology/index.js';
try {
  terminologyLoader ??= ((await import(TERMINOLOGY)) as { terminologyLoader?: TerminologyLoader }).terminologyLoader;
} catch {
  /* terminology module not installed */
}

/** A supporting resource by `Type/id` or canonical url. */
export function supportingResource(ref: string): Json | undefined {
  return pool.get(ref);
}

export function loadSupporting(paths: string[]): Loaded {
  const out: Loaded = { structureDefinitions: [], resources: [], terminology: [], errors: [] };
  let files: string[] = [];
  try {
    files = listResourceFiles(paths);
  } catch (e) {
    out.errors.push((e as Error).message);
  }
  for (const f of files) {
    let parsed: unknown;
    try {
      parsed = readResourceFile(f);
    } catch (e) {
      out.errors.push(`${f}: ${(e as Error).message}`);
      continue;
    }
    for (const r of resourcesOf(parsed)) {
      if (r.resourceType === 'Bundle') continue;
      if (r.resourceType === 'StructureDefinition' && typeof r.url === 'string') {
        out.structureDefinitions.push({ url: r.url, previous: getStructureDefinition(r.url) });
        addStructureDefinition(r as unknown as StructureDefinition);
      } else if ((r.resourceType === 'ValueSet' || r.resourceType === 'CodeSystem') && terminologyLoader) {
        terminologyLoader.add(r);
        out.terminology.push(r);
      }
      const keys = [typeof r.id === 'string' ? `${r.resourceType}/${r.id}` : undefined, typeof r.url === 'string' ? r.url : undefined].filter((k): k is string => !!k);
      for (const k of keys) pool.set(k, r);
      out.resources.push(r);
    }
  }
  return out;
}

export function unloadSupporting(l: Loaded): void {
  for (const { url, previous } of l.structureDefinitions.reverse()) {
    if (previous) addStructureDefinition(previous);
    else removeStructureDefinition(url);
  }
  for (const r of l.terminology) terminologyLoader?.remove(r);
  for (const r of l.resources) {
    if (typeof r.id === 'string') pool.delete(`${r.resourceType}/${r.id}`);
    if (typeof r.url === 'string') pool.delete(r.url);
  }
}

// Per-project research pseudonyms (issue 6 §2): HMAC-SHA-256 of the registry person key with the PROJECT's key, so
// that two projects' extracts cannot be linked to each other without the registry. Project keys are held outside
// the database, in the JSON file named by REGISTRY_PROJECT_KEYS_FILE:
//   { "projectId": "<base64 key>" }                                   one key, version "v1"
//   { "projectId": { "current": "v2", "keys": { "v1": "<b64>", "v2": "<b64>" } } }   after a rotation
// Every pseudonym carries its key id (`projectId:version`). A rotation adds a version and makes it current; old
// versions stay in the file so that pseudonyms already handed out can be re-derived (and mapped to the new ones).
import { readFileSync } from 'node:fs';
import { hmacHex, keyedIns } from './linkage/keyed-ins.js';

export interface ProjectKeyRing { projectId: string; current: string; keys: Map<string, Buffer> }
export type ProjectKeys = Map<string, ProjectKeyRing>;
export interface Pseudonym { value: string; keyId: string }

/** Shortest accepted project key: 256 bits, the HMAC-SHA-256 block strength. */
export const MIN_KEY_BYTES = 32;

function decodeKey(projectId: string, version: string, b64: unknown): Buffer {
  if (typeof b64 !== 'string' || !/^[A-Za-z0-9+/_-]+={0,2}$/.test(b64.trim())) throw new Error(`project ${projectId} key ${version}: not base64`);
  const key = Buffer.from(b64.trim(), 'base64');
  if (key.length < MIN_KEY_BYTES) throw new Error(`project ${projectId} key ${version}: ${key.length} bytes, at least ${MIN_KEY_BYTES} needed`);
  return key;
}

/** Parses the project-keys JSON (see the header comment); throws with the offending project on a bad entry. */
export function parseProjectKeys(json: string): ProjectKeys {
  const doc: unknown = JSON.parse(json);
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) throw new Error('project keys: a JSON object { projectId: key } is expected');
  const out: ProjectKeys = new Map();
  for (const [projectId, entry] of Object.entries(doc as Record<string, unknown>)) {
    if (!/^[A-Za-z0-9._-]+$/.test(projectId)) throw new Error(`project id ${JSON.stringify(projectId)}: letters, digits, . _ - only`);
    if (typeof entry === 'string') {
      out.set(projectId, { projectId, current: 'v1', keys: new Map([['v1', decodeKey(projectId, 'v1', entry)]]) });
      continue;
    }
    const { current, keys } = (entry ?? {}) as { current?: unknown; keys?: Record<string, unknown> };
    if (typeof current !== 'string' || !keys || typeof keys !== 'object') throw new Error(`project ${projectId}: { current, keys } expected`);
    const ring = new Map(Object.entries(keys).map(([v, k]) => [v, decodeKey(projectId, v, k)] as const));
    if (!ring.has(current)) throw new Error(`project ${projectId}: current key ${current} is not among its keys`);
    const distinct = new Set([...ring.values()].map((k) => k.toString('hex')));
    if (distinct.size !== ring.size) throw new Error(`project ${projectId}: a rotated key must differ from the previous ones`);
    out.set(projectId, { projectId, current, keys: ring });
  }
  return out;
}

/** Reads REGISTRY_PROJECT_KEYS_FILE (or the given file). No file = no research extracts: throws. */
export function loadProjectKeys(opts: { file?: string; env?: NodeJS.ProcessEnv } = {}): ProjectKeys {
  const file = opts.file ?? (opts.env ?? process.env).REGISTRY_PROJECT_KEYS_FILE;
  if (!file) throw new Error('no project keys: set REGISTRY_PROJECT_KEYS_FILE to a JSON file { projectId: base64 key }');
  return parseProjectKeys(readFileSync(file, 'utf8'));
}

/**
 * The pseudonym of a person (its registry person key, see linkage/keyed-ins.ts) in one project, with the project's
 * current key or an older `version` (to re-derive pseudonyms handed out before a rotation). The project id is part
 * of the HMAC message too, so that even a key mistakenly shared by two projects gives unlinkable pseudonyms.
 */
export function projectPseudonym(keys: ProjectKeys, projectId: string, personKey: string, version?: string): Pseudonym {
  const ring = keys.get(projectId);
  if (!ring) throw new Error(`unknown project ${projectId}`);
  const v = version ?? ring.current;
  const key = ring.keys.get(v);
  if (!key) throw new Error(`project ${projectId} has no key ${v}`);
  if (!personKey) throw new Error('empty person key');
  return { value: hmacHex(key, `${projectId}|${personKey}`), keyId: `${projectId}:${v}` };
}

/** Convenience for a person known by INS traits: registry person key (keyed INS) first, then the project pseudonym. */
export function projectPseudonymFromIns(registrySecret: Buffer, keys: ProjectKeys, projectId: string, ins: string, birthDate: string, sex: string): Pseudonym | undefined {
  const personKey = keyedIns(registrySecret, ins, birthDate, sex);
  return personKey ? projectPseudonym(keys, projectId, personKey) : undefined;
}

/** After a rotation: old pseudonym → new pseudonym for the given persons, for a project allowed to carry its data over. */
export function rotationMap(keys: ProjectKeys, projectId: string, personKeys: Iterable<string>, fromVersion: string, toVersion?: string): Map<string, string> {
  const map = new Map<string, string>();
  for (const pk of personKeys) map.set(projectPseudonym(keys, projectId, pk, fromVersion).value, projectPseudonym(keys, projectId, pk, toVersion).value);
  return map;
}

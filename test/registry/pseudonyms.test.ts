// Per-project pseudonyms: stable within a project, unlinkable across projects, keyed, rotatable.
import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash, randomBytes } from 'node:crypto';
import { loadProjectKeys, parseProjectKeys, projectPseudonym, projectPseudonymFromIns, rotationMap } from '../../src/registry/pseudonyms.js';

const k = () => randomBytes(32).toString('base64');
const keysJson = { 'etude-sein-2026': k(), 'cohorte-poumon': { current: 'v2', keys: { v1: k(), v2: k() } } };
const keys = parseProjectKeys(JSON.stringify(keysJson));
const persons = Array.from({ length: 200 }, (_, i) => createHash('sha256').update(`person ${i}`).digest('hex'));

describe('project pseudonyms', () => {
  it('are stable within a project and carry their key id', () => {
    const a = projectPseudonym(keys, 'etude-sein-2026', persons[0]);
    expect(a).toEqual(projectPseudonym(keys, 'etude-sein-2026', persons[0]));
    expect(a.value).toMatch(/^[0-9a-f]{64}$/);
    expect(a.keyId).toBe('etude-sein-2026:v1');
    expect(projectPseudonym(keys, 'cohorte-poumon', persons[0]).keyId).toBe('cohorte-poumon:v2');
  });

  it('differ across projects: no pseudonym of one project appears in the other, even with the same key', () => {
    const a = new Set(persons.map((p) => projectPseudonym(keys, 'etude-sein-2026', p).value));
    const b = persons.map((p) => projectPseudonym(keys, 'cohorte-poumon', p).value);
    expect(a.size).toBe(persons.length);
    expect(b.filter((x) => a.has(x))).toEqual([]);
    const same = k();
    const twin = parseProjectKeys(JSON.stringify({ p1: same, p2: same }));
    expect(projectPseudonym(twin, 'p1', persons[1]).value).not.toBe(projectPseudonym(twin, 'p2', persons[1]).value);
  });

  it('are not derivable without the project key: neither the person key nor its plain hash appears, another key gives others', () => {
    const p = projectPseudonym(keys, 'etude-sein-2026', persons[2]).value;
    expect(p).not.toContain(persons[2]);
    expect(p).not.toBe(createHash('sha256').update(persons[2]).digest('hex'));
    expect(p).not.toBe(createHash('sha256').update(`etude-sein-2026|${persons[2]}`).digest('hex'));
    const other = parseProjectKeys(JSON.stringify({ 'etude-sein-2026': k() }));
    expect(projectPseudonym(other, 'etude-sein-2026', persons[2]).value).not.toBe(p);
  });

  it('rotate: the current key changes every pseudonym, old versions re-derive the old ones, and map old → new', () => {
    const v1 = persons.map((p) => projectPseudonym(keys, 'cohorte-poumon', p, 'v1'));
    const v2 = persons.map((p) => projectPseudonym(keys, 'cohorte-poumon', p));
    expect(v1[0].keyId).toBe('cohorte-poumon:v1');
    expect(v1.filter((x, i) => x.value === v2[i].value)).toEqual([]);
    // The key file before the rotation gave exactly the v1 pseudonyms.
    const before = parseProjectKeys(JSON.stringify({ 'cohorte-poumon': keysJson['cohorte-poumon'].keys.v1 }));
    expect(persons.map((p) => projectPseudonym(before, 'cohorte-poumon', p).value)).toEqual(v1.map((x) => x.value));
    const map = rotationMap(keys, 'cohorte-poumon', persons, 'v1');
    expect(map.size).toBe(persons.length);
    expect(map.get(v1[7].value)).toBe(v2[7].value);
  });

  it('derive from INS traits through the registry person key (keyed INS)', () => {
    const secret = Buffer.from('registry-secret-for-tests-0123456789');
    const a = projectPseudonymFromIns(secret, keys, 'etude-sein-2026', '2 84 05 75 123 456 78', '1984-05-12', 'F');
    const b = projectPseudonymFromIns(secret, keys, 'etude-sein-2026', '2840575123456', '1984-05-12', 'F');
    expect(a?.value).toMatch(/^[0-9a-f]{64}$/);
    expect(b).toEqual(a);
    expect(projectPseudonymFromIns(secret, keys, 'etude-sein-2026', 'not an INS', '1984-05-12', 'F')).toBeUndefined();
  });

  it.each([
    ['not an object', '[]', /JSON object/],
    ['short key', JSON.stringify({ p: Buffer.alloc(16, 1).toString('base64') }), /16 bytes, at least 32/],
    ['not base64', JSON.stringify({ p: 'not base64 at all!' }), /not base64/],
    ['bad project id', JSON.stringify({ 'a b': k() }), /project id/],
    ['current missing', JSON.stringify({ p: { current: 'v3', keys: { v1: k() } } }), /current key v3/],
    ['reused key on rotation', JSON.stringify({ p: { current: 'v2', keys: { v1: keysJson['etude-sein-2026'], v2: keysJson['etude-sein-2026'] } } }), /must differ/],
  ])('refuses a bad key file: %s', (_name, json, message) => {
    expect(() => parseProjectKeys(json)).toThrow(message);
  });

  it('refuses unknown projects and versions; loads REGISTRY_PROJECT_KEYS_FILE, and requires it', () => {
    expect(() => projectPseudonym(keys, 'inconnu', persons[0])).toThrow(/unknown project/);
    expect(() => projectPseudonym(keys, 'cohorte-poumon', persons[0], 'v9')).toThrow(/no key v9/);
    const file = join(mkdtempSync(join(tmpdir(), 'oncofhir-pk-')), 'projects.json');
    writeFileSync(file, JSON.stringify(keysJson));
    const loaded = loadProjectKeys({ env: { REGISTRY_PROJECT_KEYS_FILE: file } });
    expect(projectPseudonym(loaded, 'etude-sein-2026', persons[3])).toEqual(projectPseudonym(keys, 'etude-sein-2026', persons[3]));
    expect(() => loadProjectKeys({ env: {} })).toThrow(/REGISTRY_PROJECT_KEYS_FILE/);
  });
});

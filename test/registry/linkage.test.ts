// Linkage end to end in memory: a generated population above accuracy floors, deterministic keyed INS,
// registrar decisions overriding the model, twins kept apart.
import { describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { link } from '../../src/registry/linkage/link.js';
import { generatePopulation, pairwiseAccuracy } from '../../src/registry/linkage/synthetic.js';
import type { PersonRecord } from '../../src/registry/linkage/types.js';

const key = randomBytes(32);
const rec = (recordId: string, over: Partial<PersonRecord> = {}): PersonRecord => ({ recordId, birthName: 'KERBRAT', givenNames: ['YANN'], birthDate: '1952-11-02', sex: 'M', postalCode: '29200', ...over });
const together = (r: ReturnType<typeof link>, a: string, b: string) => r.personKeyOf.get(a) === r.personKeyOf.get(b);

describe('linkage on a synthetic population', () => {
  it('links 20,000 records with pairwise precision ≥ 99.5 % and recall ≥ 98.5 %', () => {
    const pop = generatePopulation({ records: 20_000, seed: 7 });
    const r = link(pop.records, { key });
    const acc = pairwiseAccuracy(pop.records.map((x) => r.personKeyOf.get(x.recordId)!), pop.personOf);
    expect(acc.precision).toBeGreaterThanOrEqual(0.995);
    expect(acc.recall).toBeGreaterThanOrEqual(0.985);
    expect(r.stats.records).toBe(20_000);
    expect(r.clusters.flat()).toHaveLength(20_000);
  });
  it('is reproducible: same key, same person keys', () => {
    const pop = generatePopulation({ records: 2_000, seed: 3 });
    const a = link(pop.records, { key }), b = link(pop.records, { key });
    expect([...a.personKeyOf]).toEqual([...b.personKeyOf]);
  });
});

describe('deterministic linkage on the keyed INS', () => {
  it('links equal INS whatever the names, keeps distinct INS apart, and keys the person by the keyed INS', () => {
    const r = link([
      rec('a', { ins: '152112901912345', birthName: 'KERBRAT' }),
      rec('b', { ins: '1 52 11 29 019 123 45', birthName: 'DUPONT', givenNames: ['PAUL'] }), // same INS, other traits entered badly
      rec('c', { ins: '152112901999945' }), // same traits, another INS: another person
      rec('d'),
    ], { key });
    expect(together(r, 'a', 'b')).toBe(true);
    expect(together(r, 'a', 'c')).toBe(false);
    expect(r.personKeyOf.get('a')).toMatch(/^[0-9a-f]{64}$/);
    expect(r.stats.deterministicLinks).toBe(1);
  });
  it('without INS, the person key is an HMAC of the smallest recordId and changes with the key', () => {
    const recs = [rec('z2'), rec('z1', { givenNames: ['YANN', 'LOIC'] })];
    const r1 = link(recs, { key }), r2 = link(recs, { key: randomBytes(32) });
    expect(together(r1, 'z1', 'z2')).toBe(true);
    expect(r1.personKeyOf.get('z1')).not.toBe(r2.personKeyOf.get('z1'));
  });
});

describe('probabilistic linkage and decisions', () => {
  // Enough unrelated people for EM to learn from, around the records under test.
  const background = generatePopulation({ records: 3_000, seed: 11 }).records;
  it('links typos, swapped dates, reordered given names and married names; keeps twins apart', () => {
    const r = link([
      ...background,
      rec('k1', { givenNames: ['YANN', 'LOIC'], birthplaceCode: '29019' }),
      rec('k2', { birthName: 'KERBRATT' }),
      rec('k3', { givenNames: ['LOIC', 'YANN'], birthDate: '1952-02-11' }),
      rec('f1', { birthName: 'LE GALL', usedName: 'MORVAN', givenNames: ['ANNE'], birthDate: '1979-03-14', sex: 'F', postalCode: '35000' }),
      rec('f2', { birthName: 'MORVAN', givenNames: ['ANNE', 'SOPHIE'], birthDate: '1979-03-14', sex: 'F', postalCode: '35000' }),
      rec('t1', { birthName: 'LE GALL', usedName: 'MORVAN', givenNames: ['MAELLE'], birthDate: '1979-03-14', sex: 'F', postalCode: '35000' }),
    ], { key });
    expect(together(r, 'k1', 'k2')).toBe(true);
    expect(together(r, 'k1', 'k3')).toBe(true);
    expect(together(r, 'f1', 'f2')).toBe(true);
    expect(together(r, 'f1', 't1')).toBe(false); // twin: another given name
    expect(r.reviewPairs.some((p) => [p.a, p.b].includes('t1'))).toBe(true); // …left for the registrar
  });
  it('a confirmed decision links, a rejected one separates, whatever the model says', () => {
    const recs = [...background, rec('x1'), rec('x2'), rec('y1', { birthName: 'DURAND', givenNames: ['MARC'], birthDate: '1990-01-01', postalCode: '75011' })];
    const plain = link(recs, { key });
    expect(together(plain, 'x1', 'x2')).toBe(true);
    expect(together(plain, 'x1', 'y1')).toBe(false);
    const decided = link(recs, { key, decisions: [{ a: 'x1', b: 'x2', decision: 'rejected' }, { a: 'y1', b: 'x1', decision: 'confirmed' }] });
    expect(together(decided, 'x1', 'x2')).toBe(false);
    expect(together(decided, 'x1', 'y1')).toBe(true);
  });
  it('a rejected pair is not rejoined through a third record', () => {
    const recs = [...background, rec('x1'), rec('x2'), rec('x3')];
    const r = link(recs, { key, decisions: [{ a: 'x1', b: 'x3', decision: 'rejected' }] });
    expect(together(r, 'x1', 'x3')).toBe(false);
    expect(together(r, 'x1', 'x2') || together(r, 'x2', 'x3')).toBe(true);
  });
});

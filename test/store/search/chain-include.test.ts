// Chained parameters, reverse chaining (_has), _include and _revinclude (with :iterate).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../../src/store/db.js';
import { DB_KINDS, openTestDb } from '../../support/db.js';
import { DATA } from './fixtures.js';
import { ids, put, refs, remove, search } from './helper.js';

describe.each(DB_KINDS)('chaining and includes on %s', (kind) => {
  let db: Db;
  beforeAll(async () => {
    db = await openTestDb(kind);
    await put(db, DATA);
  });
  afterAll(async () => db?.close());

  const cases: [string, string, string, string[]][] = [
    ['chain with type', 'Observation', 'subject:Patient.name=dupont', ['o1', 'o2']],
    ['chain without type', 'Observation', 'subject.family=dur', ['o3', 'o4']],
    ['chain with modifier at the end', 'Observation', 'subject:Patient.family:exact=Durand', ['o3', 'o4']],
    ['chain two levels', 'Observation', 'subject.organization.name=institut', ['o3', 'o4']],
    ['chain three levels', 'Observation', 'subject:Patient.organization.partof.name=unicancer', ['o1', 'o2']],
    ['chain to _id', 'Observation', 'subject:Patient._id=p2', ['o3', 'o4']],
    ['chain OR values', 'Observation', 'subject.family=durand,dupont&code=8480-6', ['o1', 'o3']],
    ['chain to token', 'Observation', 'subject:Patient.gender=female&code=8480-6', ['o1']],
    ['_has', 'Patient', '_has:Observation:subject:code=8480-6', ['p1', 'p2']],
    ['_has with other parameter', 'Patient', '_has:Observation:patient:status=amended', ['p1']],
    ['_has and a normal parameter', 'Patient', '_has:Observation:subject:code=8480-6&gender=male', ['p2']],
    ['nested _has', 'Patient', '_has:Observation:subject:_has:Provenance:target:agent=Practitioner/pr1', ['p2']],
    ['_has with a chain inside', 'Organization', '_has:Patient:organization:_has:Observation:subject:code=29463-7', ['org1', 'org2']],
  ];
  it.each(cases)('%s: %s?%s', async (_l, type, qs, expected) => {
    expect(await ids(db, type, qs)).toEqual(expected);
  });

  it('_include adds the referenced resources with search.mode include', async () => {
    const b = await search(db, 'Observation', 'code=8480-6&_include=Observation:subject');
    expect(refs(b)).toEqual(['Observation/o1', 'Observation/o3']);
    expect(refs(b, 'include')).toEqual(['Patient/p1', 'Patient/p2']);
    expect(b.total).toBe(2); // includes are not counted
  });

  it('_include with a target type, and _include=*', async () => {
    expect(refs(await search(db, 'Observation', 'code=8480-6&_include=Observation:subject:Practitioner'), 'include')).toEqual([]);
    expect(refs(await search(db, 'Observation', '_id=o3&_include=*'), 'include')).toEqual(['Patient/p2', 'Practitioner/pr1']);
  });

  it('_revinclude adds the resources that refer to the matches', async () => {
    const b = await search(db, 'Patient', '_id=p1&_revinclude=Observation:subject');
    expect(refs(b)).toEqual(['Patient/p1']);
    expect(refs(b, 'include')).toEqual(['Observation/o1', 'Observation/o2']);
  });

  it(':iterate follows includes of included resources, several levels', async () => {
    const b = await search(db, 'Observation', '_id=o1&_include=Observation:subject&_include:iterate=Patient:organization&_include:iterate=Organization:partof');
    expect(refs(b, 'include')).toEqual(['Organization/org0', 'Organization/org1', 'Patient/p1']);
    const noIterate = await search(db, 'Observation', '_id=o1&_include=Observation:subject&_include=Patient:organization'.replace('&_include=Patient:organization', ''));
    expect(refs(noIterate, 'include')).toEqual(['Patient/p1']);
    const rev = await search(db, 'Patient', '_id=p2&_revinclude=Observation:subject&_revinclude:iterate=Provenance:target');
    expect(refs(rev, 'include')).toEqual(['Observation/o3', 'Observation/o4', 'Provenance/prov1']);
  });

  it('an included resource that is also a match appears once, as a match', async () => {
    const b = await search(db, 'Organization', '_id=org1,org0&_include=Organization:partof');
    expect(refs(b)).toEqual(['Organization/org0', 'Organization/org1']);
    expect(refs(b, 'include')).toEqual([]);
  });

  it('deleted resources are neither matched, chained through nor included', async () => {
    const d = await openTestDb(kind);
    try {
      await put(d, DATA);
      await remove(d, 'Patient', 'p2');
      await remove(d, 'Observation', 'o1');
      expect(await ids(d, 'Observation', 'subject.family=dur')).toEqual([]);
      expect(await ids(d, 'Patient', '_has:Observation:subject:code=8480-6')).toEqual([]);
      expect(refs(await search(d, 'Observation', 'code=8480-6&_include=Observation:subject'), 'include')).toEqual([]);
      expect(await ids(d, 'Patient', 'gender=male')).toEqual([]);
    } finally {
      await d.close();
    }
  });
});

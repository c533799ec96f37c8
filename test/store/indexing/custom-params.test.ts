// Custom SearchParameters: stored as resources, picked up by loadStoredSearchParameters and the
// version check, applied to existing resources by reindex, and dropped when deleted.
import type { Resource, SearchParameter } from 'fhir/r4';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getSearchParam } from '../../../src/fhir/search-params.js';
import type { Db } from '../../../src/store/db.js';
import {
  loadStoredSearchParameters, refreshSearchParameters, reindex, searchParameterVersion,
} from '../../../src/store/indexing/index.js';
import { insertNew, replaceVersion } from '../../../src/store/resource-store.js';
import { DB_KINDS, openTestDb } from '../../support/db.js';

const BIRTH_PLACE = 'http://hl7.org/fhir/StructureDefinition/patient-birthPlace';

const patientBornIn = (id: string, city: string) => ({
  resourceType: 'Patient', id, name: [{ family: 'Martin' }],
  extension: [{ url: BIRTH_PLACE, valueAddress: { city } }],
}) as Resource;

describe.each(DB_KINDS)('custom SearchParameters on %s', (kind) => {
  let db: Db;
  const code = `birth-city-${kind}`;
  const sp: SearchParameter = {
    resourceType: 'SearchParameter', id: `sp-${kind}`, url: `http://oncofhir.test/SearchParameter/${code}`, name: 'BirthCity',
    status: 'active', description: 'City of birth', code, base: ['Patient'], type: 'string',
    expression: `Patient.extension.where(url='${BIRTH_PLACE}').value.as(Address).city`,
  };
  const store = (items: Resource[], at = new Date().toISOString()) =>
    db.transaction((tx) => insertNew(tx, items.map((r) => ({ type: r.resourceType, id: r.id!, version: 1, lastUpdated: at, method: 'PUT' as const, resource: r }))));
  const rowsOf = async (param: string) =>
    (await db.query<{ rid: number; norm: string }>(`SELECT rid, norm FROM idx_string WHERE param = $1 ORDER BY norm`, [param])).rows.map((r) => ({ rid: Number(r.rid), norm: r.norm }));

  beforeAll(async () => {
    db = await openTestDb(kind);
  });
  afterAll(() => db?.close());

  it('indexes existing resources after the SearchParameter is stored and reindexed', async () => {
    const rids = await store([patientBornIn('a', 'Lyon'), patientBornIn('b', 'Nantes'), { resourceType: 'Observation', id: 'o', status: 'final', code: { text: 'x' } } as Resource]);
    expect(await rowsOf(code)).toEqual([]);
    const familyBefore = await rowsOf('family');

    const before = await searchParameterVersion(db);
    await store([sp as Resource]);
    expect(await searchParameterVersion(db)).not.toBe(before);
    expect(await refreshSearchParameters(db, 0)).toBe(true);
    expect(await refreshSearchParameters(db, 60_000)).toBe(false); // within the interval: no query
    expect(getSearchParam('Patient', code)?.url).toBe(sp.url);

    const progress: number[] = [];
    const n = await reindex(db, { paramUrl: sp.url }, (p) => progress.push(p.done));
    expect(n).toBe(2); // the two patients only
    expect(progress.at(-1)).toBe(2);
    expect(await rowsOf(code)).toEqual([{ rid: rids[0], norm: 'lyon' }, { rid: rids[1], norm: 'nantes' }]);
    expect(await rowsOf('family')).toEqual(familyBefore); // other rows untouched
  });

  it('indexes new writes with the custom parameter directly', async () => {
    const [rid] = await store([patientBornIn('c', 'Saint-Étienne')]);
    expect((await rowsOf(code)).find((r) => r.rid === rid)).toEqual({ rid, norm: 'saint-etienne' });
  });

  it('reindex by type rebuilds every row of that type only', async () => {
    await db.query(`DELETE FROM idx_string WHERE rtype = 'Patient'`);
    const n = await reindex(db, { type: 'Patient' });
    expect(n).toBe(3);
    expect((await rowsOf(code)).map((r) => r.norm)).toEqual(['lyon', 'nantes', 'saint-etienne']);
    expect((await rowsOf('family')).length).toBe(3);
  });

  it('drops the parameter when its resource is deleted', async () => {
    const { rows } = await db.query<{ rid: number }>(`SELECT rid FROM resource WHERE type = 'SearchParameter' AND id = $1`, [sp.id]);
    await db.transaction((tx) =>
      replaceVersion(tx, Number(rows[0].rid), { type: 'SearchParameter', id: sp.id!, version: 2, lastUpdated: new Date(Date.now() + 1000).toISOString(), method: 'DELETE', resource: null }),
    );
    expect(await loadStoredSearchParameters(db)).toBe(0);
    expect(getSearchParam('Patient', code)).toBeUndefined();
    expect(getSearchParam('Patient', 'family')).toBeDefined();
  });

  it('rejects reindexing an unknown parameter', async () => {
    await expect(reindex(db, { paramUrl: 'http://nowhere.test/SearchParameter/x' })).rejects.toThrow(/not registered/);
  });
});

// _sort, _count, paging snapshots (stable while data changes), _total, _summary=count,
// handling=strict/lenient and findMatches.
import type { Bundle, Patient } from 'fhir/r4';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FhirError } from '../../../src/fhir/errors.js';
import type { Db } from '../../../src/store/db.js';
import { executeSearch, findMatches } from '../../../src/store/search/index.js';
import { DB_KINDS, openTestDb } from '../../support/db.js';
import { DATA } from './fixtures.js';
import { BASE, ctx, put, queryParams, refs, search } from './helper.js';

const pagePatient = (n: number): Patient => ({ resourceType: 'Patient', id: `pg${n}`, name: [{ family: 'Pagination', given: [`N${String(n).padStart(3, '0')}`] }], birthDate: `19${50 + (n % 40)}-01-01` });

/** Follows a link of the bundle the way the HTTP layer would (query of the URL, system level). */
async function follow(db: Db, b: Bundle, relation: string, c = ctx()): Promise<Bundle | undefined> {
  const url = b.link?.find((l) => l.relation === relation)?.url;
  if (!url) return undefined;
  const u = new URL(url);
  expect(u.origin + u.pathname).toBe(BASE);
  return executeSearch(db, { type: undefined, params: queryParams(u.search.slice(1)) }, c);
}

/** Follows a type-level next link (cursor paging). */
async function followType(db: Db, b: Bundle, type: string, c = ctx()): Promise<Bundle | undefined> {
  const url = b.link?.find((l) => l.relation === 'next')?.url;
  if (!url) return undefined;
  const u = new URL(url);
  expect(u.origin + u.pathname).toBe(`${BASE}/${type}`);
  return executeSearch(db, { type, params: queryParams(u.search.slice(1)) }, c);
}

const order = (b: Bundle) => (b.entry ?? []).filter((e) => e.search?.mode === 'match').map((e) => e.resource!.id);

describe.each(DB_KINDS)('sorting, paging and totals on %s', (kind) => {
  let db: Db;
  beforeAll(async () => {
    db = await openTestDb(kind);
    await put(db, DATA);
    await put(db, Array.from({ length: 25 }, (_, i) => pagePatient(i)));
  });
  afterAll(async () => db?.close());

  it('sorts by a date ascending and descending, missing values last, ties by rid', async () => {
    expect(order(await search(db, 'Patient', '_id=p1,p2,p3&_sort=birthdate'))).toEqual(['p1', 'p2', 'p3']);
    expect(order(await search(db, 'Patient', '_id=p1,p2,p3&_sort=-birthdate'))).toEqual(['p2', 'p1', 'p3']);
    expect(order(await search(db, 'Observation', 'code=8480-6,29463-7&_sort=-date'))).toEqual(['o3', 'o1', 'o2', 'o4']);
  });

  it('sorts by several keys, strings, _id and _lastUpdated', async () => {
    expect(order(await search(db, 'Patient', '_id=p1,p2,p3&_sort=family'))).toEqual(['p3', 'p1', 'p2']);
    expect(order(await search(db, 'Patient', '_id=p1,p2,p3&_sort=-_id'))).toEqual(['p3', 'p2', 'p1']);
    expect(order(await search(db, 'Patient', '_id=p1,p2,p3&_sort=-_lastUpdated'))).toEqual(['p3', 'p2', 'p1']);
    expect(order(await search(db, 'Patient', '_id=p1,p2,p3&_sort=gender,-birthdate'))).toEqual(['p1', 'p3', 'p2']);
    expect(order(await search(db, 'Observation', 'code=8480-6,29463-7&_sort=value-quantity'))).toEqual(['o2', 'o1', 'o3', 'o4']);
  });

  it('a single page has a self link and the exact total', async () => {
    const b = await search(db, 'Patient', 'family=pagination&_count=30');
    expect(b.total).toBe(25);
    expect(b.entry).toHaveLength(25);
    expect(b.link!.map((l) => l.relation)).toEqual(['self']);
    expect(b.link![0].url).toBe(`${BASE}/Patient?family=pagination&_count=30`);
    expect(b.entry![0].fullUrl).toMatch(new RegExp(`^${BASE}/Patient/pg\\d+$`));
  });

  it('pages stay stable when resources are created between fetches', async () => {
    const d = await openTestDb(kind);
    try {
      await put(d, Array.from({ length: 25 }, (_, i) => pagePatient(i)));
      const p1 = await search(d, 'Patient', 'family=pagination&_sort=given&_count=10');
      expect(p1.total).toBe(25);
      expect(order(p1)).toEqual(Array.from({ length: 10 }, (_, i) => `pg${i}`));
      expect(p1.link!.map((l) => l.relation)).toEqual(['self', 'first', 'next']);
      // New matches that would sort first, and an update, must not shift the pages.
      await put(d, [{ ...pagePatient(100), name: [{ family: 'Pagination', given: ['A000'] }] }, pagePatient(101)]);
      const p2 = (await follow(d, p1, 'next'))!;
      expect(order(p2)).toEqual(Array.from({ length: 10 }, (_, i) => `pg${i + 10}`));
      expect(p2.total).toBe(25);
      expect(p2.link!.map((l) => l.relation)).toEqual(['self', 'first', 'previous', 'next']);
      await put(d, [pagePatient(102)]);
      const p3 = (await follow(d, p2, 'next'))!;
      expect(order(p3)).toEqual(Array.from({ length: 5 }, (_, i) => `pg${i + 20}`));
      expect(p3.link!.find((l) => l.relation === 'next')).toBeUndefined();
      const back = (await follow(d, p3, 'previous'))!;
      expect(order(back)).toEqual(order(p2));
      expect(order((await follow(d, p3, 'first'))!)).toEqual(order(p1));
      // A fresh search sees the new resources.
      expect((await search(d, 'Patient', 'family=pagination&_count=10&_total=accurate')).total).toBe(28);
    } finally {
      await d.close();
    }
  });

  it('later pages keep _include and the carried _elements', async () => {
    const b = await search(db, 'Patient', 'family=pagination,dupont&_sort=family&_count=1&_revinclude=Observation:subject&_elements=name');
    expect(order(b)).toEqual(['p1']);
    expect(refs(b, 'include')).toEqual(['Observation/o1', 'Observation/o2']);
    const next = b.link!.find((l) => l.relation === 'next')!.url;
    expect(next).toContain('_elements=name');
    const p2 = (await follow(db, b, 'next'))!;
    expect(order(p2)).toHaveLength(1);
    expect(order(p2)[0]).toMatch(/^pg/);
  });

  it('an expired or unknown snapshot answers 410 Gone', async () => {
    const b = await search(db, 'Patient', 'family=pagination&_sort=given&_count=5');
    await db.query("UPDATE search_snapshot SET expires = now() - interval '1 second'");
    await expect(follow(db, b, 'next')).rejects.toMatchObject({ status: 410 });
    await expect(search(db, undefined, '_getpages=00000000-0000-0000-0000-000000000000')).rejects.toMatchObject({ status: 410 });
    await expect(search(db, undefined, '_getpages=nonsense')).rejects.toMatchObject({ status: 410 });
    // Creating a snapshot purges the expired ones.
    await search(db, 'Patient', 'family=pagination&_sort=given&_count=5');
    const { rows } = await db.query<{ n: string }>('SELECT count(*) AS n FROM search_snapshot WHERE expires < now()');
    expect(Number(rows[0].n)).toBe(0);
  });

  it('_total: none omits it; beyond the snapshot cap accurate counts and estimate guesses', async () => {
    expect((await search(db, 'Patient', 'family=pagination&_count=5&_total=none')).total).toBeUndefined();
    expect((await search(db, 'Patient', 'family=pagination&_total=none')).total).toBeUndefined();
    const small = ctx({ maxSnapshot: 10 });
    const plain = await search(db, 'Patient', 'family=pagination&_sort=given&_count=5', small);
    expect(plain.total).toBeUndefined();
    expect(plain.link!.find((l) => l.relation === 'next')).toBeDefined();
    const accurate = await search(db, 'Patient', 'family=pagination&_sort=given&_count=5&_total=accurate', small);
    expect(accurate.total).toBe(25);
    expect((await follow(db, accurate, 'next', small))!.total).toBe(25);
    const estimate = await search(db, 'Patient', 'family=pagination&_sort=given&_count=5&_total=estimate', small);
    expect(estimate.total).toBeGreaterThan(10);
    // The snapshot of a sorted search holds the first 10 only: paging stops there.
    let page: Bundle | undefined = plain, seen = 0;
    while (page) {
      seen += order(page).length;
      page = await follow(db, page, 'next', small);
    }
    expect(seen).toBe(10);
  });

  it('unsorted searches page by cursor in insertion order, uncapped and stable while data changes', async () => {
    const d = await openTestDb(kind);
    try {
      await put(d, Array.from({ length: 25 }, (_, i) => pagePatient(i)));
      const small = ctx({ maxSnapshot: 10 });
      const p1 = await search(d, 'Patient', 'family=pagination&_count=10', small);
      expect(p1.total).toBeUndefined();
      expect(p1.link!.map((l) => l.relation)).toEqual(['self', 'first', 'next']);
      const seen = [...order(p1)];
      await put(d, [pagePatient(200)]);
      let page: Bundle | undefined = p1;
      while ((page = await followType(d, page, 'Patient', small))) seen.push(...order(page));
      // Every page is disjoint, nothing is skipped, the new resource comes last, and the cap does not apply.
      expect(seen).toEqual([...Array.from({ length: 25 }, (_, i) => `pg${i}`), 'pg200']);
      await expect(search(d, 'Patient', 'family=pagination&_cursor=bm9wZQ', small)).rejects.toMatchObject({ status: 400 });
    } finally {
      await d.close();
    }
  });

  it('_summary=count and _count=0 return the total only', async () => {
    const b = await search(db, 'Patient', 'family=pagination&_summary=count');
    expect(b.total).toBe(25);
    expect(b.entry).toEqual([]);
    expect((await search(db, 'Patient', 'family=pagination&_count=0')).total).toBe(25);
  });

  it('_count is capped by maxCount and defaults to defaultCount', async () => {
    expect(order(await search(db, 'Patient', 'family=pagination&_count=500', ctx({ maxCount: 7 })))).toHaveLength(7);
    expect(order(await search(db, 'Patient', 'family=pagination', ctx({ defaultCount: 4 })))).toHaveLength(4);
  });

  it('lenient handling ignores unknown parameters and reports them; strict rejects them', async () => {
    const b = await search(db, 'Patient', 'family=dupont&foo=bar&_elements=name');
    expect(refs(b)).toEqual(['Patient/p1']);
    const oo = b.entry!.find((e) => e.search?.mode === 'outcome')!.resource as { issue: { expression: string[] }[] };
    expect(oo.issue[0].expression).toEqual(['foo']);
    expect(b.link![0].url).toBe(`${BASE}/Patient?family=dupont&_elements=name`);
    const err = await search(db, 'Patient', 'family=dupont&foo=bar', ctx({ handling: 'strict' })).catch((x) => x);
    expect(err).toBeInstanceOf(FhirError);
    expect(err.status).toBe(400);
    expect(err.issues[0].expression).toEqual(['foo']);
    // Parameters that exist but cannot be searched (no index) count as unknown.
    expect((await search(db, 'Patient', '_text=x', ctx({ handling: 'strict' })).catch((x) => x)).status).toBe(400);
  });

  it('findMatches resolves conditional criteria to current matches', async () => {
    expect(await findMatches(db, 'Patient', 'identifier=urn:oid:1.2.250.1.213.1.4.8|111')).toEqual([{ rid: expect.any(Number), id: 'p1' }]);
    expect((await findMatches(db, 'Patient', 'family=pagination')).length).toBe(25);
    expect(await findMatches(db, 'Patient', '?family=nobody')).toEqual([]);
    await expect(findMatches(db, 'Patient', 'nosuch=1')).rejects.toMatchObject({ status: 400 });
  });
});

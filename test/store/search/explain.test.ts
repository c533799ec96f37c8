// The main searches must be answerable from the index tables' B-trees: EXPLAIN on PostgreSQL
// (PGlite has the same planner, but the check only matters for the production server).
import type { Resource } from 'fhir/r4';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db, Queryable } from '../../../src/store/db.js';
import { compileSearch, includeQuery, parseSearch } from '../../../src/store/search/index.js';
import { DB_KINDS, openTestDb } from '../../support/db.js';
import { ctx, putMany, queryParams } from './helper.js';

const SYS = 'urn:oid:1.2.250.1.213.1.4.8';
const N = 3000;
const CODES = ['8480-6', '8462-4', '29463-7', '8302-2'];

function volume(): Resource[] {
  const out: Resource[] = [];
  for (let i = 0; i < N; i++) {
    out.push({ resourceType: 'Patient', id: `v${i}`, identifier: [{ system: SYS, value: `ins-${i}` }], name: [{ family: `Fam${i % 500}`, given: ['X'] }], birthDate: `19${40 + (i % 60)}-0${1 + (i % 9)}-1${i % 10}` } as Resource);
    for (let k = 0; k < 2; k++) {
      out.push({
        resourceType: 'Observation', id: `v${i}-${k}`, status: 'final', code: { coding: [{ system: 'http://loinc.org', code: CODES[(i + k) % 4] }] },
        subject: { reference: `Patient/v${i}` }, effectiveDateTime: `20${10 + (i % 14)}-03-0${1 + k}`,
        valueQuantity: { value: 50 + (i % 100), unit: 'mmHg', system: 'http://unitsofmeasure.org', code: 'mm[Hg]' },
      } as Resource);
    }
  }
  return out;
}

async function plan(db: Db, sql: string, params: unknown[]): Promise<string> {
  return db.transaction(async (tx: Queryable) => {
    // Makes any sequential scan prohibitively expensive: if one remains, no index could serve.
    await tx.query('SET LOCAL enable_seqscan = off');
    const { rows } = await tx.query<Record<string, string>>(`EXPLAIN ${sql}`, params);
    return rows.map((r) => Object.values(r)[0]).join('\n');
  });
}

const hasPg = DB_KINDS.includes('pg');
if (!hasPg) console.warn('explain.test.ts: TEST_DATABASE_URL is not set, the EXPLAIN checks on PostgreSQL are skipped');

describe.skipIf(!hasPg)('search plans on PostgreSQL', () => {
  const kind = 'pg' as const;
  let db: Db;
  beforeAll(async () => {
    db = await openTestDb(kind);
    await putMany(db, volume());
    await db.query('ANALYZE');
  }, 120_000);
  afterAll(async () => db?.close());

  const e = encodeURIComponent;
  const cases: [string, string, RegExp[]][] = [
    ['Patient', `identifier=${e(SYS + '|ins-42')}`, [/idx_token_lookup/]],
    ['Patient', 'family=fam42&birthdate=1982-07-12', [/idx_string_lookup|idx_date_/]],
    ['Observation', `subject=Patient/v42&code=${e('http://loinc.org|8480-6')}&date=ge2015-01-01`, [/idx_reference_target/]],
    ['Observation', `code=${e('http://loinc.org|8480-6')}&_include=Observation:subject`, [/idx_token_lookup/]],
    ['Observation', 'subject:Patient.identifier=ins-42', [/idx_token_lookup/, /idx_reference_reverse|idx_reference_target/]],
    // A large _count: with LIMIT 21 and ~9 % of rows matching, a fast-start merge over rid order is
    // (rightly) cheaper; the point here is that the value test can be answered by these indexes.
    ['Observation', `value-quantity=${e('gt140|http://unitsofmeasure.org|mm[Hg]')}&_count=500`, [/idx_quantity_(canon|lookup)/]],
    ['Patient', '_has:Observation:subject:code=8302-2', [/idx_token_lookup/]],
  ];

  it.each(cases)('%s?%s uses the index tables', async (type, qs, expected) => {
    const { sql, params } = compileSearch({ type, params: queryParams(qs) }, ctx({ maxCount: 1000 }));
    const text = await plan(db, sql, params);
    if (process.env.SHOW_PLANS) console.log(`${type}?${qs}\n${text}`);
    for (const re of expected) expect(text).toMatch(re);
    expect(text).not.toMatch(/Seq Scan on (idx_|resource)/);
  });

  it('_include and _revinclude queries use the reference indexes', async () => {
    const { rows } = await db.query<{ rid: string }>("SELECT rid FROM resource WHERE type = 'Observation' ORDER BY rid LIMIT 20");
    const rids = rows.map((r) => Number(r.rid));
    const q = parseSearch('Observation', queryParams('_include=Observation:subject'), { ...ctx() });
    const inc = includeQuery(rids, q.include[0], false);
    const incPlan = await plan(db, inc.sql, inc.params);
    expect(incPlan).toMatch(/idx_reference_rid/);
    expect(incPlan).not.toMatch(/Seq Scan/);
    const rq = parseSearch('Patient', queryParams('_revinclude=Observation:subject'), { ...ctx() });
    const rev = includeQuery(rids, rq.revinclude[0], true);
    const revPlan = await plan(db, rev.sql, rev.params);
    expect(revPlan).toMatch(/idx_reference_(reverse|target)/);
    expect(revPlan).not.toMatch(/Seq Scan/);
  });
});

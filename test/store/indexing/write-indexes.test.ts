// writeIndexes/deleteIndexes against real databases: exact rows per table for real-shaped
// resources, composite matching within one component, and deletion of every row.
import type { Resource } from 'fhir/r4';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../../src/store/db.js';
import { deleteIndexes, writeIndexes } from '../../../src/store/indexing/index.js';
import { DB_KINDS, openTestDb } from '../../support/db.js';
import { bloodPressure, condition, encounter, patient } from './fixtures.js';

const TABLES = ['idx_string', 'idx_token', 'idx_date', 'idx_number', 'idx_quantity', 'idx_reference', 'idx_uri', 'idx_composite'];
const ts = (c: string) => `CASE WHEN isfinite(${c}) THEN to_char(${c} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') ELSE ${c}::text END AS ${c}`;

describe.each(DB_KINDS)('writeIndexes on %s', (kind) => {
  let db: Db;
  beforeAll(async () => {
    db = await openTestDb(kind);
    await db.transaction((tx) =>
      writeIndexes(tx, [
        { rid: 1, resource: patient as Resource },
        { rid: 2, resource: bloodPressure as Resource },
        { rid: 3, resource: condition as Resource },
        { rid: 4, resource: encounter as Resource },
      ]),
    );
  });
  afterAll(() => db?.close());

  const rows = async (sql: string, params: unknown[] = []) => (await db.query<Record<string, unknown>>(sql, params)).rows;

  it('stores the patient name parts, normalised and as written', async () => {
    expect(await rows(`SELECT norm, exact FROM idx_string WHERE rid = 1 AND param = 'name' ORDER BY norm`)).toEqual([
      { norm: 'dupont', exact: 'Dupont' },
      { norm: 'helene marie', exact: 'Hélène  Marie' },
      { norm: 'mme', exact: 'Mme' },
    ]);
  });

  it('stores identifiers with their type for :of-type, and telecom without system', async () => {
    expect(await rows(`SELECT system, code, text, type_system, type_code FROM idx_token WHERE rid = 1 AND param = 'identifier' ORDER BY code`)).toEqual([
      { system: 'urn:oid:1.2.250.1.213.1.4.8', code: '2840375123456', text: 'ins', type_system: 'http://terminology.hl7.org/CodeSystem/v2-0203', type_code: 'NH' },
      { system: 'urn:oid:1.2.250.1.71.4.2.7', code: 'IPP-42', text: null, type_system: null, type_code: null },
    ]);
    expect(await rows(`SELECT system, code FROM idx_token WHERE rid = 1 AND param IN ('phone', 'email') ORDER BY param`)).toEqual([
      { system: null, code: 'helene@example.org' },
      { system: null, code: '+33 1 23 45 67 89' },
    ]);
  });

  it('stores date ranges at the precision given, open periods ending at infinity', async () => {
    expect(await rows(`SELECT param, ${ts('lo')}, ${ts('hi')} FROM idx_date WHERE rid IN (1, 4) ORDER BY rid, param`)).toEqual([
      { param: 'birthdate', lo: '1961-03-01T00:00:00.000Z', hi: '1961-03-31T23:59:59.999Z' },
      { param: 'date', lo: '2023-05-02T08:00:00.000Z', hi: 'infinity' },
    ]);
  });

  it('stores quantities with precision range and UCUM canonical form', async () => {
    expect(
      await rows(`SELECT param, value::text, lo::text, hi::text, system, code, canon_value::text, canon_code FROM idx_quantity WHERE rid = 2 AND param = 'component-value-quantity' ORDER BY idx_quantity.value`),
    ).toEqual([
      { param: 'component-value-quantity', value: '82', lo: '81.5', hi: '82.5', system: 'http://unitsofmeasure.org', code: 'mm[Hg]', canon_value: '10932404', canon_code: 'g.m-1.s-2' },
      { param: 'component-value-quantity', value: '131.5', lo: '131.45', hi: '131.55', system: 'http://unitsofmeasure.org', code: 'mm[Hg]', canon_value: '17531843', canon_code: 'g.m-1.s-2' },
    ]);
  });

  it('matches a composite only within the same component', async () => {
    const q = `SELECT rid FROM idx_composite WHERE rtype = 'Observation' AND param = 'component-code-value-quantity'
                AND c1_system = 'http://loinc.org' AND c1_code = $1 AND c2_value > $2`;
    expect(await rows(q, ['8480-6', 100])).toEqual([{ rid: 2 }]);
    // The diastolic component is 82: no match above 100, even though the systolic one is.
    expect(await rows(q, ['8462-4', 100])).toEqual([]);
  });

  it('stores references by type and id, and the target type of typed parameters', async () => {
    expect(await rows(`SELECT param, target_type, target_id, url FROM idx_reference WHERE rid = 3 ORDER BY param`)).toEqual([
      { param: 'encounter', target_type: 'Encounter', target_id: 'enc-1', url: null },
      { param: 'patient', target_type: 'Patient', target_id: 'pat-1', url: null },
      { param: 'subject', target_type: 'Patient', target_id: 'pat-1', url: null },
    ]);
  });

  it('stores the resource-level parameters', async () => {
    expect(await rows(`SELECT param, code FROM idx_token WHERE rid = 3 AND param = '_id'`)).toEqual([{ param: '_id', code: 'cond-1' }]);
    expect(await rows(`SELECT ${ts('lo')} FROM idx_date WHERE rid = 3 AND param = '_lastUpdated'`)).toEqual([{ lo: '2024-01-02T03:04:05.678Z' }]);
    expect(await rows(`SELECT value FROM idx_uri WHERE rid = 3 AND param = '_profile'`)).toEqual([
      { value: 'http://interop.esante.gouv.fr/ig/fhir/onco/StructureDefinition/onco-condition' },
    ]);
  });

  it('deleteIndexes removes every row of the given resources only', async () => {
    await deleteIndexes(db, [2, 3]);
    for (const t of TABLES) {
      expect(await rows(`SELECT rid FROM ${t} WHERE rid IN (2, 3)`), t).toEqual([]);
    }
    expect((await rows(`SELECT count(*)::int AS n FROM idx_string WHERE rid = 1`))[0].n).toBeGreaterThan(0);
  });

  it('writes nothing and sends no statement for an empty batch', async () => {
    await expect(writeIndexes(db, [])).resolves.toBeUndefined();
    await expect(deleteIndexes(db, [])).resolves.toBeUndefined();
  });
});

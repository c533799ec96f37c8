// Registry identities past the identifying-data limit keep only sex, birth date, département and their
// person key: persons stay whole across later runs, and a new document with the INS still links to them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { runRetention } from '../../src/retention/run.js';
import { runRegistry } from '../../src/registry/store/run.js';
import { DB_KINDS, openTestDb } from '../support/db.js';
import { seedPersons, seedRegistry, SEED_KEY } from '../support/registry-seed.js';
import type { Db } from '../../src/store/db.js';

describe.each(DB_KINDS)('registry identity retention (%s)', (kind) => {
  let db: Db;
  beforeAll(async () => {
    db = await openTestDb(kind);
    await seedRegistry(db);
  });
  afterAll(() => db.close());

  const keys = async () => new Map((await db.query<{ record_id: string; person_key: string }>('SELECT record_id, person_key FROM registry_identity')).rows.map((r) => [r.record_id, r.person_key]));

  it('keeps identities younger than the limit, reduces older ones, and the persons stay the same', async () => {
    const config = { ...loadConfig({}), retentionIdentifyingMonths: 24 };
    expect((await runRetention(db, config)).registryIdentities).toBe(0);
    const before = await keys();
    const dry = await runRetention(db, config, { now: new Date(Date.now() + 25 * 31 * 86400_000), dryRun: true });
    expect(dry.registryIdentities).toBe(66);
    expect(JSON.stringify((await db.query('SELECT traits FROM registry_identity')).rows)).toContain('MARTIN'); // a dry run changes nothing
    const real = await runRetention(db, config, { now: new Date(Date.now() + 25 * 31 * 86400_000) });
    expect(real.registryIdentities).toBe(66);
    const traits = JSON.stringify((await db.query('SELECT traits FROM registry_identity')).rows);
    expect(traits).not.toMatch(/MARTIN|MARIE|ins|75012|givenNames/);
    const again = await runRegistry(db, SEED_KEY);
    expect(again.ran && again.value.persons).toBe(66);
    expect(await keys()).toEqual(before);
    const departements = (await db.query<{ departement: string }>('SELECT DISTINCT departement FROM registry_person ORDER BY 1')).rows.map((r) => r.departement);
    expect(departements).toEqual(['2A', '69', '75']);
  });

  it('links a new document carrying the INS to the pseudonymised person', async () => {
    const p = seedPersons()[7];
    const before = await keys();
    await db.query('INSERT INTO registry_identity (record_id, document_ref, traits) VALUES ($1, $2, $3)',
      ['Bundle/late', 'Bundle/late/_history/1', JSON.stringify({ ins: p.ins, birthName: p.birthName, givenNames: p.givenNames, birthDate: p.birthDate, sex: p.sex, postalCode: p.postalCode })]);
    const out = await runRegistry(db, SEED_KEY);
    expect(out.ran && out.value.persons).toBe(66);
    expect((await keys()).get('Bundle/late')).toBe(before.get('Bundle/seed-7'));
  });
});

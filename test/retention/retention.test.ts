// Retention: pseudonymisation after 24 months without use, erasure after 20 years, on PGlite and
// PostgreSQL. Data are written straight through the store with chosen last_updated timestamps.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Resource } from 'fhir/r4';
import type { Db } from '../../src/store/db.js';
import { openDb } from '../../src/store/db.js';
import { migrate } from '../../src/store/migrate.js';
import { currentRow, insertNew, replaceVersion } from '../../src/store/resource-store.js';
import { recordAudit } from '../../src/security/audit/index.js';
import { runRetention, type RetentionSummary } from '../../src/retention/run.js';
import { departementOf, pseudonymiseResource, pseudonymOf } from '../../src/retention/pseudonymise.js';
import { startRetentionSchedule, withRetentionLock } from '../../src/retention/schedule.js';
import { TABLE_NAMES } from '../../src/store/indexing/tables.js';
import { DB_KINDS } from '../support/db.js';
import { openTestServer, type TestServer } from '../support/server.js';

const DAY = 86_400_000;
const ago = (ms: number) => new Date(Date.now() - ms).toISOString();
const MONTHS_25 = 25 * 31 * DAY;
const YEARS_21 = 21 * 366 * DAY;

/** Writes a new version of a resource with a chosen last_updated (as the REST write path would). */
async function write(db: Db, resource: Resource, lastUpdated: string): Promise<void> {
  await db.transaction(async (tx) => {
    const row = await currentRow(tx, resource.resourceType, resource.id!, true);
    const version = (row?.version ?? 0) + 1;
    const stored = { ...resource, meta: { ...resource.meta, versionId: String(version), lastUpdated } } as Resource;
    const v = { type: resource.resourceType, id: resource.id!, version, lastUpdated, method: 'PUT' as const, resource: stored };
    if (row) await replaceVersion(tx, row.rid, v);
    else await insertNew(tx, [v]);
  });
}

async function remove(db: Db, type: string, id: string, lastUpdated: string): Promise<void> {
  await db.transaction(async (tx) => {
    const row = (await currentRow(tx, type, id, true))!;
    await replaceVersion(tx, row.rid, { type, id, version: row.version + 1, lastUpdated, method: 'DELETE', resource: null });
  });
}

const patient = (id: string, family: string, extra: Record<string, unknown> = {}) => ({
  resourceType: 'Patient', id,
  text: { status: 'generated', div: `<div xmlns="http://www.w3.org/1999/xhtml">${family}</div>` },
  identifier: [{ system: 'urn:oid:1.2.250.1.213.1.4.8', value: `INS-${id}` }],
  name: [{ family, given: ['Jeanne'] }],
  telecom: [{ system: 'phone', value: '0601020304' }],
  gender: 'female',
  birthDate: '1950-04-17',
  address: [{ line: ['3 rue des Lilas'], city: 'Paris', postalCode: '75011', country: 'FR' }],
  extension: [
    { url: 'http://hl7.org/fhir/StructureDefinition/patient-birthPlace', valueAddress: { city: 'Lyon' } },
    { url: 'http://hl7.org/fhir/StructureDefinition/patient-nationality', extension: [{ url: 'code', valueCodeableConcept: { text: 'FR' } }] },
  ],
  ...extra,
}) as Resource;

const observation = (id: string, pid: string, family: string) => ({
  resourceType: 'Observation', id, status: 'final', code: { text: 'weight' },
  text: { status: 'generated', div: `<div xmlns="http://www.w3.org/1999/xhtml">Weight of ${family}</div>` },
  subject: { reference: `Patient/${pid}`, display: `Jeanne ${family}` },
  performer: [{ reference: 'Practitioner/dr', display: 'Dr House' }],
  valueQuantity: { value: 70, unit: 'kg', system: 'http://unitsofmeasure.org', code: 'kg' },
}) as Resource;

describe('pseudonymisation rules', () => {
  it('derives the département from the postal code (2 digits, 3 overseas, 2A/2B in Corsica)', () => {
    expect(departementOf('75011', 'FR')).toBe('75');
    expect(departementOf('97411')).toBe('974');
    expect(departementOf('98800', 'NC')).toBe('988');
    expect(departementOf('20000', 'France')).toBe('2A');
    expect(departementOf('20200')).toBe('2B');
    expect(departementOf('10115', 'DE')).toBeUndefined();
    expect(departementOf('SW1A 1AA')).toBeUndefined();
  });

  it('rewrites contained resources and references to persons, and leaves the input untouched', () => {
    const input = {
      resourceType: 'Observation', id: 'o', status: 'final', code: { text: 'x' },
      contained: [{ resourceType: 'RelatedPerson', id: 'rp', patient: { reference: 'Patient/p' }, name: [{ family: 'Martin' }] }],
      subject: { reference: 'Patient/p', display: 'Jeanne Martin', identifier: { value: 'NIR' } },
      performer: [{ reference: '#rp', display: 'Paul Martin' }, { type: 'RelatedPerson', display: 'Paul Martin' }],
    } as unknown as Resource;
    const out = pseudonymiseResource(input, { patientId: 'p', pseudonym: 'x' }) as unknown as Record<string, any>;
    expect(out.contained[0].name).toBeUndefined();
    expect(out.subject).toEqual({ reference: 'Patient/p' });
    expect(out.performer).toEqual([{ reference: '#rp' }, { type: 'RelatedPerson' }]);
    expect((input as unknown as Record<string, any>).subject.display).toBe('Jeanne Martin');
  });

  it('drops the birth time with the birth date, and national identifiers of logical references', () => {
    const p = pseudonymiseResource({
      resourceType: 'Patient', id: 'p', birthDate: '1950-04-17',
      _birthDate: { extension: [{ url: 'http://hl7.org/fhir/StructureDefinition/patient-birthTime', valueDateTime: '1950-04-17T08:30:00+01:00' }] },
      generalPractitioner: [{ identifier: { system: 'urn:oid:1.2.250.1.213.1.4.8', value: '2500475123456' }, display: 'x' }],
    } as unknown as Resource, { patientId: 'p', pseudonym: 'abc' }) as unknown as Record<string, any>;
    expect(p._birthDate).toBeUndefined();
    expect(p.birthDate).toBe('1950-04');
    expect(p.generalPractitioner[0].identifier).toBeUndefined();
    expect(p.identifier).toEqual([{ system: 'https://oncofhir.fr/pseudonym', value: 'abc' }]);
  });
});

describe.each(DB_KINDS)('retention on %s', (kind) => {
  let s: TestServer;
  let db: Db;
  const q = <T = Record<string, unknown>>(sql: string, params?: unknown[]) => db.query<T>(sql, params).then((r) => r.rows);
  const ridsOf = async (type: string, ids: string[]) => (await q<{ rid: number }>('SELECT rid FROM resource WHERE type = $1 AND id = ANY($2::text[])', [type, ids])).map((r) => Number(r.rid));
  const versions = async (type: string, id: string) =>
    (await q<{ content: string | null }>('SELECT content FROM resource_version WHERE type = $1 AND id = $2 ORDER BY version', [type, id])).map((r) => r.content);
  const current = async (type: string, id: string) => (await q<{ content: string | null; last_updated: unknown }>('SELECT content, last_updated FROM resource WHERE type = $1 AND id = $2', [type, id]))[0];
  /** A fingerprint of every table the job may touch. */
  const snapshot = async () => {
    const out: Record<string, unknown> = {};
    for (const t of ['resource', 'resource_version', 'retention_state', 'retention_key', 'audit_event', ...TABLE_NAMES]) {
      out[t] = (await q<{ n: number; h: string | null }>(`SELECT count(*)::int AS n, md5(string_agg(t::text, '|' ORDER BY t::text)) AS h FROM ${t} t`))[0];
    }
    return out;
  };
  let cRids: number[] = [];
  let expected: RetentionSummary;

  beforeAll(async () => {
    s = await openTestServer(kind);
    db = s.ctx.db;
    const old = ago(MONTHS_25), older = ago(MONTHS_25 - DAY), recent = ago(30 * DAY), ancient = ago(YEARS_21);
    await write(db, { resourceType: 'Practitioner', id: 'dr', name: [{ family: 'House' }] } as Resource, ancient);
    // a: unused for 25 months, two Patient versions, an Observation, a RelatedPerson, a deleted Condition.
    await write(db, patient('a', 'Dupont'), old);
    await write(db, patient('a', 'Dupont-Martin'), older);
    await write(db, observation('obs-a', 'a', 'Dupont'), old);
    await write(db, { resourceType: 'RelatedPerson', id: 'rp-a', patient: { reference: 'Patient/a', display: 'Jeanne Dupont' }, name: [{ family: 'Dupont', given: ['Paul'] }], telecom: [{ system: 'phone', value: '0611' }] } as Resource, old);
    await write(db, { resourceType: 'Condition', id: 'cond-a', subject: { reference: 'Patient/a' }, text: { status: 'generated', div: '<div xmlns="http://www.w3.org/1999/xhtml">Jeanne Dupont: cancer</div>' } } as Resource, old);
    await remove(db, 'Condition', 'cond-a', old);
    // b: used a month ago.
    await write(db, patient('b', 'Bernard'), old);
    await write(db, observation('obs-b', 'b', 'Bernard'), recent);
    // c: unused for 21 years, never pseudonymised; shares the Practitioner with a and b.
    await write(db, patient('c', 'Charpentier'), ancient);
    await write(db, observation('obs-c', 'c', 'Charpentier'), ancient);
    await write(db, observation('obs-c2', 'c', 'Charpentier'), ancient);
    await remove(db, 'Observation', 'obs-c2', ancient);
    // A Group of c and b belongs to both compartments: kept when c is erased.
    await write(db, { resourceType: 'Group', id: 'g', type: 'person', actual: true, member: [{ entity: { reference: 'Patient/c' } }, { entity: { reference: 'Patient/b' } }] } as Resource, ancient);
    cRids = await ridsOf('Patient', ['c']);
    cRids.push(...(await ridsOf('Observation', ['obs-c', 'obs-c2'])));
    // d: data 25 months old, but read last week: a use.
    await write(db, patient('d', 'Durand'), old);
    await recordAudit(db, { subtype: 'read', action: 'R', status: 200, agent: { subject: 'dr', clientId: 'app' }, entities: ['Patient/d'], patients: ['d'] });
    // e: data 25 months old; a retention purge record naming it is not a use.
    await write(db, patient('e', 'Esnault'), old);
    await recordAudit(db, { subtype: 'retention-purge', action: 'U', status: 200, agent: { subject: 'retention-job', clientId: 'oncofhir' }, entities: ['Patient/e'], patients: ['e'] });
    // a: Patient v1+v2, obs-a, rp-a, cond-a (v1); e: Patient v1. c: Patient, obs-c, obs-c2.
    expected = { pseudonymised: 2, erased: 1, resourcesRewritten: 5, versionsRewritten: 6, resourcesErased: 3, sharedKept: 1, registryIdentities: 0, dryRun: false };
  });
  afterAll(async () => s.close());

  it('reports in a dry run what it would purge, and changes nothing', async () => {
    const before = await snapshot();
    const progress: number[] = [];
    const r = await runRetention(db, s.ctx.config, { dryRun: true, onProgress: (d) => progress.push(d) });
    expect(r).toEqual({ ...expected, dryRun: true });
    expect(progress).toEqual([0, 1, 2, 3]);
    expect(await snapshot()).toEqual(before);
  });

  it('pseudonymises exactly the person unused for 24 months, erases the one unused for 20 years', async () => {
    const bBefore = await current('Patient', 'b');
    const dBefore = await current('Patient', 'd');
    const aBefore = await current('Patient', 'a');
    const r = await runRetention(db, s.ctx.config);
    expect(r).toEqual(expected);
    expect(await current('Patient', 'b')).toEqual(bBefore);
    expect(await current('Patient', 'd')).toEqual(dBefore);
    // last_updated and versions are kept: the purge is not a clinical change.
    const aAfter = await current('Patient', 'a');
    expect(aAfter.last_updated).toEqual(aBefore.last_updated);
    expect(await versions('Patient', 'a')).toHaveLength(2);
  });

  it('removes the identifying data from the current Patient and from every stored version', async () => {
    const secret = s.ctx.config.pseudonymSecret ?? (await q<{ secret: string }>('SELECT secret FROM retention_key'))[0].secret;
    const all = await versions('Patient', 'a');
    const cur = (await current('Patient', 'a')).content!;
    expect(cur).toBe(all[all.length - 1]);
    for (const text of [...all, cur]) {
      expect(text).not.toMatch(/Dupont|Jeanne|INS-a|0601020304|Lilas|Paris|Lyon|1950-04-17/);
      const p = JSON.parse(text!);
      expect(p.name ?? p.telecom ?? p.text ?? p.photo ?? p.contact).toBeUndefined();
      expect(p.identifier).toEqual([{ system: 'https://oncofhir.fr/pseudonym', value: pseudonymOf('a', secret) }]);
      expect(p.identifier[0].value).toMatch(/^[0-9a-f]{32}$/);
      expect(p.address).toEqual([{ state: '75', country: 'FR' }]);
      expect(p.birthDate).toBe('1950-04');
      expect(p.extension.map((e: { url: string }) => e.url)).toEqual(['http://hl7.org/fhir/StructureDefinition/patient-nationality']);
      expect(p.meta.security).toContainEqual({ system: 'http://terminology.hl7.org/CodeSystem/v3-ObservationValue', code: 'PSEUDED', display: 'pseudonymized' });
      expect(p.gender).toBe('female');
    }
    const rp = JSON.parse((await current('RelatedPerson', 'rp-a')).content!);
    expect(rp.name ?? rp.telecom ?? rp.patient.display).toBeUndefined();
    expect(rp.patient.reference).toBe('Patient/a');
    const cond = await versions('Condition', 'cond-a');
    expect(cond[0]).not.toMatch(/Dupont/);
    expect(cond[1]).toBeNull();
    const e = JSON.parse((await current('Patient', 'e')).content!);
    expect(e.name).toBeUndefined();
  });

  it('keeps the clinical data linked to the patient, without narrative or display', async () => {
    const r = await request(s.app).get('/fhir/Observation?subject=Patient/a');
    expect(r.body.entry).toHaveLength(1);
    const o = r.body.entry[0].resource;
    expect(o.subject).toEqual({ reference: 'Patient/a' });
    expect(o.text).toBeUndefined();
    expect(o.valueQuantity.value).toBe(70);
    expect(o.performer[0]).toEqual({ reference: 'Practitioner/dr', display: 'Dr House' });
    const all = await versions('Observation', 'obs-a');
    expect(all.every((c) => !/Dupont/.test(c!))).toBe(true);
  });

  it('rebuilds the search indexes: the old names and identifiers no longer find the person', async () => {
    const family = await request(s.app).get('/fhir/Patient?family=Dupont');
    expect(family.body.entry ?? []).toHaveLength(0);
    const ins = await request(s.app).get('/fhir/Patient?identifier=urn:oid:1.2.250.1.213.1.4.8|INS-a');
    expect(ins.body.entry ?? []).toHaveLength(0);
    const secret = s.ctx.config.pseudonymSecret ?? (await q<{ secret: string }>('SELECT secret FROM retention_key'))[0].secret;
    const pseudo = await request(s.app).get(`/fhir/Patient?identifier=https://oncofhir.fr/pseudonym|${pseudonymOf('a', secret)}`);
    expect(pseudo.body.entry.map((e: { resource: { id: string } }) => e.resource.id)).toEqual(['a']);
    const label = await request(s.app).get('/fhir/Patient?_security=http://terminology.hl7.org/CodeSystem/v3-ObservationValue|PSEUDED');
    expect(label.body.entry.map((e: { resource: { id: string } }) => e.resource.id).sort()).toEqual(['a', 'e']);
    const b = await request(s.app).get('/fhir/Patient?family=Bernard');
    expect(b.body.entry).toHaveLength(1);
  });

  it("erases the old person's whole compartment, every version and index row, but not the shared Practitioner", async () => {
    expect(await q("SELECT 1 FROM resource WHERE rid = ANY($1::bigint[])", [cRids])).toHaveLength(0);
    expect(await q("SELECT 1 FROM resource_version WHERE rid = ANY($1::bigint[])", [cRids])).toHaveLength(0);
    for (const t of TABLE_NAMES) expect(await q(`SELECT 1 FROM ${t} WHERE rid = ANY($1::bigint[])`, [cRids])).toHaveLength(0);
    expect(await q("SELECT 1 FROM resource_version WHERE content LIKE '%Charpentier%'")).toHaveLength(0);
    expect(JSON.parse((await current('Practitioner', 'dr')).content!).name[0].family).toBe('House');
    expect(JSON.parse((await current('Group', 'g')).content!).member).toHaveLength(2);
    expect(await q("SELECT 1 FROM retention_state WHERE patient_id = 'c'")).toHaveLength(0);
    expect((await request(s.app).get('/fhir/Patient/c')).status).toBe(404);
  });

  it('audits every purge, naming only the patient', async () => {
    const rows = await q<{ action: string; patient: string[]; entity: string[] }>("SELECT action, patient, entity FROM audit_event WHERE subtype = 'retention-purge' AND subject = 'retention-job' ORDER BY pos");
    const purges = rows.slice(1); // the first one was written by the test set-up for e
    expect(purges.map((r) => `${r.action}:${r.patient.join()}`).sort()).toEqual(['D:c', 'U:a', 'U:e']);
    expect(purges.every((r) => r.entity.length === 1 && r.entity[0] === `Patient/${r.patient[0]}`)).toBe(true);
  });

  it('does nothing on a second run, and the pseudonym stays the same', async () => {
    const before = (await current('Patient', 'a')).content;
    const r = await runRetention(db, s.ctx.config);
    expect(r).toEqual({ pseudonymised: 0, erased: 0, resourcesRewritten: 0, versionsRewritten: 0, resourcesErased: 0, sharedKept: 0, registryIdentities: 0, dryRun: false });
    expect((await current('Patient', 'a')).content).toBe(before);
  });

  it('runs the 20-year clock from the last use before pseudonymisation: later reads do not restart it', async () => {
    // The reads above (HTTP searches naming a) happened after pseudonymisation; 19 years from now
    // a was last used more than 20 years ago and is erased; b and d, used recently, are pseudonymised.
    await request(s.app).get('/fhir/Patient/a');
    const state = await q<{ last_use: unknown; pseudonymised_at: unknown }>("SELECT last_use, pseudonymised_at FROM retention_state WHERE patient_id = 'a'");
    expect(new Date(state[0].last_use as string).getTime()).toBeLessThan(Date.now() - 24 * 31 * DAY);
    const now = new Date(Date.now() + 19 * 366 * DAY);
    const dry = await runRetention(db, s.ctx.config, { dryRun: true, now });
    expect(dry).toMatchObject({ erased: 2, pseudonymised: 2 }); // a and e; b and d
  });

  it('makes a pseudonymised person active again when their compartment is written to', async () => {
    await write(db, observation('obs-e', 'e', 'Esnault'), new Date().toISOString());
    const r = await runRetention(db, s.ctx.config, { dryRun: true, now: new Date(Date.now() + 19 * 366 * DAY) });
    expect(r).toMatchObject({ erased: 1, pseudonymised: 3 }); // a; b, d and e again
  });

  it('lets one run at a time hold the retention lock', async () => {
    let release!: () => void;
    const held = withRetentionLock(db, () => new Promise<string>((r) => (release = () => r('done'))));
    await vi.waitFor(() => expect(release).toBeTypeOf('function'));
    expect(await withRetentionLock(db, async () => 'second')).toEqual({ ran: false });
    release();
    expect(await held).toEqual({ ran: true, value: 'done' });
    expect(await withRetentionLock(db, async () => 'third')).toEqual({ ran: true, value: 'third' });
  });

  it.runIf(kind === 'pg')('lets only one of several nodes (connection pools) run at a time', async () => {
    const schema = (await q<{ s: string }>('SELECT current_schema() AS s'))[0].s;
    const u = new URL(process.env.TEST_DATABASE_URL!);
    u.searchParams.set('options', `-c search_path=${schema}`);
    const other = await openDb({ databaseUrl: u.toString(), poolSize: 2 });
    try {
      let release!: () => void;
      const held = withRetentionLock(db, () => new Promise<string>((r) => (release = () => r('node 1'))));
      await vi.waitFor(() => expect(release).toBeTypeOf('function'));
      expect(await withRetentionLock(other, async () => 'node 2')).toEqual({ ran: false });
      release();
      expect(await held).toEqual({ ran: true, value: 'node 1' });
      expect(await withRetentionLock(other, async () => 'node 2')).toEqual({ ran: true, value: 'node 2' });
    } finally {
      await other.close();
    }
  });

  it('schedules runs one interval after start-up, not at once, and stops cleanly', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      const sched = startRetentionSchedule({ db, config: { ...s.ctx.config, retentionIntervalHours: 1 } });
      await vi.advanceTimersByTimeAsync(59 * 60_000);
      expect(await q('SELECT finished FROM retention_run')).toHaveLength(0);
      await vi.advanceTimersByTimeAsync(60_000);
      await vi.waitFor(async () => expect(await q('SELECT finished FROM retention_run')).toHaveLength(1), { timeout: 30_000, interval: 50 });
      await sched.stop();
    } finally {
      vi.useRealTimers();
    }
    const off = startRetentionSchedule({ db, config: { ...s.ctx.config, retentionIntervalHours: 0 } });
    await off.stop();
  });
});

describe('oncofhir retention run', () => {
  const ROOT = join(import.meta.dirname, '../..');
  const tmp = mkdtempSync(join(tmpdir(), 'oncofhir-retention-'));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));
  const cli = (args: string[], env: Record<string, string> = {}) =>
    spawnSync(process.execPath, [join(ROOT, 'bin/oncofhir.mjs'), ...args], { cwd: ROOT, env: { ...process.env, ...env, LOG_LEVEL: 'warn', DATABASE_URL: '', BASE_URL: '' }, encoding: 'utf8', timeout: 120_000 });

  it('prints help', () => {
    const r = cli(['retention', 'run', '--help']);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/--dry-run/);
  });

  it('reports in a dry run, then purges, with counts only', async () => {
    const dataDir = join(tmp, 'data');
    const db = await openDb({ dataDir });
    await migrate(db);
    await write(db, patient('old', 'Lefebvre'), ago(MONTHS_25));
    await write(db, observation('obs-old', 'old', 'Lefebvre'), ago(MONTHS_25));
    await write(db, patient('new', 'Moreau'), ago(DAY));
    await db.close();
    const dry = cli(['retention', 'run', '--dry-run'], { DATA_DIR: dataDir });
    expect(dry.status, dry.stderr).toBe(0);
    expect(dry.stdout).toMatch(/dry run/);
    expect(dry.stdout).toMatch(/Would pseudonymise 1 person\(s\) \(2 resources, 2 stored versions rewritten\); would erase 0 person/);
    expect(dry.stdout + dry.stderr).not.toMatch(/Lefebvre|Moreau/);
    const run = cli(['retention', 'run'], { DATA_DIR: dataDir });
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/Pseudonymised 1 person\(s\)/);
    const again = cli(['retention', 'run', '--dry-run'], { DATA_DIR: dataDir });
    expect(again.stdout).toMatch(/Would pseudonymise 0 person/);
    const check = await openDb({ dataDir });
    try {
      const { rows } = await check.query<{ content: string }>("SELECT content FROM resource_version WHERE content LIKE '%Lefebvre%'");
      expect(rows).toHaveLength(0);
    } finally {
      await check.close();
    }
  });
});

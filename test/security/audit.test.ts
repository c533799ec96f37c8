import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditEvent } from 'fhir/r4';
import { DB_KINDS, openTestDb } from '../support/db.js';
import type { Db } from '../../src/store/db.js';
import { GENESIS_HASH, canonicalJson, chainHash, outcomeOf, recordAudit, verifyAuditChain } from '../../src/security/audit/index.js';
import { validateResource } from '../../src/validation/index.js';
import { openTwoNodes, sampleInput, whileTampered } from './audit-support.js';

interface Row { pos: number; id: string; resource: AuditEvent; prev_hash: string; hash: string; patient: string[]; entity: string[]; client_id: string; subject: string; address: string }

const rows = async (db: Db) => (await db.query<Row>('SELECT * FROM audit_event ORDER BY pos')).rows.map((r) => ({ ...r, pos: Number(r.pos) }));
const head = async (db: Db) => {
  const r = (await db.query<{ pos: number; hash: string }>('SELECT pos, hash FROM audit_chain_head')).rows[0];
  return { pos: Number(r.pos), hash: r.hash };
};

describe('canonical JSON and chain hash', () => {
  it('sorts keys recursively and drops whitespace, so key order never changes a hash', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { z: 'é', y: null }], c: 'x' } })).toBe('{"a":{"c":"x","d":[1,{"y":null,"z":"é"}]},"b":1}');
    expect(chainHash(GENESIS_HASH, { b: 1, a: 2 })).toBe(chainHash(GENESIS_HASH, { a: 2, b: 1 }));
    expect(chainHash(GENESIS_HASH, { a: 1 })).toMatch(/^[0-9a-f]{64}$/);
  });

  it('maps statuses to AuditEvent outcomes 0 / 4 / 8 / 12', () => {
    expect([200, 201, 304, 403, 404, 422, 500, 503, 0].map(outcomeOf)).toEqual(['0', '0', '0', '4', '4', '4', '8', '8', '12']);
  });
});

describe.each(DB_KINDS)('the audit trail on %s', (kind) => {
  let db: Db;
  beforeAll(async () => { db = await openTestDb(kind); });
  afterAll(async () => { await db.close(); });

  it('records a BALP AuditEvent, valid R4, and has committed it when recordAudit resolves', async () => {
    await recordAudit(db, sampleInput());
    const [row] = await rows(db);
    const e = row.resource;
    expect(row.pos).toBe(1);
    expect(e.resourceType).toBe('AuditEvent');
    expect(e.type).toMatchObject({ system: 'http://terminology.hl7.org/CodeSystem/audit-event-type', code: 'rest' });
    expect(e.subtype).toEqual([{ system: 'http://hl7.org/fhir/restful-interaction', code: 'read', display: 'read' }]);
    expect(e.action).toBe('R');
    expect(e.outcome).toBe('0');
    expect(e.recorded).toBe(e.meta?.lastUpdated);
    const client = e.agent.find((a) => a.type?.coding?.[0].code === '110153')!;
    expect(client.who?.identifier).toEqual({ system: 'https://idp.example.fr', value: 'app-onco' });
    expect(client.network).toEqual({ address: '10.1.2.3', type: '2' });
    const user = e.agent.find((a) => a.type?.coding?.[0].code === 'UserOauthAgent')!;
    expect(user).toMatchObject({ who: { identifier: { value: 'dr-martin' } }, requestor: true });
    expect(e.source.site).toBe('oncofhir');
    expect(e.entity).toContainEqual(expect.objectContaining({ what: { reference: 'Patient/pat-1' }, role: expect.objectContaining({ code: '1', display: 'Patient' }) }));
    expect(e.entity).toContainEqual(expect.objectContaining({ what: { reference: 'Observation/obs-1/_history/2' } }));
    expect(e.entity).toContainEqual(expect.objectContaining({ what: { identifier: { value: 'req-1' } } }));
    expect(row).toMatchObject({ id: e.id, client_id: 'app-onco', subject: 'dr-martin', address: '10.1.2.3', patient: ['pat-1'] });
    expect(row.entity).toEqual(['Patient/pat-1', 'Observation/obs-1/_history/2', 'Observation/obs-1']);
    expect(validateResource(e).filter((i) => i.severity === 'error' || i.severity === 'fatal')).toEqual([]);
  });

  it('records searches with a base64 query entity, operations by name, and system clients as the requestor', async () => {
    await recordAudit(db, sampleInput({ subtype: 'search-type', action: 'E', query: 'Patient?family=Lefèvre', agent: { subject: 'batch-job', clientId: 'batch-job' }, patients: [], entities: [] }));
    await recordAudit(db, sampleInput({ subtype: 'operation', action: 'E', operation: 'validate', status: 422, outcomeDesc: 'invalid resource' }));
    await recordAudit(db, sampleInput({ subtype: 'login', action: 'E', status: 401, entities: [], patients: [] }));
    const [, search, op, login] = await rows(db);
    const q = search.resource.entity!.find((en) => en.role?.code === '24')!;
    expect(Buffer.from(q.query!, 'base64').toString('utf8')).toBe('Patient?family=Lefèvre');
    expect(search.resource.agent.filter((a) => a.requestor).map((a) => a.who?.identifier?.value)).toEqual(['batch-job']);
    expect(op.resource).toMatchObject({ outcome: '4', outcomeDesc: 'invalid resource' });
    expect(op.resource.entity).toContainEqual(expect.objectContaining({ name: '$validate' }));
    expect(login.resource.type).toMatchObject({ system: 'http://dicom.nema.org/resources/ontology/DCM', code: '110114' });
    expect(login.resource.subtype![0]).toMatchObject({ system: 'https://oncofhir.fr/CodeSystem/audit-event-subtype', code: 'login' });
  });

  it('rejects an unknown subtype or action at once and writes nothing', async () => {
    const before = (await head(db)).pos;
    await expect(recordAudit(db, sampleInput({ subtype: 'frobnicate' }))).rejects.toThrow(/subtype/);
    await expect(recordAudit(db, sampleInput({ action: 'X' as never }))).rejects.toThrow(/action/);
    expect((await head(db)).pos).toBe(before);
  });

  it('chains records: contiguous positions, each prev_hash is the previous hash, the head is the last', async () => {
    const all = await rows(db);
    let prev = GENESIS_HASH;
    all.forEach((r, i) => {
      expect(r.pos).toBe(i + 1);
      expect(r.prev_hash).toBe(prev);
      expect(r.hash).toBe(chainHash(prev, r.resource));
      prev = r.hash;
    });
    expect(await head(db)).toEqual({ pos: all.length, hash: prev });
    const recorded = all.map((r) => Date.parse(r.resource.recorded));
    expect([...recorded].sort((a, b) => a - b)).toEqual(recorded);
  });

  it('writes many concurrent records through group commits into one contiguous, verifiable chain', async () => {
    const before = (await head(db)).pos;
    const n = 400;
    const started = Date.now();
    // 16 clients, each waiting for its record before sending the next (like HTTP requests).
    await Promise.all(Array.from({ length: 16 }, (_, c) => (async () => {
      for (let i = 0; i < n / 16; i++) await recordAudit(db, sampleInput({ requestId: `c${c}-${i}`, patients: [`Patient/p-${c}`] }));
    })()));
    const ms = Date.now() - started;
    console.log(`${kind}: ${n} audit records from 16 concurrent clients in ${ms} ms (${Math.round((n * 1000) / ms)}/s)`);
    const h = await head(db);
    expect(h.pos).toBe(before + n);
    const { rows: [stats] } = await db.query<{ n: number | string; flushes: number | string }>('SELECT count(*) AS n, count(DISTINCT recorded) AS flushes FROM audit_event WHERE pos > $1', [before]);
    expect(Number(stats.n)).toBe(n);
    // Records of one flush share their recorded instant: far fewer flushes than records.
    expect(Number(stats.flushes)).toBeLessThan(n);
    expect(await verifyAuditChain(db, { pageSize: 97 })).toEqual({ ok: true, records: h.pos, head: h });
  });

  it('rejects every caller of a failed flush and leaves the chain as it was', async () => {
    const before = await head(db);
    await db.query("ALTER TABLE audit_event ADD CONSTRAINT test_no_export CHECK (subtype <> 'export')");
    try {
      const results = await Promise.allSettled([
        recordAudit(db, sampleInput()),
        recordAudit(db, sampleInput({ subtype: 'export', action: 'R' })),
        recordAudit(db, sampleInput()),
      ]);
      expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected', 'rejected']);
      expect(await head(db)).toEqual(before);
    } finally {
      await db.query('ALTER TABLE audit_event DROP CONSTRAINT test_no_export');
    }
    await recordAudit(db, sampleInput());
    expect((await head(db)).pos).toBe(before.pos + 1);
    expect((await verifyAuditChain(db)).ok).toBe(true);
  });

  describe('verify names the first broken record', () => {
    it('a resource changed after the fact', async () => {
      const r3 = (await rows(db))[2];
      const out = await whileTampered(db, async (tx) => {
        await tx.query(`UPDATE audit_event SET resource = jsonb_set(resource, '{outcome}', '"8"') WHERE pos = 3`);
        return verifyAuditChain(tx, { pageSize: 2 });
      });
      expect(out).toEqual({ ok: false, records: 2, firstBroken: { pos: 3, id: r3.id, reason: expect.stringMatching(/hash does not match/) } });
    });

    it('a changed prev_hash', async () => {
      const r2 = (await rows(db))[1];
      const out = await whileTampered(db, async (tx) => {
        await tx.query(`UPDATE audit_event SET prev_hash = repeat('a', 64) WHERE pos = 2`);
        return verifyAuditChain(tx);
      });
      expect(out).toMatchObject({ ok: false, firstBroken: { pos: 2, id: r2.id, reason: expect.stringMatching(/prev_hash/) } });
    });

    it('a deleted record, in the middle or at the end', async () => {
      const all = await rows(db);
      const middle = await whileTampered(db, async (tx) => {
        await tx.query('DELETE FROM audit_event WHERE pos = 3');
        return verifyAuditChain(tx);
      });
      expect(middle).toMatchObject({ ok: false, records: 2, firstBroken: { pos: 4, id: all[3].id, reason: expect.stringMatching(/position 3/) } });
      const last = await whileTampered(db, async (tx) => {
        await tx.query('DELETE FROM audit_event WHERE pos = $1', [all.length]);
        return verifyAuditChain(tx);
      });
      expect(last).toMatchObject({ ok: false, records: all.length - 1, firstBroken: { pos: all.length, reason: expect.stringMatching(/missing/) } });
    });

    it('a search column edited to hide a record from a patient', async () => {
      const out = await whileTampered(db, async (tx) => {
        await tx.query(`UPDATE audit_event SET patient = '{}' WHERE pos = 1`);
        return verifyAuditChain(tx);
      });
      expect(out).toMatchObject({ ok: false, firstBroken: { pos: 1, reason: expect.stringMatching(/column patient/) } });
    });

    it('a chain recomputed from some record on, given an anchor from an earlier run', async () => {
      const h = await head(db);
      const all = await rows(db);
      const anchor = { pos: 2, hash: all[1].hash };
      const [plain, anchored] = await whileTampered(db, async (tx) => {
        // The attacker rewrites record 2 and re-links everything after it, head included.
        let prev = all[0].hash;
        for (const r of all.slice(1)) {
          const resource = r.pos === 2 ? { ...r.resource, outcomeDesc: 'rewritten' } : r.resource;
          const hash = chainHash(prev, resource);
          await tx.query('UPDATE audit_event SET resource = $1::text::jsonb, prev_hash = $2, hash = $3 WHERE pos = $4', [JSON.stringify(resource), prev, hash, r.pos]);
          prev = hash;
        }
        await tx.query('UPDATE audit_chain_head SET hash = $1 WHERE id = 1', [prev]);
        return [await verifyAuditChain(tx), await verifyAuditChain(tx, { anchors: [anchor] })];
      });
      expect(plain.ok).toBe(true);
      expect(anchored).toMatchObject({ ok: false, firstBroken: { pos: 2, id: all[1].id, reason: expect.stringMatching(/anchor/) } });
      expect(await verifyAuditChain(db, { anchors: [anchor, { pos: h.pos, hash: h.hash }] })).toMatchObject({ ok: true });
    });

    it('and the untouched chain is still intact', async () => {
      expect((await verifyAuditChain(db)).ok).toBe(true);
    });
  });

  it('the database refuses UPDATE, DELETE and TRUNCATE of audit records and moving the head back, but not writes elsewhere', async () => {
    await expect(db.query("UPDATE audit_event SET subtype = 'read' WHERE pos = 1")).rejects.toThrow(/append-only/);
    await expect(db.query('DELETE FROM audit_event WHERE pos = 1')).rejects.toThrow(/append-only/);
    await expect(db.query('TRUNCATE audit_event')).rejects.toThrow(/append-only/);
    await expect(db.query('UPDATE audit_chain_head SET pos = pos - 1')).rejects.toThrow(/forward/);
    await expect(db.query('DELETE FROM audit_chain_head')).rejects.toThrow(/forward/);
    // A retention purge of other tables is not affected.
    await db.query('DELETE FROM search_snapshot WHERE expires < now()');
    await db.query("DELETE FROM resource WHERE type = 'Nothing'");
    expect((await verifyAuditChain(db)).ok).toBe(true);
  });
});

describe.runIf(process.env.TEST_DATABASE_URL)('the audit trail on two nodes sharing one PostgreSQL', () => {
  let nodes: Awaited<ReturnType<typeof openTwoNodes>>;
  beforeAll(async () => { nodes = await openTwoNodes(process.env.TEST_DATABASE_URL!); });
  afterAll(async () => { await nodes?.close(); });

  it('interleaves their concurrent appends into one contiguous chain', async () => {
    const per = 320;
    const node = (db: Db, name: string) => Promise.all(Array.from({ length: 8 }, (_, c) => (async () => {
      for (let i = 0; i < per / 8; i++) await recordAudit(db, sampleInput({ agent: { subject: name, clientId: name }, requestId: `${name}-${c}-${i}` }));
    })()));
    await Promise.all([node(nodes.a, 'node-a'), node(nodes.b, 'node-b')]);
    const result = await verifyAuditChain(nodes.a);
    expect(result).toMatchObject({ ok: true, records: 2 * per });
    const { rows: byNode } = await nodes.b.query<{ client_id: string; n: number | string }>('SELECT client_id, count(*) AS n FROM audit_event GROUP BY client_id ORDER BY client_id');
    expect(byNode.map((r) => [r.client_id, Number(r.n)])).toEqual([['node-a', per], ['node-b', per]]);
    // Both nodes' records are interleaved, not one block after the other.
    const { rows: order } = await nodes.a.query<{ client_id: string }>('SELECT client_id FROM audit_event ORDER BY pos');
    const switches = order.filter((r, i) => i > 0 && r.client_id !== order[i - 1].client_id).length;
    expect(switches).toBeGreaterThan(1);
  });
});

// Planner statistics: which searched tables are due for ANALYZE (PostgreSQL's own change counts),
// and resource bodies compressed with lz4 where the server has it.
import { describe, expect, it } from 'vitest';
import { DB_KINDS, openTestDb } from '../support/db.js';
import { grownTables } from '../../src/store/maintenance.js';
import type { Db } from '../../src/store/db.js';

async function addPatients(db: Db, from: number, n: number): Promise<void> {
  await db.query(
    `INSERT INTO resource (type, id, version, last_updated, content)
     SELECT 'Patient', 'p' || g, 1, now(), '{"resourceType":"Patient"}' FROM generate_series($1::int, $2::int) g`,
    [from, from + n - 1],
  );
}

/** Waits until the backends' statistics show the expected list (they are flushed asynchronously). */
async function settle(db: Db, expected: string[]): Promise<string[]> {
  let got: string[] = [];
  for (let i = 0; i < 60; i++) {
    await db.query('SELECT pg_stat_force_next_flush()');
    got = await grownTables(db);
    if (JSON.stringify(got) === JSON.stringify(expected)) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  return got;
}

// PostgreSQL's change counts exist on a server only (PGlite's process counts its own writes).
describe.runIf(DB_KINDS.includes('pg'))('ANALYZE of grown tables on a PostgreSQL server', () => {
  const kind = 'pg' as const;
  it('names a searched table once its changes since ANALYZE reach its size, not before', async () => {
    const db = await openTestDb(kind);
    try {
      await db.query('ANALYZE resource');
      await addPatients(db, 1, 1500);
      expect(await settle(db, ['resource'])).toEqual(['resource']);
      await db.query('ANALYZE resource');
      expect(await settle(db, [])).toEqual([]);
      await addPatients(db, 2001, 900); // under the floor (1,000) and under its size (1,500)
      expect(await settle(db, [])).toEqual([]);
      await addPatients(db, 3001, 700); // 1,600 changes ≥ 1,500 rows
      expect(await settle(db, ['resource'])).toEqual(['resource']);
    } finally {
      await db.close();
    }
  });
});

describe.each(DB_KINDS)('resource bodies on %s', (kind) => {
  it('compresses resource bodies with lz4 on a server that has it, and stores and reads them alike', async () => {
    const db = await openTestDb(kind);
    try {
      const { rows: avail } = await db.query<{ lz4: boolean }>(`SELECT 'lz4' = ANY (enumvals) AS lz4 FROM pg_settings WHERE name = 'default_toast_compression'`);
      const { rows } = await db.query<{ relname: string; c: string }>(
        `SELECT c.relname, a.attcompression::text AS c FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
          WHERE a.attrelid IN ('resource'::regclass, 'resource_version'::regclass) AND a.attname = 'content' ORDER BY c.relname`,
      );
      const expected = avail[0]?.lz4 ? 'l' : '';
      expect(kind === 'pg' ? expected : '').toBe(expected); // Debian's PostgreSQL has lz4, PGlite has not
      expect(rows.map((r) => r.c)).toEqual([expected, expected]);
      const big = JSON.stringify({ resourceType: 'Binary', data: 'QUJD'.repeat(20_000) });
      await db.query(`INSERT INTO resource (type, id, version, last_updated, content) VALUES ('Binary', 'b1', 1, now(), $1)`, [big]);
      const { rows: back } = await db.query<{ content: string; method: string }>(`SELECT content, pg_column_compression(content) AS method FROM resource WHERE id = 'b1'`);
      expect(back[0].content).toBe(big);
      expect(back[0].method).toBe(expected === 'l' ? 'lz4' : 'pglz');
    } finally {
      await db.close();
    }
  });
});

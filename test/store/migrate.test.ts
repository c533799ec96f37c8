import { describe, expect, it } from 'vitest';
import { DB_KINDS, openTestDb } from '../support/db.js';
import { migrate } from '../../src/store/migrate.js';

describe.each(DB_KINDS)('migrations on %s', (kind) => {
  it('creates the schema once and is idempotent on a second run', async () => {
    const db = await openTestDb(kind);
    try {
      const again = await migrate(db);
      expect(again).toEqual([]);
      const { rows } = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM schema_migration`);
      expect(rows[0].n).toBeGreaterThanOrEqual(2);
      await db.query(`INSERT INTO resource (type, id, version, last_updated, content) VALUES ('Patient','p1',1,now(),'{}')`);
      const r = await db.query<{ rid: number }>(`SELECT rid FROM resource WHERE id = 'p1'`);
      expect(typeof r.rows[0].rid).toBe('number');
    } finally {
      await db.close();
    }
  });
});

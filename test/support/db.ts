// Test databases: PGlite always, and a real PostgreSQL server when TEST_DATABASE_URL is set.
// Each PostgreSQL test database is a fresh schema, so test files never see each other's rows.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { openDb, type Db } from '../../src/store/db.js';
import { migrate } from '../../src/store/migrate.js';

export type DbKind = 'pglite' | 'pg';

export const DB_KINDS: DbKind[] = process.env.TEST_DATABASE_URL ? ['pglite', 'pg'] : ['pglite'];

if (!process.env.TEST_DATABASE_URL && !process.env.__ONCOFHIR_WARNED) {
  process.env.__ONCOFHIR_WARNED = '1';
  console.warn('TEST_DATABASE_URL is not set: storage tests run on PGlite only (CI sets it).');
}

export async function openTestDb(kind: DbKind): Promise<Db> {
  if (kind === 'pglite') {
    const db = await openDb({});
    await migrate(db);
    return db;
  }
  const schema = await createTestSchema(process.env.TEST_DATABASE_URL!);
  const db = await openDb({ databaseUrl: schema.url, poolSize: 8 });
  await migrate(db);
  const close = db.close.bind(db);
  return Object.assign(db, {
    async close() {
      await close();
      await schema.drop();
    },
  });
}

/** A fresh schema on the PostgreSQL server: a connection URL whose search_path is that schema. */
export async function createTestSchema(url: string): Promise<{ url: string; drop(): Promise<void> }> {
  const schema = `t_${randomBytes(6).toString('hex')}`;
  const run = async (sql: string) => {
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    try {
      await c.query(sql);
    } finally {
      await c.end();
    }
  };
  await run(`CREATE SCHEMA ${schema}`);
  const u = new URL(url);
  u.searchParams.set('options', `-c search_path=${schema}`);
  return { url: u.toString(), drop: () => run(`DROP SCHEMA ${schema} CASCADE`) };
}

// Applies src/store/migrations/*.sql in order, once each, under an advisory lock so that
// several server nodes starting together do not race.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Db } from './db.js';
import { splitSql } from './split-sql.js';

const DIR = join(dirname(fileURLToPath(import.meta.url)), 'migrations');
const LOCK_KEY = 74_658_211; // arbitrary, constant for oncofhir

export function migrationFiles(): { version: number; name: string; sql: string }[] {
  return readdirSync(DIR)
    .filter((f) => /^\d+_.+\.sql$/.test(f))
    .sort()
    .map((f) => ({ version: parseInt(f, 10), name: f, sql: readFileSync(join(DIR, f), 'utf8') }));
}

export async function migrate(db: Db): Promise<string[]> {
  return db.transaction(async (tx) => {
    await tx.query('SET LOCAL statement_timeout = 0'); // DB_STATEMENT_TIMEOUT_MS is for requests, not for index builds or the lock wait
    await tx.query('SELECT pg_advisory_xact_lock($1)', [LOCK_KEY]);
    // Under the lock: two nodes starting together would otherwise race on CREATE TABLE IF NOT EXISTS.
    await tx.query('CREATE TABLE IF NOT EXISTS schema_migration (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())');
    const done = new Set((await tx.query<{ version: number }>('SELECT version FROM schema_migration')).rows.map((r) => Number(r.version)));
    const applied: string[] = [];
    for (const m of migrationFiles()) {
      if (done.has(m.version)) continue;
      for (const stmt of splitSql(m.sql)) await tx.query(stmt);
      await tx.query('INSERT INTO schema_migration (version, name) VALUES ($1, $2)', [m.version, m.name]);
      applied.push(m.name);
    }
    return applied;
  });
}

// Databases for benchmarks: a fresh PGlite directory, and a fresh schema on a PostgreSQL server.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

export interface BenchDb {
  label: string;
  env: { DATABASE_URL?: string; DATA_DIR?: string };
  cleanup(): Promise<void>;
}

export function pgliteBenchDb(): BenchDb {
  const dir = mkdtempSync(join(tmpdir(), 'oncofhir-bench-'));
  return { label: 'PGlite (embedded)', env: { DATA_DIR: dir }, cleanup: async () => rmSync(dir, { recursive: true, force: true }) };
}

export async function postgresBenchDb(url: string): Promise<BenchDb> {
  const schema = `bench_${Date.now().toString(36)}`;
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  await c.query(`CREATE SCHEMA ${schema}`);
  await c.end();
  const u = new URL(url);
  u.searchParams.set('options', `-c search_path=${schema}`);
  return {
    label: 'PostgreSQL server',
    env: { DATABASE_URL: u.toString() },
    async cleanup() {
      const d = new pg.Client({ connectionString: url });
      await d.connect();
      await d.query(`DROP SCHEMA ${schema} CASCADE`);
      await d.end();
    },
  };
}

/** The PostgreSQL server to benchmark against, if any. */
export const benchPostgresUrl = (): string | undefined => process.env.BENCH_DATABASE_URL || process.env.TEST_DATABASE_URL;

/** The databases a benchmark runs on: the PostgreSQL server (when configured) and PGlite. */
export function benchDatabases(order: 'postgres-first' | 'pglite-first' = 'postgres-first'): (() => Promise<BenchDb>)[] {
  const url = benchPostgresUrl();
  if (!url) console.warn('(no BENCH_DATABASE_URL or TEST_DATABASE_URL: PostgreSQL is not measured)');
  const pg = url ? [() => postgresBenchDb(url)] : [];
  const lite = [async () => pgliteBenchDb()];
  return order === 'postgres-first' ? [...pg, ...lite] : [...lite, ...pg];
}

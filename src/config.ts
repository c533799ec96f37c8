// Typed configuration, read once from the environment. Every default works out of the box.
import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';

export interface Config {
  port: number;
  host: string;
  /** Public base URL of the FHIR endpoint, used in fullUrl, Location and paging links. */
  baseUrl: string;
  /** Embedded PGlite data directory, used when databaseUrl is empty. */
  dataDir: string;
  /** postgres://… switches storage to a PostgreSQL server through `pg`. */
  databaseUrl?: string;
  dbPoolSize: number;
  /** Largest accepted request body, in bytes. */
  maxBodyBytes: number;
  defaultCount: number;
  maxCount: number;
  /** Searches returning more than this many matches are paged from a snapshot of at most this size. */
  maxSnapshot: number;
  logLevel: 'debug' | 'info' | 'warn' | 'error';
  /** HTTP worker processes for `serve` (node:cluster). PGlite is single-process, so always 1 there. */
  workers: number;
}

function int(name: string, fallback: number): number {
  const v = process.env[name];
  if (v === undefined || v === '') return fallback;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${name} must be a non-negative integer, got "${v}"`);
  return n;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const port = int('PORT', 8080);
  const host = env.HOST || '0.0.0.0';
  const baseUrl = (env.BASE_URL || `http://localhost:${port}/fhir`).replace(/\/+$/, '');
  return {
    port,
    host,
    baseUrl,
    dataDir: resolve(env.DATA_DIR || './data'),
    databaseUrl: env.DATABASE_URL || undefined,
    dbPoolSize: int('DB_POOL_SIZE', 10),
    maxBodyBytes: int('MAX_BODY_BYTES', 64 * 1024 * 1024),
    defaultCount: int('DEFAULT_COUNT', 20),
    maxCount: int('MAX_COUNT', 1000),
    maxSnapshot: int('MAX_SNAPSHOT', 10000),
    logLevel: (env.LOG_LEVEL as Config['logLevel']) || 'info',
    workers: env.DATABASE_URL ? (env.WORKERS ? int('WORKERS', 1) || 1 : availableParallelism()) : 1,
  };
}

import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDb } from '../../src/store/db.js';
import { migrate } from '../../src/store/migrate.js';
import { recordAudit } from '../../src/security/audit/index.js';
import { sampleInput } from './audit-support.js';

const ROOT = join(import.meta.dirname, '../..');
const BIN = join(ROOT, 'bin/oncofhir.mjs');
const tmp = mkdtempSync(join(tmpdir(), 'oncofhir-audit-cli-'));
const dataDir = join(tmp, 'data');

const cli = (args: string[]) => {
  const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: dataDir, LOG_LEVEL: 'warn' };
  // Vitest sets BASE_URL=/ (a Vite variable) and the shell may point at a PostgreSQL server.
  delete env.DATABASE_URL;
  delete env.BASE_URL;
  return spawnSync(process.execPath, [BIN, ...args], { cwd: ROOT, env, encoding: 'utf8', timeout: 120_000 });
};

/** Opens the PGlite directory in this process (the CLI must not run at the same time). */
async function withDb(fn: (db: Awaited<ReturnType<typeof openDb>>) => Promise<void>): Promise<void> {
  const db = await openDb({ dataDir });
  try {
    await migrate(db);
    await fn(db);
  } finally {
    await db.close();
  }
}

describe('oncofhir audit verify', () => {
  let ids: string[] = [];
  beforeAll(async () => {
    await withDb(async (db) => {
      for (let i = 0; i < 4; i++) await recordAudit(db, sampleInput({ requestId: `cli-${i}` }));
      ids = (await db.query<{ id: string }>('SELECT id FROM audit_event ORDER BY pos')).rows.map((r) => r.id);
    });
  });
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  it('explains itself with --help, including that a PGlite server must be stopped', () => {
    const r = cli(['audit', 'verify', '--help']);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/Usage: oncofhir audit verify/);
    expect(r.stdout).toMatch(/DATA_DIR/);
    expect(r.stdout).toMatch(/stop the server/);
  });

  it('exits 0 on an intact chain and prints the head to keep as an anchor', () => {
    const r = cli(['audit', 'verify']);
    expect(r.stdout).toMatch(/Audit trail intact: 4 records verified/);
    expect(r.status).toBe(0);
    const anchor = /Head: (\d+:[0-9a-f]{64})/.exec(r.stdout)![1];
    expect(cli(['audit', 'verify', '--anchor', anchor]).status).toBe(0);
    expect(cli(['audit', 'verify', '--anchor', `4:${'f'.repeat(64)}`]).status).toBe(1);
  });

  it('exits 1 on a tampered record and names its position and id', async () => {
    await withDb(async (db) => {
      await db.query('ALTER TABLE audit_event DISABLE TRIGGER audit_event_no_update_delete');
      await db.query(`UPDATE audit_event SET resource = jsonb_set(resource, '{outcomeDesc}', '"edited"') WHERE pos = 2`);
      await db.query('ALTER TABLE audit_event ENABLE TRIGGER audit_event_no_update_delete');
    });
    const r = cli(['audit', 'verify']);
    expect(r.status).toBe(1);
    expect(r.stdout).toContain(`BROKEN at position 2, id ${ids[1]}`);
    expect(r.stdout).toMatch(/hash does not match/);
  });
});

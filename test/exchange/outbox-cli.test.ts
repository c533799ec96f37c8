// `oncofhir outbox [--status …]` lists the deliveries of the outbox of the configured database.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDb } from '../../src/store/db.js';
import { migrate } from '../../src/store/migrate.js';

const ROOT = join(import.meta.dirname, '../..');
const BIN = join(ROOT, 'bin/oncofhir.mjs');
const dataDir = mkdtempSync(join(tmpdir(), 'oncofhir-outbox-'));
const { BASE_URL: _viteBase, DATABASE_URL: _db, ...parentEnv } = process.env;
const cli = (args: string[]) => spawnSync(process.execPath, [BIN, 'outbox', ...args], { cwd: ROOT, env: { ...parentEnv, DATA_DIR: dataDir, LOG_LEVEL: 'warn' }, encoding: 'utf8', timeout: 120_000 });

describe('oncofhir outbox', () => {
  beforeAll(async () => {
    const db = await openDb({ dataDir });
    await migrate(db);
    await db.query(`INSERT INTO mhd_outbox (document_ref, action, set_key, status, attempts, last_error) VALUES
      ('doc-a', 'provide', 'set-a', 'queued', 0, NULL),
      ('doc-b', 'provide', 'set-b', 'failed', 1, 'HTTP 422: DocumentReference.type: unknown code')`);
    await db.close();
  });
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('lists every delivery, or those in one state', () => {
    const all = cli([]);
    expect(all.status, all.stderr).toBe(0);
    expect(all.stdout).toMatch(/^DocumentReference\/doc-a {2}provide {2}queued {2}attempts=0 {2}next /m);
    expect(all.stdout).toMatch(/^DocumentReference\/doc-b {2}provide {2}failed {2}attempts=1 {2}at .* {2}error: HTTP 422: DocumentReference.type: unknown code$/m);
    const failed = cli(['--status', 'failed', '--json']);
    expect(JSON.parse(failed.stdout).map((r: { document_ref: string }) => r.document_ref)).toEqual(['doc-b']);
    expect(cli(['--status', 'sent']).stdout.trim()).toBe('No deliveries.');
    expect(cli(['--status', 'bogus']).status).not.toBe(0);
  });
});

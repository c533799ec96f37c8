// `oncofhir registry run` on an embedded database holding seeded registry records: progress on
// stderr, the run's counts on stdout, and the persons and tumours written.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openDb } from '../../src/store/db.js';
import { migrate } from '../../src/store/migrate.js';
import { seedRegistry } from '../support/registry-seed.js';

const ROOT = join(import.meta.dirname, '../..');
const BIN = join(ROOT, 'bin/oncofhir.mjs');
const tmp = mkdtempSync(join(tmpdir(), 'oncofhir-registry-cli-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const { BASE_URL: _viteBase, ...parentEnv } = process.env;

describe('oncofhir registry run', () => {
  it('links and consolidates the stored records with progress, and prints counts only', async () => {
    const dataDir = join(tmp, 'data');
    const db = await openDb({ dataDir });
    await migrate(db);
    await seedRegistry(db);
    await db.query('DELETE FROM registry_case');
    await db.query('DELETE FROM registry_person');
    await db.close();
    const r = spawnSync(process.execPath, [BIN, 'registry', 'run'], {
      cwd: ROOT, encoding: 'utf8', timeout: 120_000,
      env: { ...parentEnv, DATA_DIR: dataDir, REGISTRY_KEY: 'cli-test-registry-key-0123456789abcdef', LOG_LEVEL: 'warn', DATABASE_URL: '' },
    });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/registry (compare|consolidate)/);
    expect(r.stdout).toMatch(/^records 66 \(source records 66\) persons 66 tumours 66 links 0 \(INS 0\) review pairs 3 decisions 0 seconds \d+\.\d$/m);
    expect(r.stdout).not.toMatch(/MARTIN|Bundle\//);
    const again = await openDb({ dataDir });
    expect(Number((await again.query<{ n: number }>('SELECT count(*)::int AS n FROM registry_case')).rows[0].n)).toBe(66);
    await again.close();
  });
});

// Indexing benchmark over the Synthea corpus: resources/s of row extraction alone (fast path +
// fhirpath.js fallback), then of writeIndexes into PGlite and into PostgreSQL (fresh schema),
// in transactions of BATCH resources, sequentially and with parallel writers on PostgreSQL.
// Usage: npx tsx scripts/bench-indexing.ts [--batch 100] [--writers 4]
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import type { Bundle, Resource } from 'fhir/r4';
import { openDb, type Db } from '../src/store/db.js';
import { extractRows, writeIndexes } from '../src/store/indexing/index.js';
import { migrate } from '../src/store/migrate.js';
import { benchPostgresUrl, pgliteBenchDb, postgresBenchDb } from './lib/bench-db.js';

const DIR = '/work/shared/corpus/synthea-r4';
const arg = (name: string, dflt: number) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const BATCH = arg('--batch', 100);
const WRITERS = arg('--writers', 4);

if (!existsSync(DIR)) {
  console.error(`${DIR} is absent: nothing to benchmark`);
  process.exit(1);
}

/** The corpus as ingest stores it: urn:uuid references rewritten to Type/id. */
function loadCorpus(): Resource[] {
  const out: Resource[] = [];
  for (const f of readdirSync(DIR).filter((x) => x.endsWith('.json')).sort()) {
    const b = JSON.parse(readFileSync(`${DIR}/${f}`, 'utf8')) as Bundle;
    const ids = new Map((b.entry ?? []).map((e) => [e.fullUrl, `${e.resource!.resourceType}/${e.resource!.id}`]));
    const text = JSON.stringify((b.entry ?? []).map((e) => e.resource)).replace(/"urn:uuid:[0-9a-f-]+"/g, (u) => JSON.stringify(ids.get(u.slice(1, -1)) ?? u.slice(1, -1)));
    out.push(...(JSON.parse(text) as Resource[]));
  }
  return out;
}

const resources = loadCorpus();
const items = resources.map((resource, i) => ({ rid: i + 1, resource }));
const rate = (n: number, ms: number) => Math.round((n / ms) * 1000).toLocaleString('en');
console.log(`Synthea: ${resources.length} resources, batches of ${BATCH}`);

// 1. Extraction only (first pass includes compiling expressions and UCUM warm-up).
for (let pass = 1; pass <= 4; pass++) {
  const t0 = performance.now();
  const b = extractRows(items);
  const ms = performance.now() - t0;
  const rows = Object.values(b).reduce((n, t) => n + t!.rid.length, 0);
  console.log(`extract pass ${pass}: ${rate(resources.length, ms)} resources/s, ${rate(rows, ms)} rows/s (${rows} rows, ${(rows / resources.length).toFixed(1)} per resource)`);
}

async function writeAll(db: Db, writers: number): Promise<number> {
  await db.query(`TRUNCATE idx_string, idx_token, idx_date, idx_number, idx_quantity, idx_reference, idx_uri, idx_composite`);
  const batches: (typeof items)[] = [];
  for (let i = 0; i < items.length; i += BATCH) batches.push(items.slice(i, i + BATCH));
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: writers }, async () => {
      while (next < batches.length) {
        const b = batches[next++];
        await db.transaction((tx) => writeIndexes(tx, b));
      }
    }),
  );
  return performance.now() - t0;
}

async function benchDb(label: string, db: Db, writerCounts: number[]): Promise<void> {
  await migrate(db);
  for (const w of writerCounts) {
    await writeAll(db, w); // warm-up
    const ms = await writeAll(db, w);
    console.log(`writeIndexes ${label}, ${w} writer(s): ${rate(resources.length, ms)} resources/s (${(ms / 1000).toFixed(1)} s)`);
  }
}

const lite = pgliteBenchDb();
const liteDb = await openDb({ dataDir: lite.env.DATA_DIR });
try {
  await benchDb('PGlite', liteDb, [1]);
} finally {
  await liteDb.close();
  await lite.cleanup();
}

const url = benchPostgresUrl();
if (!url) console.log('No BENCH_DATABASE_URL or TEST_DATABASE_URL: PostgreSQL skipped');
else {
  const pgb = await postgresBenchDb(url);
  const db = await openDb({ databaseUrl: pgb.env.DATABASE_URL, poolSize: WRITERS });
  try {
    await benchDb('PostgreSQL', db, [1, WRITERS]);
  } finally {
    await db.close();
    await pgb.cleanup();
  }
}

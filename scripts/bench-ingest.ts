// Ingest benchmark: POSTs transaction Bundles (Synthea corpus + generated patients) to a server
// process over HTTP with a few concurrent clients, on PGlite and on PostgreSQL, and prints
// resources/s. Usage: npm run bench:ingest [-- --patients 2000 --observations 10 --concurrency 4]
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { benchPostgresUrl, pgliteBenchDb, postgresBenchDb, type BenchDb } from './lib/bench-db.js';
import { startServerProcess } from './lib/server-process.js';
import { syntheticTransaction } from './lib/synthetic.js';

const { values } = parseArgs({
  options: {
    patients: { type: 'string', default: '2000' },
    observations: { type: 'string', default: '10' },
    'per-bundle': { type: 'string', default: '25' },
    concurrency: { type: 'string', default: '4' },
    only: { type: 'string' },
  },
});
const SYNTHEA = join(import.meta.dirname, '../../shared/corpus/synthea-r4');

interface Workload { name: string; bodies: string[]; resources: number }

function workloads(): Workload[] {
  const out: Workload[] = [];
  if (existsSync(SYNTHEA)) {
    const bodies = readdirSync(SYNTHEA).filter((f) => f.endsWith('.json')).map((f) => readFileSync(join(SYNTHEA, f), 'utf8'));
    out.push({ name: `Synthea corpus (${bodies.length} bundles)`, bodies, resources: bodies.reduce((s, b) => s + JSON.parse(b).entry.length, 0) });
  } else {
    console.warn(`(Synthea corpus not found at ${SYNTHEA}; only generated data is used)`);
  }
  const patients = Number(values.patients), obs = Number(values.observations), per = Number(values['per-bundle']);
  const bodies: string[] = [];
  for (let i = 0; i < patients; i += per) bodies.push(JSON.stringify(syntheticTransaction(i, Math.min(i + per, patients), obs)));
  out.push({ name: `generated (${patients} patients × ${obs} observations)`, bodies, resources: patients * (1 + obs) });
  return out;
}

async function run(url: string, authorization: string, w: Workload, concurrency: number): Promise<number> {
  let next = 0;
  const started = process.hrtime.bigint();
  const worker = async () => {
    while (next < w.bodies.length) {
      const body = w.bodies[next++];
      const r = await fetch(url, { method: 'POST', body, headers: { 'content-type': 'application/fhir+json', prefer: 'return=minimal', authorization } });
      if (r.status !== 200) throw new Error(`transaction failed with ${r.status}: ${(await r.text()).slice(0, 300)}`);
      await r.arrayBuffer();
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return w.resources / seconds;
}

const loads = workloads();
const dbs: (() => Promise<BenchDb>)[] = [async () => pgliteBenchDb()];
const pgUrl = benchPostgresUrl();
if (pgUrl) dbs.push(() => postgresBenchDb(pgUrl));
else console.warn('(no BENCH_DATABASE_URL or TEST_DATABASE_URL: PostgreSQL is not measured)');

const rows: string[] = [];
let port = 18080;
for (const open of dbs) {
  const db = await open();
  if (values.only && !db.label.toLowerCase().includes(values.only)) { await db.cleanup(); continue; }
  const server = await startServerProcess(db.env, port++);
  // PGlite has a single connection: more clients only queue.
  const concurrency = db.env.DATABASE_URL ? Number(values.concurrency) : 1;
  try {
    for (const w of loads) {
      process.stderr.write(`${db.label}: ${w.name}… `);
      const rate = await run(server.url, server.authorization, w, concurrency);
      process.stderr.write(`${Math.round(rate)} resources/s\n`);
      rows.push(`| ${db.label} | ${w.name} | ${w.resources} | ${concurrency} | ${Math.round(rate)} |`);
    }
    rows.push(`| ${db.label} | server peak RSS | | | ${server.peakRssMiB()} MiB |`);
  } finally {
    await server.stop();
    await db.cleanup();
  }
}
console.log('\n| storage | workload | resources | clients | resources/s |\n|---|---|---|---|---|');
for (const r of rows) console.log(r);

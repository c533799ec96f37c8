// Ingest benchmark: POSTs transaction Bundles (Synthea corpus + generated patients) to a server
// process over HTTP with a few concurrent clients, on PGlite and on PostgreSQL, and prints
// resources/s. Usage: npm run bench:ingest [-- --patients 2000 --observations 10 --concurrency 4]
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { benchDatabases } from './lib/bench-db.js';
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

interface Workload { name: string; bodies: string[]; sizes: number[] }

function workloads(): Workload[] {
  const out: Workload[] = [];
  if (existsSync(SYNTHEA)) {
    const bodies = readdirSync(SYNTHEA).filter((f) => f.endsWith('.json')).map((f) => readFileSync(join(SYNTHEA, f), 'utf8'));
    out.push({ name: `Synthea corpus (${bodies.length} bundles)`, bodies, sizes: bodies.map((b) => JSON.parse(b).entry.length as number) });
  } else {
    console.warn(`(Synthea corpus not found at ${SYNTHEA}; only generated data is used)`);
  }
  const patients = Number(values.patients), obs = Number(values.observations), per = Number(values['per-bundle']);
  const bodies: string[] = [];
  for (let i = 0; i < patients; i += per) bodies.push(JSON.stringify(syntheticTransaction(i, Math.min(i + per, patients), obs)));
  out.push({ name: `generated (${patients} patients × ${obs} observations)`, bodies, sizes: bodies.map((b) => JSON.parse(b).entry.length as number) });
  return out;
}

/** Loads a workload; a Bundle the server rejects (e.g. 422 for invalid content) is counted, not
 *  loaded, and the rate counts only the resources stored. */
async function run(url: string, authorization: string, w: Workload, concurrency: number): Promise<{ rate: number; stored: number; rejected: string[] }> {
  let next = 0, stored = 0;
  const rejected: string[] = [];
  const started = process.hrtime.bigint();
  const worker = async () => {
    while (next < w.bodies.length) {
      const i = next++;
      const r = await fetch(url, { method: 'POST', body: w.bodies[i], headers: { 'content-type': 'application/fhir+json', prefer: 'return=minimal', authorization } });
      const text = await r.text();
      if (r.status === 200) stored += w.sizes[i];
      else if (r.status >= 400 && r.status < 500) rejected.push(`bundle ${i}: ${r.status} ${text.slice(0, 240)}`);
      else throw new Error(`transaction failed with ${r.status}: ${text.slice(0, 300)}`);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return { rate: stored / seconds, stored, rejected };
}

const loads = workloads();
const dbs = benchDatabases('pglite-first');

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
      const { rate, stored, rejected } = await run(server.url, server.authorization, w, concurrency);
      process.stderr.write(`${Math.round(rate)} resources/s${rejected.length ? ` (${rejected.length} bundle(s) rejected)` : ''}\n`);
      for (const r of rejected) process.stderr.write(`  rejected ${r}\n`);
      rows.push(`| ${db.label} | ${w.name} | ${stored}${rejected.length ? ` (${rejected.length} bundle rejected as invalid)` : ''} | ${concurrency} | ${Math.round(rate)} |`);
    }
    rows.push(`| ${db.label} | server peak RSS | | | ${server.peakRssMiB()} MiB |`);
  } finally {
    await server.stop();
    await db.cleanup();
  }
}
console.log('\n| storage | workload | resources | clients | resources/s |\n|---|---|---|---|---|');
for (const r of rows) console.log(r);

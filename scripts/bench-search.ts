// Search benchmark: loads synthetic patients with observations into a server process, then
// drives 16 concurrent clients through the issue's four queries and prints throughput,
// p50/p95 latency and the server's peak RSS.
// Usage: npm run bench:search [-- --patients 100000 --observations 5 --seconds 20 --clients 16 --only postgres]
import { parseArgs } from 'node:util';
import cliProgress from 'cli-progress';
import { benchDatabases } from './lib/bench-db.js';
import { runLoad } from './lib/load.js';
import { startServerProcess } from './lib/server-process.js';
import { IDENTIFIER_SYSTEM, patientIdentifier, syntheticPatient, syntheticTransaction } from './lib/synthetic.js';

const { values } = parseArgs({
  options: {
    patients: { type: 'string', default: '100000' },
    observations: { type: 'string', default: '5' },
    seconds: { type: 'string', default: '20' },
    clients: { type: 'string', default: '16' },
    only: { type: 'string' },
  },
});
const PATIENTS = Number(values.patients), OBS = Number(values.observations);
const PER_BUNDLE = 50, LOADERS = 4;

async function load(url: string, authorization: string, pgLike: boolean): Promise<void> {
  const bar = new cliProgress.SingleBar({ format: 'load [{bar}] {value}/{total} patients | {rate} resources/s', stream: process.stderr, noTTYOutput: true, notTTYSchedule: 5000 }, cliProgress.Presets.shades_classic);
  bar.start(PATIENTS, 0, { rate: 0 });
  let next = 0, done = 0;
  const t0 = Date.now();
  const worker = async () => {
    while (next < PATIENTS) {
      const from = next;
      const to = (next = Math.min(PATIENTS, next + PER_BUNDLE));
      const body = JSON.stringify(syntheticTransaction(from, to, OBS, { patientIds: 'put' }));
      const r = await fetch(url, { method: 'POST', body, headers: { 'content-type': 'application/fhir+json', prefer: 'return=minimal', authorization } });
      if (r.status !== 200) throw new Error(`load failed with ${r.status}: ${(await r.text()).slice(0, 300)}`);
      await r.arrayBuffer();
      done += to - from;
      bar.update(done, { rate: Math.round((done * (1 + OBS)) / ((Date.now() - t0) / 1000)) });
    }
  };
  await Promise.all(Array.from({ length: pgLike ? LOADERS : 1 }, worker));
  bar.stop();
}

const pick = (i: number) => (i * 7919) % PATIENTS;
const QUERIES: { name: string; path: (i: number) => string }[] = [
  { name: 'Patient?identifier=', path: (i) => `/fhir/Patient?identifier=${encodeURIComponent(`${IDENTIFIER_SYSTEM}|${patientIdentifier(pick(i))}`)}` },
  { name: 'Patient?family=&birthdate=', path: (i) => { const p = syntheticPatient(pick(i)); return `/fhir/Patient?family=${encodeURIComponent(p.name![0].family!)}&birthdate=${p.birthDate}`; } },
  { name: 'Observation?subject=&code=&date=ge', path: (i) => `/fhir/Observation?subject=Patient/bench-${pick(i)}&code=${encodeURIComponent('http://loinc.org|8480-6')}&date=ge2015-01-01` },
  { name: 'Observation?code=&_include=Observation:subject', path: (i) => `/fhir/Observation?code=${encodeURIComponent(`http://loinc.org|${['8480-6', '8462-4', '29463-7', '8302-2', '8867-4'][i % 5]}`)}&_include=Observation:subject&_count=20` },
];

const dbs = benchDatabases('postgres-first');

const rows: string[] = [];
let port = 18180;
for (const open of dbs) {
  const db = await open();
  if (values.only && !db.label.toLowerCase().includes(values.only)) { await db.cleanup(); continue; }
  const server = await startServerProcess(db.env, port++);
  try {
    process.stderr.write(`${db.label}: loading ${PATIENTS} patients × ${OBS} observations\n`);
    await load(server.url, server.authorization, Boolean(db.env.DATABASE_URL));
    for (const q of QUERIES) {
      await runLoad(server.url, q.path, { clients: 4, seconds: 2, authorization: server.authorization }); // warm-up
      const r = await runLoad(server.url, q.path, { clients: Number(values.clients), seconds: Number(values.seconds), authorization: server.authorization });
      process.stderr.write(`${db.label} ${q.name}: ${Math.round(r.rps)} req/s p50 ${r.p50.toFixed(1)} ms p95 ${r.p95.toFixed(1)} ms (${r.errors} errors)\n`);
      rows.push(`| ${db.label} | \`${q.name}\` | ${Math.round(r.rps)} | ${r.p50.toFixed(1)} | ${r.p95.toFixed(1)} | ${r.errors} |`);
    }
    rows.push(`| ${db.label} | server peak RSS | ${server.peakRssMiB()} MiB | | | |`);
  } finally {
    await server.stop();
    await db.cleanup();
  }
}
console.log(`\n${PATIENTS} patients × ${OBS} observations, ${values.clients} clients, ${values.seconds} s per query\n`);
console.log('| storage | query | requests/s | p50 ms | p95 ms | errors |\n|---|---|---|---|---|---|');
for (const r of rows) console.log(r);

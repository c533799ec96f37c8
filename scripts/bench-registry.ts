// A registry run on stored records: a synthetic population (src/registry/linkage/synthetic.ts) is written
// as registry identity records with one tumour item each, then one run links, proposes review pairs,
// consolidates and replaces the derived tables. Reports the run time and pairwise precision and recall of
// the stored person keys against the truth, on PostgreSQL (BENCH_DATABASE_URL / TEST_DATABASE_URL) and PGlite.
// Usage: npm run bench:registry -- [--records 100000] [--seed N]
import { randomBytes } from 'node:crypto';
import { openDb, type Db } from '../src/store/db.js';
import { migrate } from '../src/store/migrate.js';
import { generatePopulation, pairwiseAccuracy } from '../src/registry/linkage/synthetic.js';
import { runRegistry } from '../src/registry/store/run.js';
import { benchDatabases } from './lib/bench-db.js';

const args = process.argv.slice(2);
const opt = (name: string) => (args.indexOf(name) >= 0 ? args[args.indexOf(name) + 1] : undefined);
const records = Number(opt('--records') ?? 100_000);
const pop = generatePopulation({ records, seed: Number(opt('--seed') ?? 42) });
const SITES = [['C50.4', '8500'], ['C18.7', '8140'], ['C34.1', '8070'], ['C61.9', '8140'], ['C44.5', '8720']];
const key = randomBytes(32);
const CHUNK = 5000;

async function load(db: Db): Promise<void> {
  for (let i = 0; i < pop.records.length; i += CHUNK) {
    const chunk = pop.records.slice(i, i + CHUNK);
    const ids = chunk.map((r) => `Bundle/${r.recordId}`);
    await db.query('INSERT INTO registry_identity (record_id, document_ref, traits) SELECT * FROM unnest($1::text[], $2::text[], $3::jsonb[])',
      [ids, ids.map((id) => `${id}/_history/1`), chunk.map(({ recordId: _r, postalCode, ...t }) => JSON.stringify({ ...t, postalCode }))]);
    await db.query(`INSERT INTO registry_source (source_id, record_id, document_type, item) SELECT id || '#1', id, 'cracp', item FROM unnest($1::text[], $2::jsonb[]) AS t(id, item)`,
      [ids, chunk.map((r, k) => {
        const [topography, morphology] = SITES[Number(pop.personOf[i + k].replace(/\D/g, '')) % SITES.length];
        return JSON.stringify({ documentRef: `Bundle/${r.recordId}/_history/1`, producer: 'bench', documentDate: '2025-03-01', topography, morphology, behaviour: 3, basis: 7, incidenceCandidates: [{ date: '2025-02-10', event: 'histology-specimen' }] });
      })]);
  }
}

for (const open of benchDatabases()) {
  const bench = await open();
  const db = await openDb({ databaseUrl: bench.env.DATABASE_URL, dataDir: bench.env.DATA_DIR, poolSize: 4 });
  try {
    await migrate(db);
    let t = performance.now();
    await load(db);
    const loadS = (performance.now() - t) / 1000;
    t = performance.now();
    const out = await runRegistry(db, key);
    const runS = (performance.now() - t) / 1000;
    if (!out.ran) throw new Error('the run did not take the lock');
    const { rows } = await db.query<{ record_id: string; person_key: string }>('SELECT record_id, person_key FROM registry_identity');
    const keyOf = new Map(rows.map((r) => [r.record_id, r.person_key]));
    const acc = pairwiseAccuracy(pop.records.map((r) => keyOf.get(`Bundle/${r.recordId}`)!), pop.personOf);
    const v = out.value;
    console.log(`${bench.label}: ${records} records loaded in ${loadS.toFixed(1)} s; run ${runS.toFixed(1)} s → persons ${v.persons} (true ${new Set(pop.personOf).size}), tumours ${v.tumours}, review pairs ${v.reviewPairs}; precision ${(100 * acc.precision).toFixed(2)} %, recall ${(100 * acc.recall).toFixed(2)} %; phases ${JSON.stringify(v.phases)}; peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB`);
  } finally {
    await db.close();
    await bench.cleanup();
  }
}

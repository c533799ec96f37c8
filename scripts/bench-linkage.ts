// Record-linkage accuracy and speed on a synthetic French-like population (src/registry/linkage/synthetic.ts):
// generate, link (keyed INS + Fellegi–Sunter/EM), then pairwise precision and recall against the truth,
// link time (generation excluded) and peak RSS. Usage: npm run bench:linkage -- --records 100000 [--seed N] [--no-ins 0.4]
import { randomBytes } from 'node:crypto';
import { generatePopulation, pairwiseAccuracy } from '../src/registry/linkage/synthetic.js';
import { link } from '../src/registry/linkage/link.js';

const args = process.argv.slice(2);
const opt = (name: string) => (args.indexOf(name) >= 0 ? args[args.indexOf(name) + 1] : undefined);
const records = Number(opt('--records') ?? 100_000);
const t0 = performance.now();
const pop = generatePopulation({ records, seed: Number(opt('--seed') ?? 42), noInsShare: Number(opt('--no-ins') ?? 0.4) });
const t1 = performance.now();
const result = link(pop.records, { key: randomBytes(32) });
const t2 = performance.now();
const acc = pairwiseAccuracy(pop.records.map((r) => result.personKeyOf.get(r.recordId)!), pop.personOf);
const persons = new Set(pop.personOf).size;
const pct = (x: number) => (100 * x).toFixed(3) + ' %';
console.log(JSON.stringify({ ...result.stats, ...result.timings, truePersons: persons, lambda: result.model.lambda }, null, 0));
console.log(`records ${records}  persons ${persons} (found ${result.stats.persons})  generation ${((t1 - t0) / 1000).toFixed(1)} s`);
console.log(`precision ${pct(acc.precision)}  recall ${pct(acc.recall)}  (true pairs ${acc.truePairs}, predicted ${acc.predictedPairs}, correct ${acc.correctPairs})`);
console.log(`link time ${((t2 - t1) / 1000).toFixed(1)} s  peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB`);

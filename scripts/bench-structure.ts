// Benchmark of the structural check (run on every write) and of the XML reader/writer, on Synthea resources.
// Usage: npx tsx scripts/bench-structure.ts [synthea-dir]
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import type { Bundle, Resource } from 'fhir/r4';
import { checkStructure } from '../src/fhir/structure.js';
import { fromXml, toXml } from '../src/fhir/xml/index.js';

const dir = process.argv[2] ?? '/work/shared/corpus/synthea-r4';
if (!existsSync(dir)) {
  console.error(`No Synthea corpus at ${dir}`);
  process.exit(1);
}
const resources: Resource[] = readdirSync(dir)
  .filter((f) => f.endsWith('.json'))
  .flatMap((f) => (JSON.parse(readFileSync(`${dir}/${f}`, 'utf8')) as Bundle).entry ?? [])
  .map((e) => e.resource!)
  .filter(Boolean);
const observations = resources.filter((r) => r.resourceType === 'Observation');

/** Median µs per call of fn over items, after a warm-up. */
function bench(name: string, items: unknown[], fn: (x: unknown) => unknown, rounds = 7): void {
  for (const x of items.slice(0, 2000)) fn(x);
  const perCall: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const t0 = process.hrtime.bigint();
    for (const x of items) fn(x);
    perCall.push(Number(process.hrtime.bigint() - t0) / 1000 / items.length);
  }
  perCall.sort((a, b) => a - b);
  console.log(`${name.padEnd(40)} ${items.length.toString().padStart(6)} items  median ${perCall[rounds >> 1].toFixed(2)} µs/item`);
}

const t0 = performance.now();
checkStructure(observations[0]);
console.log(`type model build + first check: ${(performance.now() - t0).toFixed(0)} ms`);

bench('checkStructure, Observations', observations, checkStructure);
bench('checkStructure, all resources', resources, checkStructure);
const xmls = resources.map((r) => toXml(r));
bench('toXml, all resources', resources, (r) => toXml(r as Resource), 3);
bench('fromXml, all resources', xmls, (x) => fromXml(x as string), 3);
const bytes = xmls.reduce((n, x) => n + x.length, 0);
console.log(`XML size: ${(bytes / 1e6).toFixed(1)} MB for ${resources.length} resources`);

// CDA → FHIR conversion throughput, on one core: the ANS CDA examples (../shared/corpus/cda, read in
// place) and examples/cda, each parsed and converted (and, separately, CI-SIS-validated too, without
// the XSD). Usage: tsx scripts/bench-cda-to-fhir.ts [dir…] [--seconds N]
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseCda } from '../src/cda/dom.js';
import { validateCda } from '../src/cda/validation/index.js';
import { detectFromCda } from '../src/documents/registry.js';

const args = process.argv.slice(2);
const at = args.indexOf('--seconds');
const seconds = at >= 0 ? Number(args[at + 1]) || 3 : 3;
const dirs = args.filter((a, i) => !a.startsWith('--') && i !== at + 1);
const sources = dirs.length ? dirs : [join(import.meta.dirname, '../../shared/corpus/cda'), join(import.meta.dirname, '../examples/cda')];
const docs = sources.filter(existsSync).flatMap((d) => readdirSync(d).filter((f) => f.endsWith('.xml')).sort().map((f) => ({ name: f, xml: readFileSync(join(d, f), 'utf8') })));
if (!docs.length) {
  console.error(`No CDA documents in ${sources.join(', ')}`);
  process.exit(2);
}

function convert(xml: string): number {
  const d = detectFromCda(parseCda(xml));
  return d?.type.toFhir?.(d.doc).result.entry?.length ?? 0;
}

function rate(label: string, fn: (xml: string) => unknown): void {
  for (const d of docs) fn(d.xml); // warm-up
  let n = 0;
  const bytes = docs.reduce((s, d) => s + d.xml.length, 0);
  const start = process.hrtime.bigint();
  let elapsed = 0;
  while (elapsed < seconds) {
    for (const d of docs) fn(d.xml);
    n += docs.length;
    elapsed = Number(process.hrtime.bigint() - start) / 1e9;
  }
  console.log(`${label}: ${(n / elapsed).toFixed(0)} documents/s (${((n / docs.length) * bytes / elapsed / 1e6).toFixed(1)} MB/s of CDA), ${n} documents in ${elapsed.toFixed(1)} s`);
}

console.log(`${docs.length} documents (${docs.map((d) => d.name).join(', ')})`);
for (const d of docs) console.log(`  ${d.name}: ${convert(d.xml)} FHIR resources`);
rate('parse + convert', convert);
rate('parse + CI-SIS validation (no XSD) + convert', (xml) => {
  const r = validateCda(xml, { xsdDir: '' });
  const d = r.document && detectFromCda(r.document);
  return d?.type.toFhir?.(d.doc);
});

// CDA throughput on one core (one process, documents one after another), per document set — the ANS
// examples (../shared/corpus/cda, read in place: 100–500 KiB each, every optional part filled and
// commented) and examples/cda (25–40 KiB, the size of real documents):
//   1. validate + convert CDA → FHIR, the $submit-cda pipeline without storage: parse once, CI-SIS
//      header and volet rules, then the volet's CDA → FHIR on the parsed document; with and without
//      the CDA XSD (libxml2-wasm, when the schemas are there);
//   2. FHIR → CDA of the Bundles that (1) made.
// The first round warms up; the median round is reported, as documents per second of wall time and
// the process CPU time per document (robust when other processes share the machine).
// Usage: npm run bench:cda [-- --rounds N] [--xsd DIR]
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Bundle } from 'fhir/r4';
import { validateCda } from '../src/cda/validation/index.js';
import { detectFromCda } from '../src/documents/registry.js';
import { fhirToCda } from '../src/documents/conversions.js';

const args = process.argv.slice(2);
const opt = (name: string) => (args.indexOf(name) >= 0 ? args[args.indexOf(name) + 1] : undefined);
const rounds = Number(opt('--rounds') ?? 20);
const root = join(import.meta.dirname, '..');
const corpusDir = join(root, '../shared/corpus/cda');
const xsdDir = opt('--xsd') ?? join(corpusDir, 'xsd');
const withXsd = existsSync(join(xsdDir, 'CDA_extended.xsd')) ? xsdDir : undefined;

interface Doc { name: string; xml: string }
function readSet(dir: string): Doc[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).filter((x) => x.endsWith('.xml')).sort().map((f) => ({ name: f, xml: readFileSync(join(dir, f), 'utf8') }));
}
const sets: [string, Doc[]][] = [
  ['ANS examples (shared corpus)', readSet(corpusDir)],
  ['examples/cda', readSet(join(root, 'examples/cda'))],
];

/** Validate, then convert the parsed document (one parse, as $submit-cda does). */
function validateAndConvert(xml: string, xsd: string | undefined): Bundle {
  const v = validateCda(xml, { xsdDir: xsd ?? '' });
  const detected = v.document ? detectFromCda(v.document) : undefined;
  if (!detected?.type.toFhir) throw new Error('not a cancer document');
  return detected.type.toFhir(detected.doc).result;
}

interface Result { perSecond: number; cpuMsPerDoc: number }

/** Median round of an operation over a list, after a warm-up round. */
function measure<T>(list: T[], op: (x: T) => unknown): Result {
  for (const x of list) op(x);
  const runs: { ms: number; cpu: number }[] = [];
  for (let r = 0; r < rounds; r++) {
    const c = process.cpuUsage();
    const t = performance.now();
    for (const x of list) op(x);
    const u = process.cpuUsage(c);
    runs.push({ ms: performance.now() - t, cpu: (u.user + u.system) / 1000 });
  }
  runs.sort((a, b) => a.ms - b.ms);
  const mid = runs[Math.floor(runs.length / 2)];
  return { perSecond: list.length / (mid.ms / 1000), cpuMsPerDoc: mid.cpu / list.length };
}

const line = (name: string, r: Result | undefined, note = '') =>
  console.log(`  ${name.padEnd(48)} ${r ? `${r.perSecond.toFixed(0).padStart(6)} documents/s   ${r.cpuMsPerDoc.toFixed(2).padStart(6)} ms CPU/document` : `(skipped${note})`}`);

console.log(`CDA benchmark: ${rounds} rounds after a warm-up, one process, sequential (Node ${process.version})`);
for (const [label, docs] of sets) {
  if (!docs.length) {
    console.log(`${label}: absent, skipped`);
    continue;
  }
  const kib = docs.reduce((n, d) => n + Buffer.byteLength(d.xml), 0) / 1024;
  console.log(`${label}: ${docs.length} documents, ${(kib / docs.length).toFixed(0)} KiB on average`);
  const bundles = docs.map((d) => validateAndConvert(d.xml, undefined));
  line('validate + convert CDA → FHIR (rules)', measure(docs, (d) => validateAndConvert(d.xml, undefined)));
  line('validate + convert CDA → FHIR (rules + XSD)', withXsd ? measure(docs, (d) => validateAndConvert(d.xml, withXsd)) : undefined, `: no XSD at ${xsdDir}`);
  line('convert FHIR → CDA', measure(bundles, (b) => fhirToCda(b)));
}

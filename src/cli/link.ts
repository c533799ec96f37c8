// `oncofhir link <records.ndjson> --out <clusters.csv>`: links person records into persons (keyed INS, then
// Fellegi–Sunter with EM) and writes recordId,personKey lines; --review writes the pairs for clerical review.
import { Command } from 'commander';
import { createReadStream, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import cliProgress from 'cli-progress';
import { loadRegistryKey, keyedIns } from '../registry/linkage/keyed-ins.js';
import { prepare, type Prepared } from '../registry/linkage/compare.js';
import { linkPrepared } from '../registry/linkage/link.js';
import { parsePersonLine } from '../registry/linkage/ndjson.js';
import type { PairDecision } from '../registry/linkage/types.js';

const csv = (s: string | number) => (/[",\n]/.test(String(s)) ? `"${String(s).replace(/"/g, '""')}"` : String(s));

function readDecisions(file: string): PairDecision[] {
  return readFileSync(file, 'utf8').split(/\r?\n/).map((l) => l.split(',').map((x) => x.trim()))
    .filter(([a, b, d]) => a && b && (d === 'confirmed' || d === 'rejected'))
    .map(([a, b, d]) => ({ a, b, decision: d as PairDecision['decision'] }));
}

export function linkCommand(): Command {
  return new Command('link')
    .description('Link person records (NDJSON: recordId, ins?, birthName, usedName?, givenNames[], birthDate, sex, birthplaceCode?, postalCode?) into persons')
    .argument('<records>', 'NDJSON file, one person record per line')
    .requiredOption('--out <file>', 'CSV output: recordId,personKey')
    .option('--review <file>', 'CSV of the pairs for clerical review: recordIdA,recordIdB,weight,probability')
    .option('--decisions <file>', 'CSV of registrar decisions that override the model: recordIdA,recordIdB,confirmed|rejected')
    .option('--key-file <file>', 'file holding the registry secret (else REGISTRY_KEY / REGISTRY_KEY_FILE)')
    .action(async (input: string, opts: { out: string; review?: string; decisions?: string; keyFile?: string }) => {
      const started = performance.now();
      const key = loadRegistryKey({ keyFile: opts.keyFile });
      if (key.ephemeral) process.stderr.write('warning: no registry key (--key-file, REGISTRY_KEY or REGISTRY_KEY_FILE): person keys use an ephemeral random key and will differ on the next run\n');
      const bar = new cliProgress.SingleBar({ format: 'link {phase} [{bar}] {percentage}% | {records} records', stream: process.stderr, hideCursor: true, noTTYOutput: true, notTTYSchedule: 2000 }, cliProgress.Presets.shades_classic);
      bar.start(100, 0, { phase: 'read', records: 0 });
      const size = statSync(input).size || 1;
      const recs: Prepared[] = [];
      const seen = new Set<string>();
      let bytes = 0, lineNo = 0, refused = 0;
      for await (const line of createInterface({ input: createReadStream(input), crlfDelay: Infinity })) {
        lineNo++;
        bytes += Buffer.byteLength(line) + 1;
        if (!line.trim()) continue;
        const r = parsePersonLine(line);
        const error = typeof r === 'string' ? r : seen.has(r.recordId) ? `duplicate recordId ${r.recordId}` : undefined;
        if (error || typeof r === 'string') { refused++; process.stderr.write(`\n${input}:${lineNo}: ${error}\n`); continue; }
        seen.add(r.recordId);
        recs.push(prepare(r, keyedIns(key.secret, r.ins, r.birthDate, r.sex)));
        if (recs.length % 5000 === 0) bar.update(Math.floor((100 * bytes) / size), { records: recs.length });
      }
      bar.update(0, { phase: 'compare', records: recs.length });
      const result = linkPrepared(recs, { key: key.secret, decisions: opts.decisions ? readDecisions(opts.decisions) : [], onProgress: (_p, done, total) => bar.update(Math.floor((100 * done) / Math.max(1, total))) });
      bar.update(100);
      bar.stop();
      writeFileSync(opts.out, 'recordId,personKey\n' + recs.map((r) => `${csv(r.id)},${result.personKeyOf.get(r.id)}\n`).join(''));
      if (opts.review) writeFileSync(opts.review, 'recordIdA,recordIdB,weight,probability\n' + result.reviewPairs.map((p) => `${csv(p.a)},${csv(p.b)},${p.weight},${p.probability}\n`).join(''));
      const s = result.stats;
      const seconds = ((performance.now() - started) / 1000).toFixed(1);
      console.log(`records ${s.records}  persons ${s.persons}  links ${s.links} (INS ${s.deterministicLinks})  review pairs ${s.reviewPairs}  candidate pairs ${s.candidatePairs}  refused lines ${refused}  seconds ${seconds}`);
      if (refused) process.exitCode = 1;
    });
}

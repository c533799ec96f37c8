// `oncofhir import <files|dirs…>`: loads Bundles (.json) and NDJSON (.ndjson) into the store
// through the same interactions as the REST API, with a progress bar and a summary.
import { Command } from 'commander';
import { createReadStream, readFileSync, readdirSync, statSync } from 'node:fs';
import { join, extname } from 'node:path';
import { createInterface } from 'node:readline';
import cliProgress from 'cli-progress';
import type { Bundle, BundleEntry, Resource } from 'fhir/r4';
import { loadConfig } from '../config.js';
import { openContext } from '../server.js';
import { dispatch } from '../api/router.js';
import type { ApiContext } from '../api/types.js';
import { FhirError } from '../fhir/errors.js';

const NDJSON_BATCH = 500;

export interface ImportSummary {
  files: number;
  resources: number;
  failedFiles: { file: string; error: string }[];
  seconds: number;
}

export function listInputs(paths: string[]): string[] {
  const out: string[] = [];
  for (const p of paths) {
    const st = statSync(p);
    if (st.isDirectory()) out.push(...listInputs(readdirSync(p).sort().map((f) => join(p, f))));
    else if (['.json', '.ndjson'].includes(extname(p))) out.push(p);
  }
  return out;
}

/** Turns a Bundle into the transaction that loads it. */
export function asTransaction(bundle: Bundle<Resource>): Bundle<Resource> {
  if (bundle.type === 'transaction' || bundle.type === 'batch') return bundle;
  if (bundle.type === 'collection' || bundle.type === 'searchset' || bundle.type === 'history') {
    return { resourceType: 'Bundle', type: 'transaction', entry: (bundle.entry ?? []).filter((e) => e.resource).map((e) => entryFor(e.resource!, e.fullUrl)) };
  }
  return { resourceType: 'Bundle', type: 'transaction', entry: [entryFor(bundle as Resource)] };
}

function entryFor(resource: Resource, fullUrl?: string): BundleEntry<Resource> {
  return resource.id
    ? { fullUrl, resource, request: { method: 'PUT', url: `${resource.resourceType}/${resource.id}` } }
    : { fullUrl, resource, request: { method: 'POST', url: resource.resourceType } };
}

async function runTransaction(ctx: ApiContext, bundle: Bundle<Resource>): Promise<number> {
  const out = await dispatch({ ctx, req: { method: 'POST', path: '', query: [], body: bundle, headers: { prefer: 'return=minimal' } } });
  return ((out.resource as Bundle).entry ?? []).length;
}

async function importNdjson(ctx: ApiContext, file: string, onResources: (n: number, bytes: number) => void): Promise<number> {
  const lines = createInterface({ input: createReadStream(file, 'utf8'), crlfDelay: Infinity });
  let batch: BundleEntry<Resource>[] = [];
  let bytes = 0, total = 0, lineNo = 0;
  const flush = async () => {
    if (!batch.length) return;
    const n = await runTransaction(ctx, { resourceType: 'Bundle', type: 'transaction', entry: batch });
    total += n;
    onResources(n, bytes);
    batch = [];
    bytes = 0;
  };
  for await (const line of lines) {
    lineNo++;
    bytes += Buffer.byteLength(line) + 1;
    if (!line.trim()) continue;
    let r: Resource;
    try {
      r = JSON.parse(line);
    } catch {
      throw new Error(`line ${lineNo} is not JSON`);
    }
    batch.push(entryFor(r));
    if (batch.length >= NDJSON_BATCH) await flush();
  }
  await flush();
  return total;
}

export async function importFiles(ctx: ApiContext, files: string[], progress?: (done: number, resources: number) => void): Promise<ImportSummary> {
  const started = Date.now();
  const summary: ImportSummary = { files: 0, resources: 0, failedFiles: [], seconds: 0 };
  let doneBytes = 0;
  for (const file of files) {
    const startBytes = doneBytes;
    try {
      if (extname(file) === '.ndjson') {
        const before = summary.resources;
        let seen = 0, read = 0;
        summary.resources += await importNdjson(ctx, file, (count, bytes) => progress?.(startBytes + (read += bytes), before + (seen += count)));
      } else {
        const bundle = JSON.parse(readFileSync(file, 'utf8')) as Bundle<Resource>;
        summary.resources += await runTransaction(ctx, asTransaction(bundle));
      }
      summary.files++;
    } catch (e) {
      const msg = e instanceof FhirError ? e.issues.map((i) => `${i.diagnostics}${i.expression ? ` @ ${i.expression.join(', ')}` : ''}`).join('; ') : (e as Error).message;
      summary.failedFiles.push({ file, error: msg });
    }
    doneBytes = startBytes + statSync(file).size;
    progress?.(doneBytes, summary.resources);
  }
  summary.seconds = (Date.now() - started) / 1000;
  return summary;
}

export function importCommand(): Command {
  return new Command('import')
    .description('Load FHIR Bundles (.json: transaction, batch, collection…) and NDJSON files (.ndjson) into the store')
    .argument('<paths...>', 'files or directories (searched recursively for .json and .ndjson)')
    .action(async (paths: string[]) => {
      const files = listInputs(paths);
      const totalBytes = files.reduce((s, f) => s + statSync(f).size, 0);
      const ctx = await openContext(loadConfig());
      const bar = new cliProgress.SingleBar({ format: 'import [{bar}] {percentage}% | {resources} resources | {rate} res/s | ETA {eta_formatted}', stream: process.stderr, hideCursor: true, noTTYOutput: true, notTTYSchedule: 5000 }, cliProgress.Presets.shades_classic);
      const started = Date.now();
      bar.start(totalBytes, 0, { resources: 0, rate: 0 });
      const summary = await importFiles(ctx, files, (done, resources) => bar.update(done, { resources, rate: Math.round(resources / Math.max(0.001, (Date.now() - started) / 1000)) }));
      bar.stop();
      await ctx.db.close();
      console.log(`Imported ${summary.resources} resources from ${summary.files} of ${files.length} files in ${summary.seconds.toFixed(1)} s (${Math.round(summary.resources / Math.max(summary.seconds, 0.001))} resources/s).`);
      for (const f of summary.failedFiles) console.log(`FAILED ${f.file}: ${f.error}`);
      process.exitCode = summary.failedFiles.length ? 1 : 0;
    });
}

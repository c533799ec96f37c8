// Writes the invalid variants of the FHIR document examples (examples/invalid-fhir-variants.json: a valid
// base, a JSON Patch, the expected error) to examples/fhir/invalid/. Run after changing an example:
// tsx scripts/build-invalid-examples.ts
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { invalidVariants, materialise } from '../test/documents/invalid-variants.js';

const out = join(import.meta.dirname, '../examples/fhir/invalid');
mkdirSync(out, { recursive: true });
for (const f of readdirSync(out)) if (f.endsWith('.json')) rmSync(join(out, f));
for (const v of invalidVariants()) writeFileSync(join(out, `${v.name}.json`), JSON.stringify(materialise(v), null, 2) + '\n');
console.log(`${invalidVariants().length} invalid variants written to examples/fhir/invalid/`);

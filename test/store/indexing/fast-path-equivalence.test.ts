// The fast walker must give the same values as fhirpath.js (R4 model) for every search parameter
// it compiles, over every Synthea resource; and it must decline the forms it does not know.
import { describe, expect, it } from 'vitest';
import { getSearchParamByUrl, searchParamsFor } from '../../../src/fhir/search-params.js';
import { compileFhirpath, normaliseExpression } from '../../../src/store/indexing/evaluate.js';
import { compileFast } from '../../../src/store/indexing/fast-path.js';
import type { TypedValue } from '../../../src/store/indexing/typed-value.js';
import { hasSynthea, syntheaBundles, syntheaResources, SYNTHEA_DIR } from '../../fhir/corpus.js';

function canon(v: unknown): string {
  if (Array.isArray(v)) return '[' + v.map(canon).join(',') + ']';
  if (v && typeof v === 'object') return '{' + Object.keys(v).sort().map((k) => k + ':' + canon((v as Record<string, unknown>)[k])).join(',') + '}';
  return JSON.stringify(v);
}

/**
 * Values must match in order; complex values must also have the same FHIR type (fhirpath.js names
 * backbone elements `BackboneElement`, the walker by their path).
 */
const typeName = (t: string) => (t.includes('.') ? 'BackboneElement' : t);
const describeValues = (vs: TypedValue[]) => vs.map((v) => (typeof v.value === 'object' ? `${typeName(v.type)}=${canon(v.value)}` : canon(v.value)));

describe('fast path declines what it does not know', () => {
  it.each([
    ['Patient.deceased.exists() and Patient.deceased != false', 'Patient'],
    ['Bundle.entry[0].resource', 'Bundle'],
    ['%resource.referenceSeq.chromosome', 'MolecularSequence.variant'],
    ['Patient.name.given.first()', 'Patient'],
    ['Patient.name.where(use = %x)', 'Patient'],
    ['Observation.value as Quantity', 'Observation'],
    ['Foo.bar', 'Patient'],
  ])('%s', (expr, type) => {
    expect(compileFast(normaliseExpression(expr), type)).toBeUndefined();
  });

  it.each([
    ['Patient.name', 'Patient'],
    ['Observation.code | Observation.component.code', 'Observation'],
    ['(Observation.value as Quantity)', 'Observation'],
    ['Condition.onset.as(Age)', 'Condition'],
    ['Observation.subject.where(resolve() is Patient)', 'Observation'],
    ['Patient.telecom.where(system=\'email\')', 'Patient'],
    ['Resource.meta.tag', 'Patient'],
    ['value.as(DateTime)', 'Observation'],
  ])('compiles %s', (expr, type) => {
    expect(compileFast(normaliseExpression(expr), type)).toBeDefined();
  });
});

describe.skipIf(!hasSynthea)(`fast path equals fhirpath.js over Synthea (${SYNTHEA_DIR})`, () => {
  it('gives the same values for every parameter and composite component', () => {
    // Also with urn:uuid references rewritten to `Type/id`, as ingest stores them, so that
    // `where(resolve() is X)` sees typed references.
    const resources = syntheaBundles().flatMap(([, b]) => {
      const ids = new Map((b.entry ?? []).map((e) => [e.fullUrl, `${e.resource!.resourceType}/${e.resource!.id}`]));
      const rs = syntheaResources(b);
      return [...rs, ...rs.map((r) => JSON.parse(JSON.stringify(r).replace(/"urn:uuid:[0-9a-f-]+"/g, (u) => JSON.stringify(ids.get(u.slice(1, -1)) ?? u.slice(1, -1)))))];
    });
    const mismatches: string[] = [];
    let compared = 0, withValues = 0;
    const check = (expression: string, contextType: string, node: TypedValue, root: unknown, where: string) => {
      const norm = normaliseExpression(expression);
      const fast = compileFast(norm, contextType);
      if (!fast) return;
      const got = describeValues(fast([node]));
      const want = describeValues(compileFhirpath(norm, contextType)(node, root));
      compared++;
      if (want.length) withValues++;
      if (canon(got) !== canon(want) && mismatches.length < 20) mismatches.push(`${where} ${expression}: fast ${canon(got).slice(0, 300)} vs fhirpath.js ${canon(want).slice(0, 300)}`);
    };
    for (const r of resources) {
      const root: TypedValue = { value: r, type: r.resourceType };
      for (const p of searchParamsFor(r.resourceType)) {
        if (!p.expression) continue;
        check(p.expression, r.resourceType, root, r, `${r.resourceType}/${r.id} ${p.code}`);
        if (p.type !== 'composite') continue;
        const ctxFast = compileFast(normaliseExpression(p.expression), r.resourceType);
        for (const ctx of ctxFast?.([root]) ?? []) {
          for (const c of p.component ?? []) {
            if (getSearchParamByUrl(c.definition)) check(c.expression, ctx.type, ctx, r, `${r.resourceType}/${r.id} ${p.code} component`);
          }
        }
      }
    }
    console.log(`fast path: ${compared} evaluations compared with fhirpath.js, ${withValues} with values, over ${resources.length} resources`);
    expect(mismatches).toEqual([]);
    expect(withValues).toBeGreaterThan(100_000);
  }, 300_000);
});

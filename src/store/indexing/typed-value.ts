// A value found by a search expression, with its FHIR type (needed to know how to index it),
// plus the small type helpers both evaluators share (so they agree on `is`, `as` and `resolve()`).
import { baseStructures } from '../../fhir/definitions.js';

export interface TypedValue {
  /** The JSON value (object for complex types, scalar for primitives). */
  value: unknown;
  /** FHIR type code (`Quantity`, `dateTime`…), backbone path (`Observation.component`) or resource type. */
  type: string;
}

const ancestry = new Map<string, Set<string>>();

/** Whether type `t` is `target` or derives from it (Age is a Quantity, Patient a DomainResource). */
export function isOfType(t: string, target: string): boolean {
  if (t === target) return true;
  let set = ancestry.get(t);
  if (!set) {
    set = new Set();
    const sds = baseStructures();
    let sd = sds.get(t);
    while (sd?.baseDefinition) {
      const base = sd.baseDefinition.slice(sd.baseDefinition.lastIndexOf('/') + 1);
      set.add(base);
      sd = sds.get(base);
    }
    ancestry.set(t, set);
  }
  return set.has(target);
}

const REF_RE = /(?:^|\/)([A-Z][A-Za-z]+)\/[A-Za-z0-9\-.]{1,64}(?:\/_history\/[A-Za-z0-9\-.]{1,64})?$/;

/**
 * The resource type a Reference points to, as `resolve() is X` sees it: taken from its `reference`
 * string (relative or absolute `…/Type/id`), else from `Reference.type`. Contained (`#id`) and
 * `urn:uuid:` references have no type here.
 */
export function referenceTargetType(ref: unknown): string | undefined {
  if (typeof ref !== 'object' || ref === null) return undefined;
  const r = ref as { reference?: unknown; type?: unknown };
  if (typeof r.reference === 'string') {
    const m = REF_RE.exec(r.reference);
    if (m) return m[1];
  }
  return typeof r.type === 'string' && /^[A-Z][A-Za-z]+$/.test(r.type) ? r.type : undefined;
}

// A read-only view of a FHIR document Bundle for extraction: resources with their FHIRPath location,
// reference resolution (urn:uuid fullUrls or Type/id), code lookups by code-system family, and the
// issues collected on the way.
import type { Bundle, CodeableConcept, Coding, FhirResource, Reference } from 'fhir/r4';
import type { Issue } from '../../fhir/errors.js';
import mapping from './mapping.json' with { type: 'json' };

export type SystemFamily = keyof Omit<typeof mapping.systems, 'description'>;

export interface Located<T extends FhirResource = FhirResource> { res: T; path: string }

const FAMILY = new Map<string, SystemFamily>();
for (const [family, uris] of Object.entries(mapping.systems)) {
  if (Array.isArray(uris)) for (const u of uris) FAMILY.set(u, family as SystemFamily);
}

export const familyOf = (system: string | undefined): SystemFamily | undefined => (system ? FAMILY.get(system) : undefined);

/** The codings of a concept in one family of code systems. */
export const codingsIn = (cc: CodeableConcept | undefined, family: SystemFamily): Coding[] =>
  (cc?.coding ?? []).filter((c) => c.code && familyOf(c.system) === family);

export const codeIn = (cc: CodeableConcept | undefined, family: SystemFamily): string | undefined => codingsIn(cc, family)[0]?.code;

/** Any code of the concept, whatever its system (LOINC and CI-SIS codes do not collide). */
export const hasAnyCode = (cc: CodeableConcept | undefined, codes: readonly string[]): boolean =>
  (cc?.coding ?? []).some((c) => !!c.code && codes.includes(c.code));

export class DocumentView {
  readonly issues: Issue[] = [];
  readonly located: Located[];
  private readonly byRef = new Map<string, Located>();

  constructor(readonly bundle: Bundle) {
    const entries = Array.isArray(bundle.entry) ? bundle.entry : [];
    this.located = entries.flatMap((e, i) => (e?.resource && typeof e.resource === 'object' ? [{ res: e.resource, path: `Bundle.entry[${i}].resource` }] : []));
    entries.forEach((e, i) => {
      const loc = this.located.find((l) => l.path === `Bundle.entry[${i}].resource`);
      if (!loc) return;
      if (e.fullUrl) this.byRef.set(e.fullUrl, loc);
      if (loc.res.id) this.byRef.set(`${loc.res.resourceType}/${loc.res.id}`, loc);
    });
  }

  all<T extends FhirResource['resourceType']>(type: T): Located<Extract<FhirResource, { resourceType: T }>>[] {
    return this.located.filter((l) => l.res.resourceType === type) as Located<Extract<FhirResource, { resourceType: T }>>[];
  }

  resolve(ref: Reference | undefined): Located | undefined {
    const r = ref?.reference;
    if (!r) return undefined;
    return this.byRef.get(r) ?? this.byRef.get(r.replace(/^.*\/([A-Za-z]+\/[^/]+)$/, '$1'));
  }

  /** True when `ref` points at `target`. */
  refersTo(ref: Reference | undefined, target: Located): boolean {
    return !!ref && this.resolve(ref) === target;
  }

  warn(diagnostics: string, expression: string, code: Issue['code'] = 'incomplete'): void {
    this.issues.push({ severity: 'warning', code, diagnostics, expression: [expression] });
  }

  inform(diagnostics: string, expression: string, code: Issue['code'] = 'informational'): void {
    this.issues.push({ severity: 'information', code, diagnostics, expression: [expression] });
  }
}

const DATE = /^(\d{4})(-(\d{2})(-(\d{2}))?)?/;

/** The date part (YYYY, YYYY-MM or YYYY-MM-DD) of a FHIR date or dateTime, undefined when malformed. */
export function datePart(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const m = /^(\d{4})(-(\d{2})(-(\d{2}))?)?(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?)?$/.exec(value.trim());
  if (!m) return undefined;
  const [, y, , mo, , d] = m;
  if (mo && (+mo < 1 || +mo > 12)) return undefined;
  if (d) {
    const day = new Date(Date.UTC(+y, +mo - 1, +d));
    if (day.getUTCMonth() !== +mo - 1 || day.getUTCDate() !== +d) return undefined;
  }
  return DATE.exec(value.trim())![0];
}

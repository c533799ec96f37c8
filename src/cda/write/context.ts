// What every FHIR → CDA writer shares: the document Bundle indexed by fullUrl and Type/id (references
// resolved the FHIR way, inside the Bundle), the FHIRPath location of each resource, stable CDA ids
// for resources, the warnings naming what could not be mapped, and which entries were used, so that
// resources nothing refers to are reported rather than silently dropped.
import type { Bundle, Composition, FhirResource, Identifier, Reference, Resource } from 'fhir/r4';
import type { Issue } from '../../fhir/errors.js';
import { stableUuid } from '../to-fhir/builder.js';
import { iiAttrs, type Warn } from './datatypes.js';
import { el, type XElement } from './xml.js';

export interface Located<T extends Resource = FhirResource> {
  resource: T;
  /** FHIRPath of the resource in the Bundle, e.g. Bundle.entry[3].resource. */
  path: string;
  fullUrl?: string;
}

export class WriteContext {
  readonly warnings: Issue[] = [];
  private readonly byUrl = new Map<string, Located>();
  private readonly used = new Set<string>();
  /** Counter for the ids of CDA statements that have no FHIR resource (comments, sub-observations). */
  private seq = 0;
  readonly composition: Located<Composition>;

  constructor(readonly bundle: Bundle) {
    (bundle.entry ?? []).forEach((e, i) => {
      const r = e.resource;
      if (!r) return;
      const loc: Located = { resource: r, path: `Bundle.entry[${i}].resource`, fullUrl: e.fullUrl };
      if (e.fullUrl) this.byUrl.set(e.fullUrl, loc);
      if (r.id) {
        this.byUrl.set(`${r.resourceType}/${r.id}`, loc);
        // An absolute fullUrl ending in Type/id is also reachable by its relative form.
        const m = e.fullUrl ? /([A-Za-z]+\/[A-Za-z0-9.-]+)$/.exec(e.fullUrl) : null;
        if (m) this.byUrl.set(m[1], loc);
      }
    });
    const first = bundle.entry?.[0]?.resource;
    if (first?.resourceType !== 'Composition') throw new Error('The first entry of a FHIR document Bundle must be its Composition');
    this.composition = { resource: first, path: 'Bundle.entry[0].resource', fullUrl: bundle.entry![0].fullUrl };
    this.markUsed(this.composition);
  }

  private readonly warned = new Set<string>();

  warn: Warn = (diagnostics, path, severity = 'warning') => {
    // A resource written in several places (an organisation) is reported once.
    const key = `${path}|${diagnostics}`;
    if (this.warned.has(key)) return;
    this.warned.add(key);
    this.warnings.push({ severity, code: severity === 'information' ? 'informational' : 'not-supported', diagnostics, expression: [path] });
  };

  /** The Bundle resource a reference points to (by fullUrl, urn:uuid, Type/id or an absolute URL ending in Type/id). */
  resolve<T extends Resource = FhirResource>(ref: Reference | undefined, from?: string): Located<T> | undefined {
    const r = ref?.reference;
    if (!r) return undefined;
    const hit = this.byUrl.get(r) ?? this.byUrl.get(/([A-Za-z]+\/[A-Za-z0-9.-]+)(\/_history\/.*)?$/.exec(r)?.[1] ?? '');
    if (!hit) {
      if (from) this.warn(`The reference ${r} does not resolve inside the Bundle`, from, 'warning');
      return undefined;
    }
    return hit as unknown as Located<T>;
  }

  markUsed(loc: Located | undefined): void {
    if (loc) this.used.add(loc.path);
  }

  /** Resolves and marks as written. */
  take<T extends Resource = FhirResource>(ref: Reference | undefined, from?: string): Located<T> | undefined {
    const loc = this.resolve<T>(ref, from);
    this.markUsed(loc as unknown as Located);
    return loc;
  }

  /** Entries nothing in the CDA came from (reported as unmapped). */
  unused(): Located[] {
    return (this.bundle.entry ?? []).flatMap((e, i) => (e.resource && !this.used.has(`Bundle.entry[${i}].resource`) ? [{ resource: e.resource, path: `Bundle.entry[${i}].resource`, fullUrl: e.fullUrl }] : []));
  }

  /** A CDA <id> for a resource: its first identifier with an OID/UUID system, else a UUID from its fullUrl or a stable one. */
  idOf(loc: Located | undefined, seed = ''): XElement {
    if (!loc) return el('id', { root: stableUuid('cda-id', this.composition.fullUrl ?? '', seed, String(this.seq++)).toUpperCase() });
    const ids = ((loc?.resource as { identifier?: Identifier[] | Identifier } | undefined)?.identifier);
    for (const id of Array.isArray(ids) ? ids : ids ? [ids] : []) {
      const a = iiAttrs(id);
      if (a) return el('id', { root: a.root, extension: a.extension });
    }
    const m = /^urn:uuid:([0-9a-f-]{36})$/i.exec(loc?.fullUrl ?? '');
    if (m) return el('id', { root: m[1].toUpperCase() });
    const rid = loc?.resource.id;
    if (rid && /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(rid)) return el('id', { root: rid.toUpperCase() });
    return el('id', { root: stableUuid('cda-id', loc?.fullUrl ?? loc?.path ?? '', seed).toUpperCase() });
  }
}

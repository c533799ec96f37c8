// Accumulates the resources of one FHIR document Bundle while a CDA document is converted: stable
// urn:uuid fullUrls, de-duplication by key, narrative look-ups for <reference value="#id"/>, and
// the warnings that name what could not be mapped (with the CDA XPath).
import { createHash } from 'node:crypto';
import type { BundleEntry, FhirResource, Reference, Resource } from 'fhir/r4';
import type { Issue } from '../../fhir/errors.js';
import { child, descendants, text, type CdaElement } from '../dom.js';

/** A name-based UUID (SHA-256 of the parts, version 8): converting the same document twice gives the
 *  same ids, and a new version of a document (same setId) reuses the ids of the previous one. */
export function stableUuid(...parts: string[]): string {
  const h = createHash('sha256').update(parts.join('\u0000')).digest('hex');
  const variant = ((parseInt(h[16], 16) & 0x3) | 0x8).toString(16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-8${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

export class DocumentBuilder {
  readonly entries: BundleEntry[] = [];
  readonly warnings: Issue[] = [];
  private readonly byKey = new Map<string, Reference>();
  private narrative?: Map<string, CdaElement>;

  /** seed: the document's setId (root|extension), so ids are stable across versions of one document. */
  constructor(readonly doc: CdaElement, readonly seed: string) {}

  /** Adds a resource owned by this document (id derived from the setId and key). */
  add<T extends Resource>(key: string, resource: T): Reference {
    return this.put(stableUuid(this.seed, key), key, resource);
  }

  /** Adds a resource shared across documents (Practitioner by RPPS…): its id depends only on key. */
  addShared<T extends Resource>(key: string, resource: T): Reference {
    return this.put(stableUuid('shared', key), key, resource);
  }

  /** The reference a resource added later under key will have (to point to it before it exists). */
  refFor(key: string, shared = false): Reference {
    return this.byKey.get(key) ?? { reference: `urn:uuid:${shared ? stableUuid('shared', key) : stableUuid(this.seed, key)}` };
  }

  /** The reference of a resource already added under key. */
  ref(key: string): Reference | undefined {
    return this.byKey.get(key);
  }

  /** The resource behind a reference added earlier (to enrich it, e.g. add a hasMember). */
  resolve<T extends Resource>(ref: Reference | undefined): T | undefined {
    return this.entries.find((e) => e.fullUrl === ref?.reference)?.resource as T | undefined;
  }

  private put<T extends Resource>(id: string, key: string, resource: T): Reference {
    const existing = this.byKey.get(key);
    if (existing) return existing;
    const fullUrl = `urn:uuid:${id}`;
    const { resourceType, meta, ...rest } = resource;
    this.entries.push({ fullUrl, resource: { resourceType, id, ...(meta ? { meta } : {}), ...rest } as FhirResource });
    const ref: Reference = { reference: fullUrl };
    this.byKey.set(key, ref);
    return ref;
  }

  warn(diagnostics: string, el: CdaElement | string, severity: Issue['severity'] = 'warning', code: Issue['code'] = 'not-supported'): void {
    this.warnings.push({ severity, code, diagnostics, expression: [typeof el === 'string' ? el : el.xpath] });
  }

  /** Text an element points to: `<reference value="#id"/>` (itself or as a child) resolved in the
   *  narrative, else the element's own text. */
  resolveText = (el: CdaElement | undefined): string | undefined => {
    if (!el) return undefined;
    const ref = el.name === 'reference' ? el : child(el, 'reference');
    const target = ref?.attrs.value?.startsWith('#') ? this.narrativeIndex().get(ref.attrs.value.slice(1)) : undefined;
    const t = target ? text(target) : text(el);
    return t && t !== '#' ? t : undefined;
  };

  private narrativeIndex(): Map<string, CdaElement> {
    if (!this.narrative) {
      this.narrative = new Map();
      for (const e of descendants(this.doc)) if (e.attrs.ID) this.narrative.set(e.attrs.ID, e);
    }
    return this.narrative;
  }
}

// Accumulates the resources of one FHIR document Bundle while a CDA document is converted: stable
// urn:uuid fullUrls, de-duplication by key, narrative look-ups for <reference value="#id"/>, and
// the warnings that name what could not be mapped (with the CDA XPath).
import { createHash } from 'node:crypto';
import type { BundleEntry, FhirResource, Reference, Resource } from 'fhir/r4';
import type { Issue } from '../../fhir/errors.js';
import { child, text, type CdaElement } from '../dom.js';

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
  private readonly byUrl = new Map<string, BundleEntry>();
  /** Family name first seen for a professional's national id (to warn when one id names two people). */
  readonly namesById = new Map<string, string | undefined>();
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
    return (ref?.reference ? this.byUrl.get(ref.reference)?.resource : undefined) as T | undefined;
  }

  private put<T extends Resource>(id: string, key: string, resource: T): Reference {
    const existing = this.byKey.get(key);
    if (existing) return existing;
    const fullUrl = `urn:uuid:${id}`;
    const { resourceType, meta, ...rest } = resource;
    const entry: BundleEntry = { fullUrl, resource: { resourceType, id, ...(meta ? { meta } : {}), ...rest } as FhirResource };
    this.entries.push(entry);
    this.byUrl.set(fullUrl, entry);
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
      // Narrative IDs live in section texts; an explicit stack is much cheaper than a generator here.
      const stack = [this.doc];
      while (stack.length) {
        const e = stack.pop()!;
        if (e.attrs.ID) this.narrative.set(e.attrs.ID, e);
        for (const c of e.children) stack.push(c);
      }
    }
    return this.narrative;
  }

  /** The first element (depth first) whose name is `name` and that satisfies `test`. */
  find(name: string, test: (e: CdaElement) => boolean): CdaElement | undefined {
    const stack = [this.doc];
    while (stack.length) {
      const e = stack.pop()!;
      if (e.name === name && test(e)) return e;
      for (let i = e.children.length - 1; i >= 0; i--) stack.push(e.children[i]);
    }
    return undefined;
  }
}

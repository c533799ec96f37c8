// $expand output: an R4 ValueSet with expansion (text filter, paging), from the cached code set.
import { randomUUID } from 'node:crypto';
import type { ValueSet, ValueSetExpansionContains, ValueSetExpansionParameter } from 'fhir/r4';
import { notFound, notSupported } from '../fhir/errors.js';
import { expansionSet, itemsOf, type ExpansionItem } from './expand.js';
import { getValueSet } from './registry.js';

export interface ExpandOptions {
  filter?: string;
  count?: number;
  offset?: number;
  /** Drop inactive codes. */
  activeOnly?: boolean;
  includeDesignations?: boolean;
}

/** Every term of the filter must start a word of the display, or start the code. */
function textMatcher(filter: string): (i: ExpansionItem) => boolean {
  const terms = filter.toLowerCase().split(/\s+/).filter(Boolean);
  return (i) => {
    const words = `${i.display ?? ''} ${i.code}`.toLowerCase().split(/[^\p{L}\p{N}]+/u);
    return terms.every((t) => words.some((w) => w.startsWith(t)) || i.code.toLowerCase().startsWith(t) || (i.display ?? '').toLowerCase().includes(t));
  };
}

export function expandValueSet(url: string, opts: ExpandOptions = {}): ValueSet {
  const vs = getValueSet(url);
  if (!vs) throw notFound(`The value set ${url} is not known`);
  return expandValueSetResource(vs, opts);
}

export function expandValueSetResource(vs: ValueSet, opts: ExpandOptions = {}): ValueSet {
  const set = expansionSet(vs);
  if (set.rules.length) {
    throw notSupported(`The value set ${vs.url ?? vs.id ?? ''} cannot be expanded: it includes the grammar-based code system ${set.rules[0].system}, whose codes cannot be listed`);
  }
  if (set.unknownAll || set.unknownSystems.size) {
    throw notSupported(`The value set ${vs.url ?? vs.id ?? ''} cannot be expanded: ${[...new Set(set.reasons)].join('; ')}`);
  }
  let items = itemsOf(set);
  if (opts.activeOnly) items = items.filter((i) => !i.inactive);
  if (opts.filter) items = items.filter(textMatcher(opts.filter));
  const offset = opts.offset ?? 0;
  const page = items.slice(offset, opts.count === undefined ? undefined : offset + opts.count);
  const parameter: ValueSetExpansionParameter[] = [];
  if (opts.filter) parameter.push({ name: 'filter', valueString: opts.filter });
  if (opts.count !== undefined) parameter.push({ name: 'count', valueInteger: opts.count });
  if (opts.offset !== undefined) parameter.push({ name: 'offset', valueInteger: opts.offset });
  if (opts.activeOnly) parameter.push({ name: 'activeOnly', valueBoolean: true });
  const contains: ValueSetExpansionContains[] = page.map((i) => ({
    system: i.system,
    ...(i.version ? { version: i.version } : {}),
    code: i.code,
    ...(i.display !== undefined ? { display: i.display } : {}),
    ...(i.abstract ? { abstract: true } : {}),
    ...(i.inactive ? { inactive: true } : {}),
    ...(opts.includeDesignations && i.designation?.length ? { designation: i.designation } : {}),
  }));
  const { text: _t, compose: _c, expansion: _e, ...meta } = vs;
  return {
    ...meta,
    resourceType: 'ValueSet',
    status: vs.status ?? 'active',
    expansion: {
      identifier: `urn:uuid:${randomUUID()}`,
      timestamp: new Date().toISOString(),
      total: items.length,
      offset,
      ...(parameter.length ? { parameter } : {}),
      ...(contains.length ? { contains } : {}),
    },
  };
}

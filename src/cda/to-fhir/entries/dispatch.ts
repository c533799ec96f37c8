// Picks the mapper of a CDA entry from the volet's rule table (first match wins) and runs it.
// Entries no rule covers are reported as warnings with their XPath; their narrative stays in the
// section text, so nothing is dropped silently.
import { child, templateIds, type CdaElement } from '../../dom.js';
import type { EntryContext, EntryRule, MapResult, Mapper } from './context.js';

const mappers = new Map<string, Mapper>();

export function registerMapper(name: string, fn: Mapper): void {
  mappers.set(name, fn);
}

const list = (v: string | string[] | undefined): string[] | undefined => (v === undefined ? undefined : Array.isArray(v) ? v : [v]);

export function matches(rule: EntryRule, el: CdaElement, sectionCode: string | undefined): boolean {
  const elements = list(rule.element);
  if (elements && !elements.includes(el.name)) return false;
  const moods = list(rule.moodCode);
  if (moods && !moods.includes(el.attrs.moodCode ?? 'EVN')) return false;
  const sections = list(rule.section);
  if (sections && !sections.includes(sectionCode ?? '')) return false;
  const tids = list(rule.templateId);
  if (tids && !templateIds(el).some((t) => tids.includes(t))) return false;
  const codes = list(rule.code);
  if (codes) {
    const c = child(el, 'code');
    if (!c?.attrs.code || !codes.some((k) => k === c.attrs.code || k === `${c.attrs.codeSystem}|${c.attrs.code}`)) return false;
  }
  return true;
}

export function findRule(el: CdaElement, ctx: EntryContext): EntryRule | undefined {
  return ctx.rules.find((r) => matches(r, el, ctx.sectionCode));
}

/** Converts one entry element (the act/observation/… inside <entry> or an entryRelationship). */
export function convertEntry(el: CdaElement, ctx: EntryContext): MapResult {
  const rule = findRule(el, ctx);
  const fn = rule && mappers.get(rule.mapper);
  if (!rule || !fn) {
    const code = child(el, 'code');
    const what = code?.attrs.code ? ` coded ${code.attrs.code}${code.attrs.displayName ? ` (${code.attrs.displayName})` : ''}` : '';
    ctx.b.warn(`The ${el.name}${what} (templateIds ${templateIds(el).join(', ') || 'none'}) is not mapped to FHIR; it stays in the section narrative`, el);
    return { refs: [] };
  }
  return fn(el, ctx, rule);
}

// The FHIR → CDA entry dispatcher: picks a writer for a resource from the rule tables (the volet's,
// then entry-rules.json; first match wins) and runs it. A resource is written once: when a cancer
// nests its TNM, or a variant its implications, their own section entries are skipped.
import type { FhirResource, Observation, Reference } from 'fhir/r4';
import type { Located } from '../context.js';
import type { XElement } from '../xml.js';
import { codesOf, profileIds, type EntryCtx, type WriteRule, type Writer } from './common.js';
import { cancer, isCategory, isStageGroup, performanceStatus, standaloneStage, tnmCategory } from './cancer.js';
import { comment, observation, problem, procedure } from './observation.js';
import { carePlanActivities, proposal } from './plan.js';
import { implication, variant } from './genomics.js';
import { report, specimen } from './pathology.js';
import mapped from '../mapped-elements.json' with { type: 'json' };

const MAPPED = mapped as unknown as Record<string, string[]>;

/** Elements of a written resource that no writer carries into the CDA: reported, not dropped silently. */
function reportUnmapped(ctx: EntryCtx, loc: Located): void {
  const known = new Set([...MAPPED['*'], ...(MAPPED[loc.resource.resourceType] ?? [])]);
  for (const key of Object.keys(loc.resource)) {
    if (!known.has(key) && !key.startsWith('_')) ctx.w.warn(`${loc.resource.resourceType}.${key} has no place in the CI-SIS entry; it is not written`, `${loc.path}.${key}`, 'information');
  }
}

const WRITERS: Record<string, Writer> = {
  cancer,
  tnmCategory,
  performanceStatus,
  variant,
  implication,
  comment,
  proposal,
  carePlan: carePlanActivities,
  procedure,
  specimen,
  report,
  problem,
  observation,
  stageGroup: standaloneStage,
};

const list = (v: string | string[] | undefined): string[] | undefined => (v === undefined ? undefined : Array.isArray(v) ? v : [v]);

export function matches(rule: WriteRule, r: FhirResource, sectionCode: string): boolean {
  if (!list(rule.resourceType)!.includes(r.resourceType)) return false;
  const profiles = list(rule.profile);
  if (profiles && !profileIds(r).some((p) => profiles.includes(p))) return false;
  const codes = list(rule.code);
  if (codes && !codesOf((r as { code?: Observation['code'] }).code).some((c) => codes.includes(c))) return false;
  const sections = list(rule.section);
  if (sections && !sections.includes(sectionCode)) return false;
  if (rule.extension && !(r as { extension?: { url: string }[] }).extension?.some((e) => e.url.endsWith(rule.extension!))) return false;
  return true;
}

/** The focus of a stage or TNM category, when it is a cancer Condition of the Bundle (the cancer writes it). */
function ownedByCancer(ctx: EntryCtx, loc: Located): boolean {
  const o = loc.resource as Observation;
  if (o.resourceType !== 'Observation' || !(isStageGroup(o) || isCategory(o))) return false;
  return (o.focus ?? []).some((f) => {
    const target = ctx.w.resolve(f);
    return target?.resource.resourceType === 'Condition' && ctx.rules.some((r) => (r.writer === 'cancer') && matches(r, target.resource, ctx.sectionCode));
  });
}

/** Writes one resource; [] when it was written already, belongs to another entry, or has no writer. */
export function writeEntry(loc: Located, ctx: EntryCtx, opts: { topLevel: boolean }): XElement[] {
  if (ctx.written.has(loc.path)) return [];
  if (opts.topLevel && ownedByCancer(ctx, loc)) return [];
  const rule = ctx.rules.find((r) => matches(r, loc.resource, ctx.sectionCode));
  const fn = rule && WRITERS[rule.writer];
  if (!rule || !fn) {
    ctx.w.warn(`A ${loc.resource.resourceType} has no CDA form in this document; it is not written (its section narrative keeps what the sender wrote)`, loc.path, 'warning');
    return [];
  }
  ctx.written.add(loc.path);
  ctx.w.markUsed(loc);
  const out = fn(loc, ctx, rule);
  reportUnmapped(ctx, loc);
  return Array.isArray(out) ? out : out ? [out] : [];
}

/** The nested writer: one clinical statement for a reference (the first when a writer makes several). */
export function nestedWriter(ctx: Omit<EntryCtx, 'nested'>): EntryCtx['nested'] {
  const self = ctx as EntryCtx;
  return (ref: Reference | undefined, from: string) => {
    const loc = self.w.resolve(ref, from);
    if (!loc) return undefined;
    const out = writeEntry(loc, self, { topLevel: false });
    if (out.length > 1) self.w.warn(`Only the first of ${out.length} CDA statements made from this resource can be nested here`, from, 'information');
    return out[0];
  };
}

// French rare-cancer flag: the reference network(s) a tumour should be routed to (rules in rare-cancers.json).
import rules from './rules/rare-cancers.json' with { type: 'json' };
import { morphInRanges, siteMatches, type SitePattern } from './codes.js';
import type { RareCancerFlag } from './types.js';

export function rareCancerNetworks(t: { topography: string; morphology: number; morphologyGroup: number }): RareCancerFlag[] {
  const out: RareCancerFlag[] = [];
  for (const r of rules.rules as { entity: string; network: string; morphology?: number[][]; morphologyGroups?: number[]; sites?: SitePattern[] }[]) {
    if (r.morphologyGroups && !r.morphologyGroups.includes(t.morphologyGroup)) continue;
    if (!morphInRanges(t.morphology, r.morphology)) continue;
    if (!siteMatches(t.topography, r.sites)) continue;
    if (!out.some((f) => f.network === r.network)) out.push({ entity: r.entity, network: r.network });
  }
  return out;
}

// ConceptMap/$translate over the loaded ConceptMaps (R4: group → element → target with equivalence).
import type { ConceptMap, ConceptMapGroup, Parameters, ParametersParameter } from 'fhir/r4';
import { notFound } from '../fhir/errors.js';
import { splitCanonical } from './canonical.js';
import { allConceptMaps, getConceptMap } from './registry.js';

export interface TranslateRequest {
  /** A ConceptMap canonical; or `conceptMap`, the resource itself; otherwise every loaded map is tried. */
  url?: string;
  conceptMap?: ConceptMap;
  system: string;
  code: string;
  /** Source and target value sets of the map (its sourceUri/targetUri). */
  source?: string;
  target?: string;
  targetsystem?: string;
  reverse?: boolean;
}

interface Match { equivalence: string; system?: string; code?: string; display?: string; source?: string }

const NO_MATCH = new Set(['unmatched', 'disjoint']);
const scopeOf = (ref?: string) => (ref ? splitCanonical(ref).url : undefined);

function candidateMaps(req: TranslateRequest): ConceptMap[] {
  if (req.conceptMap) return [req.conceptMap];
  if (req.url) {
    const cm = getConceptMap(req.url);
    if (!cm) throw notFound(`The concept map ${req.url} is not known`);
    return [cm];
  }
  const src = scopeOf(req.source);
  const tgt = scopeOf(req.target);
  return allConceptMaps().filter((cm) => {
    const s = scopeOf(cm.sourceUri ?? cm.sourceCanonical);
    const t = scopeOf(cm.targetUri ?? cm.targetCanonical);
    return (!src || src === (req.reverse ? t : s)) && (!tgt || tgt === (req.reverse ? s : t));
  });
}

function forward(cm: ConceptMap, g: ConceptMapGroup, req: TranslateRequest, out: Match[]): void {
  if (g.source && g.source !== req.system) return;
  if (req.targetsystem && g.target !== req.targetsystem) return;
  const el = g.element?.find((e) => e.code === req.code);
  if (el) {
    for (const t of el.target ?? []) out.push({ equivalence: t.equivalence, system: g.target, code: t.code, display: t.display, source: cm.url });
    if (!el.target?.length) out.push({ equivalence: 'unmatched', source: cm.url });
    return;
  }
  const u = g.unmapped;
  if (u?.mode === 'provided') out.push({ equivalence: 'equal', system: g.target, code: req.code, source: cm.url });
  else if (u?.mode === 'fixed' && u.code) out.push({ equivalence: 'equivalent', system: g.target, code: u.code, display: u.display, source: cm.url });
}

function reverse(cm: ConceptMap, g: ConceptMapGroup, req: TranslateRequest, out: Match[]): void {
  if (g.target && g.target !== req.system) return;
  if (req.targetsystem && g.source !== req.targetsystem) return;
  for (const el of g.element ?? []) {
    for (const t of el.target ?? []) if (t.code === req.code) out.push({ equivalence: t.equivalence, system: g.source, code: el.code, display: el.display, source: cm.url });
  }
}

export function translate(req: TranslateRequest): Parameters {
  const matches: Match[] = [];
  for (const cm of candidateMaps(req)) for (const g of cm.group ?? []) (req.reverse ? reverse : forward)(cm, g, req, matches);
  const found = matches.some((m) => !NO_MATCH.has(m.equivalence));
  const parameter: ParametersParameter[] = [{ name: 'result', valueBoolean: found }];
  if (!found) parameter.push({ name: 'message', valueString: `No mapping found for ${req.system}#${req.code}${req.url ? ` in ${req.url}` : ''}` });
  for (const m of matches) {
    parameter.push({
      name: 'match',
      part: [
        { name: 'equivalence', valueCode: m.equivalence },
        ...(m.code ? [{ name: 'concept', valueCoding: { system: m.system, code: m.code, ...(m.display ? { display: m.display } : {}) } }] : []),
        ...(m.source ? [{ name: 'source', valueUri: m.source }] : []),
      ],
    });
  }
  return { resourceType: 'Parameters', parameter };
}

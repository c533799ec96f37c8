// The core vital signs profiles that apply to an Observation because of its code. Like the HL7 validator,
// an Observation coded as a vital sign in SNOMED CT (vital-signs.json) without the LOINC code that the R4
// vital signs profile fixes (read from the profiles) is checked against that profile, which requires the
// LOINC code. Observations that carry the LOINC code are checked against their declared profiles only.
import table from './vital-signs.json' with { type: 'json' };
import { getStructureDefinition } from './registry.js';

type Json = Record<string, unknown>;
const LOINC = 'http://loinc.org';
const SNOMED = 'http://snomed.info/sct';
const PROFILES = ['bodyweight', 'vitalspanel', 'bodyheight', 'resprate', 'heartrate', 'bodytemp', 'headcircum', 'oxygensat', 'bmi', 'bp'];

let byLoinc: Map<string, string> | undefined;
function loincTable(): Map<string, string> {
  if (byLoinc) return byLoinc;
  byLoinc = new Map();
  for (const id of PROFILES) {
    const sd = getStructureDefinition(`http://hl7.org/fhir/StructureDefinition/${id}`);
    const el = sd?.snapshot?.element?.find((e) => /^Observation\.code\.coding:[^.]+\.code$/.test(e.id ?? '') && e.fixedCode);
    if (sd && el?.fixedCode) byLoinc.set(el.fixedCode, sd.url);
  }
  return byLoinc;
}

/** The vital signs profiles an Observation coded in SNOMED CT only must conform to, with the code that requires each. */
export function vitalSignsProfiles(obs: Json): { profile: string; because: string }[] {
  const code = obs.code as Json | undefined;
  const codings = code && Array.isArray(code.coding) ? (code.coding as Json[]) : [];
  const out = new Map<string, string>();
  const loinc = new Set<string>();
  for (const c of codings) {
    if (!c || typeof c.code !== 'string') continue;
    if (c.system === LOINC) { const p = loincTable().get(c.code); if (p) loinc.add(p); }
    const p = c.system === SNOMED ? (table.snomed as Record<string, string>)[c.code] : undefined;
    if (p && !out.has(p)) out.set(p, `${c.system}#${c.code}`);
  }
  return [...out].filter(([profile]) => !loinc.has(profile)).map(([profile, because]) => ({ profile, because }));
}

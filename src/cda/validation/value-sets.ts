// CI-SIS value sets (JDV) used by the rule tables, loaded once from value-sets.json.
import table from './value-sets.json' with { type: 'json' };

interface ValueSetDef {
  oid: string;
  label: string;
  include: { system: string; oid?: string; codes: string[] }[];
}

const sets = new Map<string, { def: ValueSetDef; codes: Set<string> }>();
for (const [id, def] of Object.entries(table)) {
  if (id.startsWith('_')) continue;
  const d = def as ValueSetDef;
  sets.set(id, { def: d, codes: new Set(d.include.flatMap((i) => i.codes)) });
}

/** Whether the code is in the value set (codes compared alone, like the ANS schematrons). */
export function inValueSet(id: string, code: string): boolean {
  const vs = sets.get(id);
  if (!vs) throw new Error(`Unknown value set ${id} in the CDA rule tables`);
  return vs.codes.has(code);
}

export const valueSetIds = (): string[] => [...sets.keys()];

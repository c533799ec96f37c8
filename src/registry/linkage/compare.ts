// Prepared records and the comparison vector of a pair: one level per field (0 = disagree … highest = exact),
// or MISSING when either record lacks the field.
import type { PersonRecord } from './types.js';
import { normaliseName } from './normalise.js';
import { soundex2 } from './phonetic.js';
import { jaroWinkler } from './jaro-winkler.js';
import { compareDates } from './dates.js';
import params from './params.json' with { type: 'json' };

export interface Prepared {
  id: string;
  keyedIns?: string;
  /** Birth name then used name (when different), normalised. */
  names: string[];
  phonetics: string[];
  given: string[];
  birthDate: string;
  sex: string;
  birthplace: string;
  postal: string;
}

export function prepare(r: PersonRecord, keyedIns?: string): Prepared {
  const names = [normaliseName(r.birthName)];
  const used = normaliseName(r.usedName);
  if (used && used !== names[0]) names.push(used);
  const phonetics = [...new Set(names.map(soundex2))];
  const given = (r.givenNames ?? []).map(normaliseName).filter(Boolean);
  return { id: String(r.recordId), keyedIns, names, phonetics, given, birthDate: r.birthDate ?? '', sex: r.sex ?? '', birthplace: r.birthplaceCode ?? '', postal: r.postalCode ?? '' };
}

/** Fields in vector order with their number of levels (MISSING = levels). */
export const FIELDS = [
  { name: 'name', levels: params.nameCutoffs.length + 2 },
  { name: 'givenNames', levels: 3 },
  { name: 'birthDate', levels: 3 },
  { name: 'sex', levels: 2 },
  { name: 'birthplace', levels: 2 },
  { name: 'postalCode', levels: 3 },
] as const;
export const RADIX = FIELDS.map((f) => f.levels + 1);
export const PATTERNS = RADIX.reduce((a, b) => a * b, 1);

const [cutA, cutP] = params.nameCutoffs;

/** Birth name and used name of each side compared crosswise (married names): the best level wins. */
export function compareNames(a: string[], b: string[]): number {
  let best = 0;
  for (const x of a) for (const y of b) {
    if (x === y) return 3;
    if (best < 2) {
      const jw = jaroWinkler(x, y);
      if (jw >= cutA) best = 2; else if (jw >= cutP && best < 1) best = 1;
    }
  }
  return best;
}

/** Given names regardless of order: 2 when either side's first given name is among the other's, 1 when nearly so. */
export function compareGivenNames(a: string[], b: string[]): number {
  if (!a.length || !b.length) return -1;
  if (b.includes(a[0]) || a.includes(b[0])) return 2;
  for (const y of b) if (jaroWinkler(a[0], y) >= params.givenNameCutoff) return 1;
  for (const x of a) if (jaroWinkler(x, b[0]) >= params.givenNameCutoff) return 1;
  return 0;
}

function comparePostal(a: string, b: string): number {
  if (a === b) return 2;
  return a.slice(0, 2) === b.slice(0, 2) ? 1 : 0;
}

/** The pattern index of a pair: mixed-radix encoding of its levels. */
export function comparePair(a: Prepared, b: Prepared): number {
  const g = compareGivenNames(a.given, b.given);
  const levels = [
    compareNames(a.names, b.names),
    g < 0 ? 3 : g,
    a.birthDate && b.birthDate ? compareDates(a.birthDate, b.birthDate) : 3,
    a.sex && b.sex ? (a.sex === b.sex ? 1 : 0) : 2,
    a.birthplace && b.birthplace ? (a.birthplace === b.birthplace ? 1 : 0) : 2,
    a.postal && b.postal ? comparePostal(a.postal, b.postal) : 3,
  ];
  let code = 0;
  for (let f = 0; f < levels.length; f++) code = code * RADIX[f] + levels[f];
  return code;
}

export function decodePattern(code: number): number[] {
  const levels = new Array<number>(RADIX.length);
  for (let f = RADIX.length - 1; f >= 0; f--) { levels[f] = code % RADIX[f]; code = Math.floor(code / RADIX[f]); }
  return levels;
}

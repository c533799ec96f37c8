// French phonetic code: Soundex2, Frédéric Brouard's adaptation of Soundex to French (2002,
// https://sqlpro.developpez.com/cours/soundex/ — the variant used by talisman's `phonetics/french/soundex2`).
// Steps as published: hard C/G/Q groups → K, vowels after the first letter → A, prefix rules, silent H and Y,
// terminal A/D/T/S dropped, remaining A dropped, doubled letters collapsed, 4 characters kept.
import rules from './soundex2.json' with { type: 'json' };

const groups = rules.groups.map(([from, to]) => [new RegExp(from, 'g'), to] as const);
const prefixes = rules.prefixes.map(([from, to]) => [new RegExp('^' + from), to] as const);

/** Input: a name already normalised by normaliseName (A–Z only). */
export function soundex2(name: string): string {
  if (!name) return '';
  let s = name;
  for (const [re, to] of groups) s = s.replace(re, to);
  s = s[0] + s.slice(1).replace(/[EIOU]/g, 'A');
  for (const [re, to] of prefixes) s = s.replace(re, to);
  s = s[0] + s.slice(1).replace(/([^CS])H/g, '$1');
  s = s[0] + s.slice(1).replace(/([^A])Y/g, '$1');
  s = s.replace(/[ADTS]$/, '') || s[0];
  s = s[0] + s.slice(1).replace(/A/g, '');
  s = s.replace(/(.)\1+/g, '$1');
  return s.slice(0, 4);
}

// String normalisation shared by indexing and search: lower case, accents removed, spaces collapsed.

const MARKS = /[\u0300-\u036f]/g;
const SPACES = /\s+/g;
const PLAIN_ASCII = /^[\x20-\x7e]*$/;

/** `Élodie  Dupont ` → `elodie dupont`. */
export function normaliseString(s: string): string {
  // Most values are plain ASCII: skip the (slow) Unicode decomposition for them.
  const base = PLAIN_ASCII.test(s) ? s : s.normalize('NFD').replace(MARKS, '');
  return base.toLowerCase().replace(SPACES, ' ').trim();
}

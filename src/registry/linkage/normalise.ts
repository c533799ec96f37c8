// Name and identifier normalisation shared by comparison, blocking and the keyed INS.
const PARTICLES = /^(?:DE|DU|DES|D)\s+/; // "de", "du", "des", "d'" lead many surnames and are often dropped by producers

/** Uppercase, accents and ligatures removed, apostrophes/hyphens/spaces dropped, a leading particle removed. */
export function normaliseName(s: string | undefined): string {
  if (!s) return '';
  let t = s.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toUpperCase().replace(/Œ/g, 'OE').replace(/Æ/g, 'AE');
  t = t.replace(/['’`\-.,]/g, ' ').replace(/[^A-Z ]/g, '').replace(/\s+/g, ' ').trim();
  const stripped = t.replace(PARTICLES, '');
  return (stripped || t).replace(/ /g, '');
}

/** NIR of an INS: 13 characters, uppercase (2A/2B), the 2-digit control key dropped when present. */
export function normaliseNir(ins: string | undefined): string | undefined {
  if (!ins) return undefined;
  const t = ins.toUpperCase().replace(/[^0-9AB]/g, '');
  if (t.length !== 13 && t.length !== 15) return undefined;
  return t.slice(0, 13);
}

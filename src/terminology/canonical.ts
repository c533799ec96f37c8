// Canonical references: `url|version` split, and code normalisation per CodeSystem.caseSensitive.

export interface Canonical { url: string; version?: string }

export function splitCanonical(ref: string): Canonical {
  const bar = ref.indexOf('|');
  if (bar < 0) return { url: ref };
  const version = ref.slice(bar + 1);
  return version ? { url: ref.slice(0, bar), version } : { url: ref.slice(0, bar) };
}

/** R4 leaves caseSensitive optional; an absent flag is treated as case-sensitive (the strict reading). */
export const codeKey = (code: string, caseSensitive: boolean | undefined) => (caseSensitive === false ? code.toLowerCase() : code);

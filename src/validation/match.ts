// Value comparisons of ElementDefinition.fixed[x] (exact) and pattern[x] (the instance contains the pattern).

export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const bb = b as unknown[];
    return a.length === bb.length && a.every((x, i) => deepEqual(x, bb[i]));
  }
  const ka = Object.keys(a as object), kb = Object.keys(b as object);
  return ka.length === kb.length && ka.every((k) => deepEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

/** Whether `value` matches `pattern`: primitives equal, objects contain each pattern property, arrays contain a match for each pattern item. */
export function matchesPattern(value: unknown, pattern: unknown): boolean {
  if (typeof pattern !== 'object' || pattern === null) return value === pattern;
  if (typeof value !== 'object' || value === null) return false;
  if (Array.isArray(pattern)) {
    const vs = Array.isArray(value) ? value : [value];
    return pattern.every((p) => vs.some((v) => matchesPattern(v, p)));
  }
  if (Array.isArray(value)) return false;
  for (const [k, p] of Object.entries(pattern)) {
    if (!matchesPattern((value as Record<string, unknown>)[k], p)) return false;
  }
  return true;
}

/** Short text of a value for messages. */
export function show(v: unknown): string {
  const s = JSON.stringify(v);
  return s.length > 120 ? s.slice(0, 120) + '…' : s;
}

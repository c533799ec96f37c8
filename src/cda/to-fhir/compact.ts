// Drops undefined values and empty arrays from an object literal, so converters can write every
// FHIR element unconditionally (FHIR forbids empty arrays and null values).
export function compact<T extends object>(o: T): T {
  const out: Record<string, unknown> = {};
  for (const k in o) {
    const v = (o as Record<string, unknown>)[k];
    if (v === undefined || (Array.isArray(v) && v.length === 0)) continue;
    out[k] = v;
  }
  return out as T;
}

// CodeSystem/$lookup: a concept's name, display, designations and properties as R4 Parameters.
import type { Parameters, ParametersParameter } from 'fhir/r4';
import type { PropertyValue } from './code-system-index.js';
import { systemIndex } from './expand.js';

function valueOf(v: PropertyValue): Partial<ParametersParameter> {
  if (typeof v === 'boolean') return { valueBoolean: v };
  if (typeof v === 'number') return Number.isInteger(v) ? { valueInteger: v } : { valueDecimal: v };
  if (typeof v === 'object') return { valueCoding: v };
  return { valueCode: v };
}

/** undefined when the code system is not loaded or does not define the code. */
export function lookup(system: string, code: string, opts: { properties?: string[] } = {}): Parameters | undefined {
  const [url, version] = system.split('|');
  const idx = systemIndex(url, version);
  const c = idx?.get(code);
  if (!idx || !c) return undefined;
  const want = (p: string) => !opts.properties?.length || opts.properties.includes(p);
  const parameter: ParametersParameter[] = [{ name: 'name', valueString: idx.cs.name ?? idx.cs.title ?? url }];
  if (idx.cs.version) parameter.push({ name: 'version', valueString: idx.cs.version });
  if (c.display !== undefined) parameter.push({ name: 'display', valueString: c.display });
  if (c.abstract) parameter.push({ name: 'abstract', valueBoolean: true });
  for (const d of c.designation) {
    parameter.push({
      name: 'designation',
      part: [
        ...(d.language ? [{ name: 'language', valueCode: d.language }] : []),
        ...(d.use ? [{ name: 'use', valueCoding: d.use }] : []),
        { name: 'value', valueString: d.value },
      ],
    });
  }
  const property = (code: string, value: Partial<ParametersParameter>) =>
    parameter.push({ name: 'property', part: [{ name: 'code', valueCode: code }, { name: 'value', ...value }] });
  if (c.definition !== undefined && want('definition')) property('definition', { valueString: c.definition });
  if (want('inactive')) property('inactive', { valueBoolean: c.inactive });
  for (const [p, values] of c.properties) {
    if (p === 'parent' || p === 'child' || !want(p)) continue; // the hierarchy is listed below, once
    for (const v of values) property(p, valueOf(v));
  }
  if (want('parent')) for (const p of c.parents) property('parent', { valueCode: p });
  if (want('child')) for (const k of c.children) property('child', { valueCode: k });
  return { resourceType: 'Parameters', parameter };
}

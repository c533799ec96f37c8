// Structural check of FHIR JSON against the type model: known properties, JSON kinds, arrays, primitive formats.
// Runs on every write, so it is one allocation-light walk with precompiled regexes.
import type { Issue } from './errors.js';
import {
  INT32_MAX,
  INT32_MIN,
  INTEGER_TYPES,
  NUMBER_TYPES,
  primitivePattern,
  resourceInfo,
  typeInfo,
  type PropertyInfo,
  type TypeInfo,
} from './type-model.js';

type Json = Record<string, unknown>;

/** Checks a primitive JSON value against its type; returns a problem description or undefined. */
export function primitiveProblem(type: string, value: unknown): string | undefined {
  if (type === 'boolean') return typeof value === 'boolean' ? undefined : `must be a JSON boolean, not ${kindOf(value)}`;
  if (NUMBER_TYPES.has(type)) {
    if (typeof value !== 'number' || !Number.isFinite(value)) return `must be a JSON number, not ${kindOf(value)}`;
    if (INTEGER_TYPES.has(type)) {
      if (!Number.isInteger(value)) return `${value} is not an integer`;
      if (value < (type === 'positiveInt' ? 1 : type === 'unsignedInt' ? 0 : INT32_MIN) || value > INT32_MAX) {
        return `${value} is out of range for ${type}`;
      }
    }
    return undefined;
  }
  if (typeof value !== 'string') return `must be a JSON string, not ${kindOf(value)}`;
  if (type === 'xhtml') return /^<div[\s>]/.test(value) ? undefined : 'narrative must be an XHTML <div> element';
  const re = primitivePattern(type);
  if (re && !re.test(value)) return `${JSON.stringify(value.length > 80 ? value.slice(0, 80) + '…' : value)} is not a valid ${type}`;
  return undefined;
}

function kindOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  return typeof v === 'object' ? 'an object' : `a ${typeof v}`;
}

class Checker {
  readonly issues: Issue[] = [];

  add(code: 'structure' | 'value', path: string, diagnostics: string): void {
    this.issues.push({ severity: 'error', code, diagnostics: `${diagnostics} (at ${path})`, expression: [path] });
  }

  resource(value: unknown, path: string): void {
    if (!isObject(value)) return this.add('structure', path || 'Resource', `A resource must be a JSON object, not ${kindOf(value)}`);
    const rt = value.resourceType;
    const info = typeof rt === 'string' ? resourceInfo(rt) : undefined;
    if (!info) {
      return this.add('structure', path || 'Resource', rt === undefined ? 'Missing resourceType' : `Unknown resourceType ${JSON.stringify(rt)}`);
    }
    this.object(value, info, path || rt as string, true);
  }

  object(obj: Json, info: TypeInfo, path: string, isResource: boolean): void {
    let empty = true;
    let choices: Map<string, string> | undefined;
    for (const key in obj) {
      const v = obj[key];
      if (isResource && key === 'resourceType') continue;
      empty = false;
      if (key.charCodeAt(0) === 95 /* _ */) {
        const prop = info.properties.get(key.slice(1));
        if (!prop?.primitive) this.add('structure', `${path}.${key}`, `Unknown property '${key}'`);
        else this.primitiveMeta(v, obj[key.slice(1)], prop, `${path}.${key.slice(1)}`);
        continue;
      }
      const prop = info.properties.get(key);
      if (!prop) {
        this.add('structure', `${path}.${key}`, `Unknown property '${key}' in ${info.name}`);
        continue;
      }
      if (prop.element.choice) {
        choices ??= new Map();
        const other = choices.get(prop.element.name);
        if (other) this.add('structure', `${path}.${key}`, `Only one of ${other} and ${key} is allowed (${prop.element.name}[x])`);
        else choices.set(prop.element.name, key);
      }
      this.property(v, prop, `${path}.${key}`, obj['_' + key]);
    }
    if (empty && !isResource) this.add('structure', path, 'An object must have content');
  }

  property(v: unknown, prop: PropertyInfo, path: string, meta: unknown): void {
    if (prop.element.array) {
      if (!Array.isArray(v)) return this.add('structure', path, `Must be an array (max cardinality is ${'*'})`);
      if (v.length === 0) return this.add('structure', path, 'Arrays must not be empty');
      for (let i = 0; i < v.length; i++) {
        const item = v[i];
        if (item === null && prop.primitive) {
          const m = Array.isArray(meta) ? meta[i] : undefined;
          if (m == null) this.add('structure', `${path}[${i}]`, 'A null in a primitive array needs a matching _ entry');
          continue;
        }
        this.single(item, prop, `${path}[${i}]`);
      }
    } else {
      if (Array.isArray(v)) return this.add('structure', path, 'Must be a single value, not an array');
      this.single(v, prop, path);
    }
  }

  single(v: unknown, prop: PropertyInfo, path: string): void {
    if (prop.primitive) {
      const problem = primitiveProblem(prop.type, v);
      if (problem) this.add(typeof v === 'object' ? 'structure' : 'value', path, `Value ${problem}`);
      return;
    }
    if (prop.type === 'Resource') return this.resource(v, path);
    if (!isObject(v)) return this.add('structure', path, `Must be a JSON object (${prop.type}), not ${kindOf(v)}`);
    const info = typeInfo(prop.type);
    if (info) this.object(v, info, path, false);
  }

  /** `_name`: an object (or aligned array of objects/nulls) with only id and extension. */
  primitiveMeta(meta: unknown, value: unknown, prop: PropertyInfo, path: string): void {
    const ext = typeInfo(prop.type)!;
    if (prop.element.array) {
      if (!Array.isArray(meta)) return this.add('structure', `${path}`, `_${prop.element.name} must be an array`);
      if (value !== undefined && (!Array.isArray(value) || value.length !== meta.length)) {
        this.add('structure', path, `_${path.slice(path.lastIndexOf('.') + 1)} must have as many items as its value array`);
      }
      meta.forEach((m, i) => {
        if (m === null) {
          if (!Array.isArray(value) || value[i] == null) this.add('structure', `${path}[${i}]`, 'Both the value and its _ entry are null');
        } else if (!isObject(m)) this.add('structure', `${path}[${i}]`, `Must be a JSON object, not ${kindOf(m)}`);
        else this.object(m, ext, `${path}[${i}]`, false);
      });
    } else if (!isObject(meta)) this.add('structure', path, `_${prop.element.name} must be a JSON object, not ${kindOf(meta)}`);
    else this.object(meta, ext, path, false);
  }
}

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Structural issues of a resource (empty when it is well-formed FHIR JSON). Expressions are FHIRPath. */
export function checkStructure(resource: unknown): Issue[] {
  const c = new Checker();
  c.resource(resource, '');
  return c.issues;
}

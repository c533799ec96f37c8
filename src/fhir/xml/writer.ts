// FHIR JSON → FHIR R4 XML (https://hl7.org/fhir/R4/xml.html), in StructureDefinition element order.
import type { Resource } from 'fhir/r4';
import { badRequest } from '../errors.js';
import { resourceInfo, typeInfo, type PropertyInfo, type TypeInfo } from '../type-model.js';
import { escapeAttr, FHIR_NS } from './escape.js';

type Json = Record<string, unknown>;

export interface ToXmlOptions {
  /** Emit the `<?xml …?>` declaration (default true). */
  declaration?: boolean;
}

/** Serialises a FHIR JSON resource as FHIR XML. Throws a 400 FhirError on content that has no XML form. */
export function toXml(resource: Resource | Json, options: ToXmlOptions = {}): string {
  const out: string[] = [];
  if (options.declaration !== false) out.push('<?xml version="1.0" encoding="UTF-8"?>');
  writeResource(resource as Json, '', out, true);
  return out.join('');
}

function writeResource(res: unknown, path: string, out: string[], root: boolean): void {
  if (!isObject(res)) throw badRequest('A resource must be a JSON object', [path || 'Resource']);
  const rt = res.resourceType;
  const info = typeof rt === 'string' ? resourceInfo(rt) : undefined;
  if (!info) throw badRequest(`Unknown resourceType ${JSON.stringify(rt)}`, [path || 'Resource']);
  const p = path || (rt as string);
  out.push(root ? `<${rt} xmlns="${FHIR_NS}">` : `<${rt}>`);
  writeChildren(res, info, p, out, true);
  out.push(`</${rt}>`);
}

function writeChildren(obj: Json, info: TypeInfo, path: string, out: string[], isResource: boolean): void {
  for (const key in obj) {
    if (isResource && key === 'resourceType') continue;
    const name = key.charCodeAt(0) === 95 ? key.slice(1) : key;
    const prop = info.properties.get(name);
    if (!prop || (name !== key && !prop.primitive)) throw badRequest(`Unknown property '${key}' in ${info.name}`, [`${path}.${key}`]);
    if (name !== key && (prop.element.xmlAttr || prop.type === 'xhtml')) {
      throw badRequest(`'${key}' (id/extensions on ${name}) has no XML representation`, [`${path}.${key}`]);
    }
  }
  for (const el of info.elements) {
    if (el.xmlAttr) continue;
    for (const jn of el.jsonNames) {
      const v = obj[jn];
      const meta = obj['_' + jn];
      if (v === undefined && meta === undefined) continue;
      const prop = info.properties.get(jn)!;
      const p = `${path}.${jn}`;
      if (!el.array) {
        writeValue(jn, v, meta, prop, p, out);
        continue;
      }
      if ((v !== undefined && !Array.isArray(v)) || (meta !== undefined && !Array.isArray(meta))) {
        throw badRequest(`${jn} must be an array`, [p]);
      }
      const vs = (v ?? []) as unknown[];
      const ms = (meta ?? []) as unknown[];
      for (let i = 0; i < Math.max(vs.length, ms.length); i++) writeValue(jn, vs[i], ms[i], prop, `${p}[${i}]`, out);
    }
  }
}

function writeValue(name: string, v: unknown, meta: unknown, prop: PropertyInfo, path: string, out: string[]): void {
  if (prop.type === 'xhtml') {
    // The narrative is XHTML already: passed through verbatim.
    if (typeof v !== 'string' || !/^<div[\s>/]/.test(v)) throw badRequest('The narrative div must be an XHTML <div> string', [path]);
    out.push(v);
    return;
  }
  if (prop.primitive) return writePrimitive(name, v ?? undefined, meta ?? undefined, path, out);
  if (prop.type === 'Resource') {
    out.push(`<${name}>`);
    writeResource(v, path, out, false);
    out.push(`</${name}>`);
    return;
  }
  if (!isObject(v)) throw badRequest(`${name} must be a JSON object`, [path]);
  const info = typeInfo(prop.type)!;
  let open = `<${name}`;
  for (const el of info.elements) {
    if (!el.xmlAttr) continue;
    const a = v[el.name];
    if (a !== undefined) open += ` ${el.name}="${attrText(a, `${path}.${el.name}`)}"`;
  }
  out.push(open + '>');
  writeChildren(v, info, path, out, false);
  out.push(`</${name}>`);
}

function writePrimitive(name: string, v: unknown, meta: unknown, path: string, out: string[]): void {
  if (v === undefined && meta === undefined) throw badRequest(`${name} has neither a value nor a _${name} entry`, [path]);
  if (meta !== undefined && !isObject(meta)) throw badRequest(`_${name} must be a JSON object`, [path]);
  let open = `<${name}`;
  if (meta?.id !== undefined) open += ` id="${attrText(meta.id, `${path}.id`)}"`;
  if (v !== undefined) open += ` value="${attrText(v, path)}"`;
  for (const k in meta) if (k !== 'id' && k !== 'extension') throw badRequest(`Unknown property '${k}' in _${name}`, [`${path}.${k}`]);
  if (meta?.extension === undefined) {
    out.push(open + '/>');
    return;
  }
  out.push(open + '>');
  const ext = meta.extension;
  if (!Array.isArray(ext)) throw badRequest('extension must be an array', [`${path}.extension`]);
  const extProp = typeInfo('Element')!.properties.get('extension')!;
  ext.forEach((e, i) => writeValue('extension', e, undefined, extProp, `${path}.extension[${i}]`, out));
  out.push(`</${name}>`);
}

function attrText(v: unknown, path: string): string {
  if (typeof v === 'string') return escapeAttr(v, path);
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  throw badRequest(`A primitive value must be a string, number or boolean`, [path]);
}

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

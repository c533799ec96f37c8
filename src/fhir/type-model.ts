// Structural type model of R4: for every type and resource, its ordered elements with types, cardinality and flags,
// read once (lazily) from the base StructureDefinition snapshots. Shared by XML, _summary/_elements and the validator.
import type { ElementDefinition, StructureDefinition } from 'fhir/r4';
import { baseStructures } from './definitions.js';

export type TypeKind = 'primitive' | 'complex' | 'resource' | 'backbone';

/** One element of a type, in StructureDefinition order. `value[x]` is one ElementInfo with several types. */
export interface ElementInfo {
  /** Name without `[x]`, e.g. `value` for `Observation.value[x]`. */
  name: string;
  /** Full path, e.g. `Observation.component.value[x]`. */
  path: string;
  /** FHIR type codes (`Quantity`, `string`, `Resource`…); a backbone element has its own path as type. */
  types: string[];
  choice: boolean;
  /** max is not 1 (JSON array, repeatable XML element). */
  array: boolean;
  min: number;
  isSummary: boolean;
  isModifier: boolean;
  /** Written as an XML attribute (Element.id, Extension.url, primitive value). */
  xmlAttr: boolean;
  /** JSON property names of this element: `[name]`, or `valueQuantity`, `valueString`… for choices. */
  jsonNames: string[];
}

/** A JSON property name resolved to its element and its one concrete type. */
export interface PropertyInfo {
  element: ElementInfo;
  /** The concrete type code of this property (for choices, the type encoded in the name). */
  type: string;
  /** Whether that type is a primitive (JSON scalar, `_name` companion, XML `value` attribute). */
  primitive: boolean;
}

export interface TypeInfo {
  /** Type code, or element path for backbone elements (`Observation.component`). */
  name: string;
  kind: TypeKind;
  elements: ElementInfo[];
  /** JSON (and XML) property name → property. Primitive `_name` companions are not listed. */
  properties: Map<string, PropertyInfo>;
}

const FHIR_TYPE_EXT = 'http://hl7.org/fhir/StructureDefinition/structuredefinition-fhir-type';
const REGEX_EXT = 'http://hl7.org/fhir/StructureDefinition/regex';

let model: Map<string, TypeInfo> | undefined;
let primitives: Set<string> | undefined;
let patterns: Map<string, RegExp> | undefined;

function build(): Map<string, TypeInfo> {
  const m = new Map<string, TypeInfo>();
  const prim = new Set<string>();
  const sds = [...baseStructures().values()];
  const pats = new Map<string, RegExp>();
  for (const sd of sds) {
    if (sd.kind !== 'primitive-type') continue;
    prim.add(sd.type);
    const valueEl = sd.snapshot?.element.find((e) => e.path === sd.type + '.value');
    const re = valueEl?.type?.[0]?.extension?.find((x) => x.url === REGEX_EXT)?.valueString;
    if (re) pats.set(sd.type, new RegExp(`^(?:${re})$`));
  }
  primitives = prim;
  patterns = pats;
  for (const sd of sds) addStructure(m, sd, prim);
  return m;
}

function addStructure(m: Map<string, TypeInfo>, sd: StructureDefinition, prim: Set<string>): void {
  const els = sd.snapshot?.element ?? [];
  const kind: TypeKind = sd.kind === 'primitive-type' ? 'primitive' : sd.kind === 'resource' ? 'resource' : 'complex';
  // Elements that own children (the root and backbone elements) become TypeInfos keyed by path.
  const owners = new Map<string, TypeInfo>();
  const root: TypeInfo = { name: sd.type, kind, elements: [], properties: new Map() };
  owners.set(els[0]?.path ?? sd.type, root);
  const refs: Array<[ElementInfo, string]> = [];
  for (const ed of els.slice(1)) {
    const path = ed.path;
    const dot = path.lastIndexOf('.');
    const parent = owners.get(path.slice(0, dot));
    if (!parent) continue; // children of primitive `value` etc.
    if (kind === 'primitive' && path.endsWith('.value')) continue; // the JSON scalar itself
    const raw = path.slice(dot + 1);
    const choice = raw.endsWith('[x]');
    const name = choice ? raw.slice(0, -3) : raw;
    const info: ElementInfo = {
      name,
      path,
      types: typeCodes(ed, sd),
      choice,
      array: ed.max !== '1' && ed.max !== '0',
      min: ed.min ?? 0,
      isSummary: !!ed.isSummary,
      isModifier: !!ed.isModifier,
      xmlAttr: !!ed.representation?.includes('xmlAttr'),
      jsonNames: [],
    };
    if (ed.contentReference) {
      refs.push([info, ed.contentReference.slice(1)]);
    } else if (info.types.length === 1 && (info.types[0] === 'BackboneElement' || info.types[0] === 'Element') && hasChildren(els, path)) {
      owners.set(path, { name: path, kind: 'backbone', elements: [], properties: new Map() });
      info.types = [path];
    }
    info.jsonNames = choice ? info.types.map((t) => name + t[0].toUpperCase() + t.slice(1)) : [name];
    parent.elements.push(info);
    info.jsonNames.forEach((jn, i) => {
      const type = choice ? info.types[i] : info.types[0];
      parent.properties.set(jn, { element: info, type, primitive: prim.has(type) });
    });
  }
  for (const [info, target] of refs) {
    info.types = [target];
    const owner = owners.get(path0(info.path));
    owner?.properties.set(info.name, { element: info, type: target, primitive: false });
  }
  for (const [path, t] of owners) m.set(path === els[0]?.path ? sd.type : path, t);
}

const path0 = (p: string) => p.slice(0, p.lastIndexOf('.'));

function hasChildren(els: ElementDefinition[], path: string): boolean {
  const prefix = path + '.';
  return els.some((e) => e.path.startsWith(prefix));
}

function typeCodes(ed: ElementDefinition, sd: StructureDefinition): string[] {
  // Resource.id is `id` in the spec; the snapshot only says System.String.
  if (ed.base?.path === 'Resource.id') return ['id'];
  return (ed.type ?? []).map((t) => {
    if (!t.code.startsWith('http://hl7.org/fhirpath/')) return t.code;
    const fhirType = t.extension?.find((x) => x.url === FHIR_TYPE_EXT)?.valueUrl;
    return fhirType ?? (sd.type === 'Extension' ? 'uri' : 'string');
  });
}

/** The type model: type code (or backbone path) → TypeInfo. Built on first use. */
export function typeModel(): Map<string, TypeInfo> {
  return (model ??= build());
}

/** TypeInfo of a type code or backbone path, or undefined. */
export function typeInfo(name: string): TypeInfo | undefined {
  return typeModel().get(name);
}

export function isPrimitiveType(type: string): boolean {
  typeModel();
  return primitives!.has(type);
}

/** TypeInfo of a concrete resource type, or undefined if `type` is not one. */
export function resourceInfo(type: string): TypeInfo | undefined {
  const t = typeModel().get(type);
  return t?.kind === 'resource' ? t : undefined;
}

/** The R4 regex of a primitive type's lexical form (anchored), from its StructureDefinition. */
export function primitivePattern(type: string): RegExp | undefined {
  typeModel();
  return patterns!.get(type);
}

/** The primitive types whose JSON form is a number. */
export const NUMBER_TYPES: ReadonlySet<string> = new Set(['decimal', 'integer', 'positiveInt', 'unsignedInt']);

/** Integer types are 32-bit signed in R4 (integer.value min/max), positiveInt/unsignedInt included. */
export const INT32_MIN = -2147483648;
export const INT32_MAX = 2147483647;
export const INTEGER_TYPES: ReadonlySet<string> = new Set(['integer', 'positiveInt', 'unsignedInt']);

// Compiles a StructureDefinition snapshot once into a tree of ElementNodes with everything the walker needs
// precomputed: JSON property lookup (choices included), required children, fixed/pattern, binding,
// maxLength, compiled invariants, slicing and slices. Cached by url|version (and dropped when it changes).
import type { ElementDefinition, StructureDefinition } from 'fhir/r4';
import { compileInvariant, type Invariant } from './invariants.js';
import { isPrimitiveType } from '../fhir/type-model.js';
import { getStructureDefinition, onStructureDefinitionChange, typeDefinition } from './registry.js';
import { snapshotOf } from './snapshot.js';

type Json = Record<string, unknown>;

export interface TypeRef { code: string; profiles: string[]; targetProfiles: string[] }

export interface Discriminator { type: 'value' | 'pattern' | 'type' | 'profile' | 'exists'; path: string }

export interface ElementNode {
  id: string;
  path: string;
  /** Element name without [x]. */
  name: string;
  choice: boolean;
  min: number;
  max: number;
  types: TypeRef[];
  /** JSON property (without `_`) → child node and the concrete type that name encodes. */
  byKey: Map<string, { node: ElementNode; type: string }>;
  children: ElementNode[];
  required: ElementNode[];
  /** Children whose slices have a minimum, checked even when the element is absent. */
  slicedRequired: ElementNode[];
  fixed?: { key: string; value: unknown };
  pattern?: { key: string; value: unknown };
  binding?: { strength: string; valueSet?: string };
  maxLength?: number;
  minValue?: { key: string; value: number | string };
  maxValue?: { key: string; value: number | string };
  invariants: Invariant[];
  slicing?: { discriminators: Discriminator[]; rules: 'open' | 'closed' | 'openAtEnd'; ordered: boolean };
  slices: ElementNode[];
  sliceName?: string;
  isModifier: boolean;
  contentReference?: string;
  /** Canonical of the profile this node belongs to (for messages). */
  profile: string;
  /** Part of a constraint (profile) rather than a base definition. */
  constraint: boolean;
}

export interface CompiledProfile {
  url: string;
  type: string;
  sd: StructureDefinition;
  root: ElementNode;
  /** Whether this is a base type/resource definition rather than a constraint. */
  isBase: boolean;
}

const FHIR_TYPE_EXT = 'http://hl7.org/fhir/StructureDefinition/structuredefinition-fhir-type';
const byKey = new Map<string, CompiledProfile>();
const bySd = new WeakMap<StructureDefinition, CompiledProfile>();
/** typeRoot per type code: looked up for every value the walk meets. */
const roots = new Map<string, ElementNode | undefined>();

onStructureDefinitionChange((url) => {
  roots.clear();
  for (const k of [...byKey.keys()]) if (k === url || k.startsWith(url + '|')) byKey.delete(k);
});

/** The compiled checker of a profile canonical (url or url|version), or undefined if unknown. */
export function compiledProfile(canonical: string): CompiledProfile | undefined {
  const hit = byKey.get(canonical);
  if (hit) return hit;
  const sd = getStructureDefinition(canonical);
  if (!sd) return undefined;
  const c = compileStructure(sd);
  byKey.set(canonical, c);
  return c;
}

/** The compiled base definition of a type code, e.g. `Quantity` or `Observation`. */
export function typeRoot(type: string): ElementNode | undefined {
  if (roots.has(type)) return roots.get(type);
  const sd = typeDefinition(type);
  const root = sd ? compileStructure(sd).root : undefined;
  roots.set(type, root);
  return root;
}

export function compileStructure(sd: StructureDefinition): CompiledProfile {
  const hit = bySd.get(sd);
  if (hit) return hit;
  const els = snapshotOf(sd);
  const nodes = new Map<string, ElementNode>();
  let root: ElementNode | undefined;
  for (const ed of els) {
    const node = makeNode(ed, sd);
    rememberDefinition(node, ed);
    nodes.set(ed.id!, node);
    if (!root) { root = node; continue; }
    const id = ed.id!;
    const dot = id.lastIndexOf('.');
    const last = id.slice(dot + 1);
    const colon = last.indexOf(':');
    if (colon >= 0 && ed.sliceName !== undefined) {
      const sliced = nodes.get(id.slice(0, dot + 1 + colon));
      sliced?.slices.push(node);
      continue;
    }
    if (colon >= 0) continue; // re-slice notation we do not model
    const parent = nodes.get(id.slice(0, dot));
    if (!parent) continue;
    parent.children.push(node);
  }
  if (!root) throw new Error(`${sd.url} has no elements`);
  for (const n of nodes.values()) finish(n, nodes);
  const out: CompiledProfile = { url: sd.url, type: sd.type, sd, root, isBase: sd.derivation !== 'constraint' };
  bySd.set(sd, out);
  return out;
}

function makeNode(ed: ElementDefinition, sd: StructureDefinition): ElementNode {
  const last = ed.path.slice(ed.path.lastIndexOf('.') + 1);
  const choice = last.endsWith('[x]');
  const fixedKey = Object.keys(ed).find((k) => k.startsWith('fixed'));
  const patternKey = Object.keys(ed).find((k) => k.startsWith('pattern'));
  const minKey = Object.keys(ed).find((k) => k.startsWith('minValue'));
  const maxKey = Object.keys(ed).find((k) => k.startsWith('maxValue'));
  const e = ed as unknown as Json;
  return {
    id: ed.id!,
    path: ed.path,
    name: choice ? last.slice(0, -3) : last,
    choice,
    min: ed.min ?? 0,
    max: ed.max === undefined || ed.max === '*' ? Infinity : Number(ed.max),
    types: (ed.type ?? []).map((t) => ({ code: typeCode(t.code, t.extension, ed, sd), profiles: t.profile ?? [], targetProfiles: t.targetProfile ?? [] })),
    byKey: new Map(),
    children: [],
    required: [],
    slicedRequired: [],
    fixed: fixedKey ? { key: fixedKey, value: e[fixedKey] } : undefined,
    pattern: patternKey ? { key: patternKey, value: e[patternKey] } : undefined,
    binding: ed.binding ? { strength: ed.binding.strength, valueSet: ed.binding.valueSet } : undefined,
    maxLength: ed.maxLength,
    minValue: minKey ? { key: minKey, value: limitOf((ed as unknown as Json)[minKey]) } : undefined,
    maxValue: maxKey ? { key: maxKey, value: limitOf((ed as unknown as Json)[maxKey]) } : undefined,
    invariants: [],
    slicing: ed.slicing
      ? { discriminators: (ed.slicing.discriminator ?? []) as Discriminator[], rules: ed.slicing.rules ?? 'open', ordered: !!ed.slicing.ordered }
      : undefined,
    slices: [],
    sliceName: ed.sliceName,
    isModifier: !!ed.isModifier,
    contentReference: ed.contentReference ? ed.contentReference.slice(ed.contentReference.indexOf('#') + 1) : undefined,
    profile: sd.url,
    constraint: sd.derivation === 'constraint',
  };
}

/** A min/max value as a number or an ISO string (Quantity limits compare their value). */
function limitOf(v: unknown): number | string {
  if (typeof v === 'object' && v !== null) return Number((v as Json).value);
  return v as number | string;
}

function typeCode(code: string, ext: { url: string; valueUrl?: string; valueUri?: string }[] | undefined, ed: ElementDefinition, sd: StructureDefinition): string {
  if (!code.startsWith('http://hl7.org/fhirpath/')) return code;
  if (ed.base?.path === 'Resource.id' || ed.path.endsWith('.id') && ed.path.split('.').length === 2 && sd.kind === 'resource') return 'id';
  const t = ext?.find((x) => x.url === FHIR_TYPE_EXT);
  return t?.valueUrl ?? t?.valueUri ?? (ed.path.endsWith('.url') ? 'uri' : 'string');
}

const cap = (s: string) => s[0].toUpperCase() + s.slice(1);

function finish(n: ElementNode, nodes: Map<string, ElementNode>): void {
  if (n.contentReference) {
    const target = nodes.get(n.contentReference) ?? [...nodes.values()].find((x) => x.path === n.contentReference && !x.sliceName);
    if (target) {
      n.children = target.children;
      if (!n.types.length) n.types = target.types;
      n.invariants.push(...target.invariants);
    }
  }
  for (const c of n.children) {
    if (c.choice) for (const t of c.types) n.byKey.set(c.name + cap(t.code), { node: c, type: t.code });
    else n.byKey.set(c.name, { node: c, type: c.types[0]?.code ?? (c.contentReference ? 'BackboneElement' : 'Element') });
    if (c.min > 0) n.required.push(c);
    if (c.slices.some((x) => x.min > 0)) n.slicedRequired.push(c);
  }
  const own = nodeTypeName(n);
  const has = keyMatcher(n);
  const empty: Json = n.path.includes('.') ? {} : { resourceType: n.path };
  for (const c of constraintsOf(n, nodes)) {
    const inv = compileInvariant(c, own, has, empty);
    if (inv) n.invariants.push(inv);
  }
}

/** fhirpath.js base path: the element path, or the type for a type root. */
const nodeTypeName = (n: ElementNode) => n.path;

function constraintsOf(n: ElementNode, nodes: Map<string, ElementNode>) {
  const ed = edOf(n, nodes);
  return ed?.constraint ?? [];
}

// Keep the ElementDefinitions reachable for constraint compilation without storing them on every node.
const edIndex = new WeakMap<ElementNode, ElementDefinition>();
function edOf(n: ElementNode, _nodes: Map<string, ElementNode>): ElementDefinition | undefined {
  return edIndex.get(n);
}
export function rememberDefinition(n: ElementNode, ed: ElementDefinition): void {
  edIndex.set(n, ed);
}

/** `has(obj, name)`: the element `name` is present (choice-aware, `_name` included). */
function keyMatcher(n: ElementNode): (obj: Json, name: string) => boolean {
  const keysOf = new Map<string, string[]>();
  for (const c of n.children) {
    const keys = c.choice ? c.types.map((t) => c.name + cap(t.code)) : [c.name];
    keysOf.set(c.name, [...keys, ...keys.map((k) => '_' + k)]);
  }
  return (obj, name) => {
    const keys = keysOf.get(name);
    if (!keys) return obj[name] !== undefined;
    for (const k of keys) if (obj[k] !== undefined) return true;
    return false;
  };
}

export const isPrimitive = (type: string) => isPrimitiveType(type);

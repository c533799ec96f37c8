// Slicing: which slice a repeated value belongs to, by its discriminators (value, pattern, type, profile,
// exists), evaluated on the restricted FHIRPath that discriminator paths use: names, $this,
// extension('url'), resolve() and ofType(T).
import type { Discriminator, ElementNode } from './compile.js';
import { typeRoot } from './compile.js';
import { deepEqual, matchesPattern } from './match.js';
import { isPrimitiveType } from '../fhir/type-model.js';

type Json = Record<string, unknown>;
export interface Typed { value: unknown; type: string }

export interface SliceHooks {
  resolve(ref: unknown): Json | undefined;
  conforms(value: unknown, type: string, profiles: string[]): boolean;
  inValueSet(value: unknown, type: string, node: ElementNode): boolean;
}

function segments(path: string): string[] {
  const out: string[] = [];
  let depth = 0, cur = '';
  for (const ch of path) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === '.' && depth === 0) { out.push(cur); cur = ''; } else cur += ch;
  }
  if (cur) out.push(cur);
  return out;
}

const fnArg = (seg: string, fn: string) => {
  const m = seg.match(new RegExp(`^${fn}\\((['"]?)(.*)\\1\\)$`));
  return m ? m[2] : undefined;
};

/** Values at a discriminator path, with their types. */
export function evalPath(start: Typed[], path: string, hooks: SliceHooks): Typed[] {
  let cur = start;
  for (const seg of segments(path)) {
    if (seg === '$this') continue;
    const next: Typed[] = [];
    const url = fnArg(seg, 'extension');
    const ofType = fnArg(seg, 'ofType');
    for (const { value, type } of cur) {
      if (seg === 'resolve()') {
        const r = hooks.resolve(value);
        if (r) next.push({ value: r, type: String(r.resourceType) });
      } else if (ofType !== undefined) {
        if (type === ofType) next.push({ value, type });
      } else if (typeof value === 'object' && value !== null) {
        const o = value as Json;
        if (url !== undefined) {
          for (const e of (Array.isArray(o.extension) ? o.extension : []) as Json[]) if (e?.url === url) next.push({ value: e, type: 'Extension' });
          continue;
        }
        const info = typeRoot(type === 'Resource' || !type ? String(o.resourceType ?? type) : type);
        const hit = info?.byKey.get(seg);
        const before = next.length;
        if (o[seg] !== undefined) push(next, o[seg], hit?.type ?? 'Element');
        else if (info) {
          for (const [k, e] of info.byKey) if (e.node.name === seg && e.node.choice && o[k] !== undefined) push(next, o[k], e.type);
        }
        if (next.length === before && o[seg] === undefined) {
          // Backbone elements have no type definition of their own: read choices from the JSON names.
          for (const k in o) {
            if (k.length > seg.length && k.startsWith(seg) && /[A-Z]/.test(k[seg.length])) {
              const t = k.slice(seg.length);
              push(next, o[k], isPrimitiveType(t[0].toLowerCase() + t.slice(1)) ? t[0].toLowerCase() + t.slice(1) : t);
            }
          }
        }
      }
    }
    cur = next;
  }
  return cur;
}

function push(out: Typed[], v: unknown, type: string): void {
  if (Array.isArray(v)) for (const x of v) { if (x !== null) out.push({ value: x, type }); }
  else out.push({ value: v, type });
}

/** The element of a slice that a discriminator path designates. */
function elementAt(slice: ElementNode, path: string): ElementNode | undefined {
  let cur: ElementNode | undefined = slice;
  for (const seg of segments(path)) {
    if (!cur) return undefined;
    if (seg === '$this' || seg === 'resolve()' || seg.startsWith('ofType(')) continue;
    const url = fnArg(seg, 'extension');
    const kids: ElementNode[] = cur.children.length ? cur.children : typeRoot(cur.types[0]?.code ?? '')?.children ?? [];
    if (url !== undefined) {
      const ext: ElementNode | undefined = kids.find((c) => c.name === 'extension');
      cur = ext?.slices.find((s) => s.types[0]?.profiles[0] === url || s.children.find((c) => c.name === 'url')?.fixed?.value === url);
      continue;
    }
    cur = kids.find((c) => c.name === seg);
  }
  return cur;
}

function expectedValue(slice: ElementNode, d: Discriminator): { value: unknown; exact: boolean } | undefined {
  const el = elementAt(slice, d.path);
  if (el?.fixed) return { value: el.fixed.value, exact: true };
  if (el?.pattern) return { value: el.pattern.value, exact: false };
  // Extension slices carry their url as the type profile rather than as a fixed url.
  if (d.path === 'url' && slice.types[0]?.code === 'Extension' && slice.types[0].profiles[0]) return { value: slice.types[0].profiles[0], exact: true };
  return undefined;
}

export function matchesSlice(item: Typed, slice: ElementNode, discs: Discriminator[], hooks: SliceHooks): boolean {
  for (const d of discs) {
    const vals = evalPath([item], d.path, hooks);
    const el = elementAt(slice, d.path);
    if (d.type === 'value' || d.type === 'pattern') {
      const exp = expectedValue(slice, d);
      if (exp) {
        if (!vals.some((v) => (exp.exact && d.type === 'value' ? deepEqual(v.value, exp.value) || matchesPattern(v.value, exp.value) : matchesPattern(v.value, exp.value)))) return false;
      } else if (el?.binding) {
        if (!vals.some((v) => hooks.inValueSet(v.value, v.type, el))) return false;
      } else return false;
    } else if (d.type === 'type') {
      const want = (el ?? slice).types.map((t) => t.code);
      if (!vals.some((v) => want.includes(v.type) || (typeof v.value === 'object' && v.value !== null && want.includes(String((v.value as Json).resourceType))))) return false;
    } else if (d.type === 'profile') {
      const t = (el ?? slice).types;
      const profiles = t.flatMap((x) => (d.path.includes('resolve()') ? x.targetProfiles : x.profiles.length ? x.profiles : x.targetProfiles));
      if (!profiles.length || !vals.some((v) => hooks.conforms(v.value, v.type, profiles))) return false;
    } else if (d.type === 'exists') {
      const present = vals.length > 0;
      if (el && el.min > 0 && !present) return false;
      if (el && el.max === 0 && present) return false;
    }
  }
  return true;
}

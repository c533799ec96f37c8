// Snapshot generation for profiles that bring only a differential: start from the base definition's
// snapshot (generated recursively) and apply each differential element in order: constraints on existing
// elements, new slices (copies of the sliced element and its children), and type expansion when the
// differential reaches below an element (Observation.code.coding → Coding's children).
import type { ElementDefinition, StructureDefinition } from 'fhir/r4';
import { getStructureDefinition, typeDefinition } from './registry.js';

const cache = new WeakMap<StructureDefinition, ElementDefinition[]>();
/** A differential element that snapshot generation could not apply as written (index into differential.element). */
export interface SnapshotProblem { index: number; message: string }
const problems = new WeakMap<StructureDefinition, SnapshotProblem[]>();

/** Differential elements that snapshot generation had to ignore or found in conflict with the base, with the reason. */
export function snapshotProblems(sd: StructureDefinition): SnapshotProblem[] {
  return problems.get(sd) ?? [];
}

/** The snapshot elements of a StructureDefinition (its own, or generated from the differential). Ids are always set. */
export function snapshotOf(sd: StructureDefinition, seen: Set<string> = new Set()): ElementDefinition[] {
  const hit = cache.get(sd);
  if (hit) return hit;
  let els: ElementDefinition[];
  if (sd.snapshot?.element?.length) els = withIds(sd.snapshot.element);
  else els = generate(sd, seen);
  cache.set(sd, els);
  return els;
}

function generate(sd: StructureDefinition, seen: Set<string>): ElementDefinition[] {
  if (!sd.baseDefinition) throw new Error(`${sd.url} has neither a snapshot nor a baseDefinition`);
  if (seen.has(sd.url)) throw new Error(`Circular baseDefinition at ${sd.url}`);
  seen.add(sd.url);
  const base = getStructureDefinition(sd.baseDefinition);
  if (!base) throw new Error(`Cannot generate the snapshot of ${sd.url}: base ${sd.baseDefinition} is unknown`);
  const els = snapshotOf(base, seen).map((e) => structuredClone(e));
  const found: (ElementDefinition | undefined)[] = [];
  const report = (index: number, message: string) => problems.set(sd, [...(problems.get(sd) ?? []), { index, message }]);
  withIds(sd.differential?.element ?? [], false).forEach((d, index) => {
    // An id that does not spell the path (seen in the wild) is ignored in favour of the path.
    const id = d.id!.replace(/:[^.]+/g, '') === d.path ? d.id! : d.path;
    try {
      const target = els[locate(els, id, d)];
      const conflict = fixedConflict(target, d);
      if (conflict) report(index, conflict);
      merge(target, d);
      found[index] = target;
    } catch (e) {
      // Like the HL7 validator, a differential element that cannot be placed is ignored (and reported).
      report(index, `${(e as Error).message} (ignored)`);
    }
  });
  // Differential elements must follow the order of the snapshot: one placed after an element that comes
  // earlier in the snapshot has no match in the HL7 validator's walk of the base.
  const pos = found.map((e) => (e ? els.indexOf(e) : -1));
  let min = Infinity;
  for (let i = pos.length - 1; i >= 0; i--) {
    if (pos[i] < 0) continue;
    if (min < pos[i]) report(i, `${els[pos[i]].id} is out of order: it comes after ${els[min].id} in the differential but before it in the snapshot`);
    min = Math.min(min, pos[i]);
  }
  return els;
}

/** Fills missing ids from paths and sliceNames (older differentials have none). */
function withIds(list: ElementDefinition[], clone = true): ElementDefinition[] {
  if (list.every((e) => e.id)) return list;
  const sliceOf = new Map<string, string>(); // path → id of the current slice at that path
  return list.map((e) => {
    const out = clone ? { ...e } : { ...e };
    if (!out.id) {
      let id = out.path;
      // Rewrite the prefix to the slice most recently opened on an ancestor path.
      for (const [p, sid] of [...sliceOf].sort((a, b) => b[0].length - a[0].length)) {
        if (id.startsWith(p + '.')) { id = sid + id.slice(p.length); break; }
      }
      if (out.sliceName) { id = `${id}:${out.sliceName}`; sliceOf.set(out.path, id); }
      else if (sliceOf.has(out.path)) sliceOf.delete(out.path);
      out.id = id;
    }
    return out;
  });
}

const splitId = (id: string) => {
  const dot = id.lastIndexOf('.');
  return dot < 0 ? { parent: '', last: id } : { parent: id.slice(0, dot), last: id.slice(dot + 1) };
};

/** Index of the element with this id, creating slices and expanding types as needed. */
function locate(els: ElementDefinition[], id: string, d?: ElementDefinition, expanded = false): number {
  let i = els.findIndex((e) => e.id === id);
  if (i >= 0) return i;
  const { parent, last } = splitId(id);
  if (!parent) throw new Error(`Unknown root element ${id}`);
  const [name, slice] = last.split(':');
  // value[x]:valueQuantity and valueQuantity both constrain value[x] to one type.
  if (name.endsWith('[x]') && slice?.startsWith(name.slice(0, -3))) {
    const j = locate(els, `${parent}.${name}`);
    const t = slice.slice(name.length - 3);
    narrowChoice(els[j], t);
    return j;
  }
  const pIdx = locate(els, parent);
  // The parent is a choice named by its type (`valueIdentifier`): its children hang below `value[x]`.
  if (els[pIdx].id !== parent) return locate(els, `${els[pIdx].id}.${last}`, d, expanded);
  if (slice !== undefined) {
    const baseIdx = els.findIndex((e) => e.id === `${parent}.${name}`);
    if (baseIdx < 0) throw new Error(`Cannot slice unknown element ${parent}.${name}`);
    return addSlice(els, baseIdx, slice);
  }
  const choice = els.find((e) => e.id?.startsWith(parent + '.') && e.id.endsWith('[x]') && !e.id.slice(parent.length + 1).includes('.') && last.startsWith(e.id.slice(parent.length + 1, -3)) && /^[A-Z]/.test(last.slice(e.id.length - parent.length - 4)));
  if (choice) {
    const suffix = last.slice(choice.id!.length - parent.length - 4);
    if (!choice.type?.some((t) => t.code.toLowerCase() === suffix.toLowerCase())) throw new Error(`The path must be ${choice.path} not ${parent}.${last}: ${suffix} is not one of its types`);
    narrowChoice(choice, suffix);
    return els.indexOf(choice);
  }
  if (expanded || (!els[pIdx].type?.length && !els[pIdx].contentReference)) throw new Error(`Unknown element ${id}`);
  expand(els, pIdx, d);
  // Once the parent's type is expanded, the element may be a child or a renamed choice (valueIdentifier).
  return locate(els, id, d, true);
}

function narrowChoice(el: ElementDefinition, typeSuffix: string): void {
  const t = el.type?.find((x) => x.code.toLowerCase() === typeSuffix.toLowerCase());
  if (t && (el.type?.length ?? 0) > 1) el.type = [t];
}

/** Copies the sliced element (and its descendants) as a new slice placed after its existing slices. */
function addSlice(els: ElementDefinition[], baseIdx: number, sliceName: string): number {
  const base = els[baseIdx];
  const baseId = base.id!;
  const group = (e: ElementDefinition) => e.id === baseId || e.id!.startsWith(baseId + '.') || e.id!.startsWith(baseId + ':');
  let end = baseIdx;
  while (end + 1 < els.length && group(els[end + 1])) end++;
  const own = els.slice(baseIdx, end + 1).filter((e) => e.id === baseId || e.id!.startsWith(baseId + '.'));
  const newId = `${baseId}:${sliceName}`;
  const copies = own.map((e) => {
    const c = structuredClone(e);
    c.id = newId + e.id!.slice(baseId.length);
    return c;
  });
  delete copies[0].slicing;
  copies[0].sliceName = sliceName;
  els.splice(end + 1, 0, ...copies);
  return end + 1;
}

/** Inserts the children of an element's type (or content reference) below it. */
function expand(els: ElementDefinition[], idx: number, d?: ElementDefinition): void {
  const el = els[idx];
  let src: ElementDefinition[];
  let rootPath: string;
  let rootId: string;
  if (el.contentReference) {
    const ref = el.contentReference.slice(el.contentReference.indexOf('#') + 1);
    rootPath = ref;
    rootId = ref;
    src = els.filter((e) => e.path.startsWith(ref + '.') && !e.id!.includes(':'));
  } else {
    const t = el.type?.length === 1 ? el.type[0] : el.type?.find((x) => d?.type?.some((y) => y.code === x.code)) ?? el.type?.[0];
    if (!t) throw new Error(`Cannot expand ${el.id}: no type`);
    const tsd = (t.profile?.[0] && getStructureDefinition(t.profile[0])) || typeDefinition(t.code);
    if (!tsd) throw new Error(`Cannot expand ${el.id}: unknown type ${t.code}`);
    const tels = snapshotOf(tsd);
    rootPath = tels[0].path;
    rootId = tels[0].id!;
    src = tels.slice(1);
  }
  const copies = src.map((e) => {
    const c = structuredClone(e);
    c.path = el.path + e.path.slice(rootPath.length);
    c.id = el.id + e.id!.slice(rootId.length);
    return c;
  });
  els.splice(idx + 1, 0, ...copies);
}

const KEEP = new Set(['id', 'path']);

/** A differential may not change a value its base fixes (`fixed[x]`): it can only constrain further. */
function fixedConflict(target: ElementDefinition, d: ElementDefinition): string | undefined {
  const t = target as unknown as Record<string, unknown>;
  for (const [k, v] of Object.entries(d)) {
    if (!k.startsWith('fixed') || t[k] === undefined) continue;
    if (JSON.stringify(t[k]) !== JSON.stringify(v)) return `${target.id} is fixed to ${JSON.stringify(t[k])} in the base, and cannot be fixed to ${JSON.stringify(v)}`;
  }
  return undefined;
}

function merge(target: ElementDefinition, d: ElementDefinition): void {
  for (const [k, v] of Object.entries(d)) {
    if (KEEP.has(k)) continue;
    if (k === 'constraint') {
      const have = new Set((target.constraint ?? []).map((c) => c.key));
      target.constraint = [...(target.constraint ?? []), ...(v as ElementDefinition['constraint'] ?? []).filter((c) => !have.has(c.key))];
    } else (target as unknown as Record<string, unknown>)[k] = structuredClone(v);
  }
}

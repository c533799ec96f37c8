// Rules on a StructureDefinition validated as a resource: its differential must produce a snapshot
// (elements that exist, in snapshot order, not contradicting fixed values of the base), and its slicing
// declarations must make sense (discriminator paths that exist, no slice redefining its parent's slicing).
import type { ElementDefinition, StructureDefinition } from 'fhir/r4';
import type { Issue } from '../fhir/errors.js';
import { compiledProfile } from './compile.js';
import { typeDefinition } from './registry.js';
import { snapshotOf, snapshotProblems } from './snapshot.js';

type Json = Record<string, unknown>;
const err = (path: string, diagnostics: string): Issue => ({ severity: 'error', code: 'structure', diagnostics, expression: [path] });

export function structureDefinitionRules(res: Json, path: string): Issue[] {
  const sd = res as unknown as StructureDefinition;
  const diff = sd.differential?.element;
  if (!Array.isArray(diff) || !diff.length || typeof sd.url !== 'string') return [];
  const out: Issue[] = [];
  let snapshot: ElementDefinition[] | undefined;
  if (!sd.snapshot?.element?.length && sd.baseDefinition && sd.derivation === 'constraint') {
    try {
      snapshot = snapshotOf(sd);
    } catch {
      snapshot = undefined; // an unknown base is not this resource's fault here
    }
    const problems = snapshotProblems(sd);
    for (const p of problems) out.push(err(`${path}.differential.element[${p.index}]`, `Snapshot generation: ${p.message}`));
    if (problems.length) out.push(err(path, `The snapshot of ${sd.url} cannot be generated as written: ${problems.length} differential element(s) do not match the base definition`));
  } else if (sd.snapshot?.element?.length) snapshot = sd.snapshot.element;
  out.push(...slicingRules(diff, snapshot, path));
  return out;
}

function slicingRules(diff: ElementDefinition[], snapshot: ElementDefinition[] | undefined, path: string): Issue[] {
  const out: Issue[] = [];
  const byId = new Map(diff.filter((d) => d.id).map((d) => [d.id!, d]));
  diff.forEach((d, i) => {
    if (!d.slicing) return;
    const at = `${path}.differential.element[${i}]`;
    // A slice that declares slicing re-slices: it may not change the slicing of the element it slices.
    if (d.sliceName && d.id?.endsWith(':' + d.sliceName)) {
      const parent = byId.get(d.id.slice(0, -d.sliceName.length - 1));
      if (parent?.slicing && describe(parent.slicing) !== describe(d.slicing)) {
        out.push(err(path, `The element ${parent.id} is sliced by ${describe(parent.slicing)}, but its slice ${d.id} redefines the slicing as ${describe(d.slicing)}`));
      }
    }
    const names = childNames(d, snapshot);
    if (!names) return;
    (d.slicing.discriminator ?? []).forEach((disc, k) => {
      const first = disc.path?.split('.')[0];
      if (!first || !/^[a-z][A-Za-z0-9]*$/.test(first)) return; // $this, resolve(), extension('…'), ofType(…)
      if (names.has(first) || [...names].some((n) => n.endsWith('[x]') && first.startsWith(n.slice(0, -3)))) return;
      out.push(err(`${at}.slicing.discriminator[${k}]`, `The discriminator path '${disc.path}' does not exist on the sliced element ${d.path} (children: ${[...names].join(', ')})`));
    });
  });
  return out;
}

const describe = (s: NonNullable<ElementDefinition['slicing']>) =>
  `${(s.discriminator ?? []).map((x) => `${x.type}:${x.path}`).join(',')}/${s.rules ?? 'open'}${s.ordered ? '/ordered' : ''}`;

/** Names of the children of a sliced element: from the snapshot when it lists them, else from its type (or the type's profile). */
function childNames(d: ElementDefinition, snapshot: ElementDefinition[] | undefined): Set<string> | undefined {
  const id = d.id ?? d.path;
  const below = (snapshot ?? []).filter((e) => e.id?.startsWith(id + '.') && !e.id.slice(id.length + 1).includes('.'));
  if (below.length) return new Set(below.map((e) => e.path.slice(e.path.lastIndexOf('.') + 1)));
  const own = snapshot?.find((e) => e.id === id);
  const types = d.type ?? own?.type ?? [];
  if (types.length !== 1) return undefined;
  const t = types[0];
  const root = t.profile?.[0] ? compiledProfile(t.profile[0])?.root : undefined;
  if (root) return new Set(root.children.map((c) => (c.choice ? c.name + '[x]' : c.name)));
  const tsd = typeDefinition(t.code);
  const els = tsd ? snapshotOf(tsd) : [];
  if (!els.length) return undefined;
  const base = els[0].path;
  return new Set(els.filter((e) => e.path.startsWith(base + '.') && !e.path.slice(base.length + 1).includes('.')).map((e) => e.path.slice(base.length + 1)));
}

// The validator: the structural pass (checkStructure), then a walk of the instance against the compiled
// base definition of its type and against each profile (options, meta.profile, type profiles), checking
// cardinality, fixed/pattern, maxLength, bindings, invariants, slicing, extensions, references and Bundle rules.
import type { Issue } from '../fhir/errors.js';
import { checkStructure } from '../fhir/structure.js';
import { isPrimitiveType, resourceInfo } from '../fhir/type-model.js';
import { checkBinding, checkCode, checkCoding } from './bindings.js';
import { attachmentSize, validateQuestionnaireResponse } from './questionnaire.js';
import { supportingResource } from './supporting.js';
import { baseOf, bundleRules, indexBundle, type BundleIndex } from './bundle.js';
import { compiledProfile, typeRoot, type ElementNode } from './compile.js';
import type { Env } from './invariants.js';
import { deepEqual, matchesPattern, show } from './match.js';
import { CORE_PREFIX, getStructureDefinition } from './registry.js';
import { snapshotProblems } from './snapshot.js';
import { resourceRules } from './resource-rules.js';
import { vitalSignsProfiles } from './vital-signs.js';
import { checkNarrativeLinks, checkNarrativeXhtml, narrativeAnchors } from './narrative.js';
import { matchesSlice, type SliceHooks, type Typed } from './slicing.js';

type Json = Record<string, unknown>;

export interface ValidateOptions {
  /** Profiles to validate against, besides those in meta.profile. */
  profiles?: string[];
  /** Severity given to violations of the profiles a resource declares in meta.profile. */
  declaredProfileSeverity?: 'error' | 'warning';
}

interface Scope {
  env: Env;
  contained: Map<string, Json>;
  bundle?: BundleIndex;
  /** fullUrl of the Bundle entry being validated (for relative references). */
  fullUrl?: string;
  /** Verdicts of the invariants evaluated on each value of this resource: a profile's snapshot repeats
   *  the base definition's constraints, which need not be evaluated twice on the same value. */
  verdicts?: WeakMap<object, Map<string, boolean | undefined>>;
}

interface Item { value: unknown; meta: unknown; path: string }

const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const EXT = new Set(['extension', 'modifierExtension']);

/** Validates a resource against the base specification and the profiles named in options and meta.profile. */
export function validateResource(resource: unknown, options: ValidateOptions = {}): Issue[] {
  return validateChecked(resource, checkStructure(resource), options);
}

/** validateResource for a resource whose structural issues (checkStructure) the caller has already. */
export function validateChecked(resource: unknown, structural: Issue[], options: ValidateOptions = {}): Issue[] {
  if (!isObj(resource) || typeof resource.resourceType !== 'string' || !resourceInfo(resource.resourceType)) return structural;
  const w = new Walker(options);
  w.issues.push(...structural);
  w.resource(resource, resource.resourceType, undefined, options.profiles ?? []);
  return dedupe(w.issues);
}

function dedupe(issues: Issue[]): Issue[] {
  const seen = new Set<string>();
  return issues.filter((i) => {
    const k = `${i.severity}|${i.expression?.join(',')}|${i.diagnostics}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

class Walker {
  issues: Issue[] = [];
  /** Set while walking a declared profile whose violations are demoted to warnings. */
  private demote = false;
  private readonly hooks: SliceHooks;

  constructor(
    private readonly options: ValidateOptions,
    /** Whether a resource conforms to a profile, per resource object, Bundle and base url: a document
     *  refers to its Patient from every entry, and each reference checks the same target profile. */
    private readonly conformance = new WeakMap<Json, Map<string, boolean>>(),
  ) {
    this.hooks = {
      resolve: (ref) => this.currentScope && this.resolveReference(ref, this.currentScope)?.resource,
      conforms: (value, type, profiles) => profiles.some((p) => this.conforms(value, type, p)),
      inValueSet: (value, type, node) => {
        const out: Issue[] = [];
        checkBinding(value, type, { ...node, binding: { strength: 'required', valueSet: node.binding?.valueSet } }, '', out);
        return out.length === 0;
      },
    };
  }

  private currentScope: Scope | undefined;
  /** Per resource nested in the one validated: `path|demoted|profile` already applied ('' = the base definition). */
  private readonly applied = new WeakMap<Json, Set<string>>();

  add(severity: Issue['severity'], code: Issue['code'], path: string, diagnostics: string): void {
    if (this.demote && (severity === 'error' || severity === 'fatal')) severity = 'warning';
    this.issues.push({ severity, code, diagnostics, expression: [path] });
  }

  /** A whole resource: base definition, then each applicable profile. */
  resource(res: Json, path: string, parent: Scope | undefined, extraProfiles: string[], fullUrl?: string, bundle?: BundleIndex): void {
    const type = String(res.resourceType);
    const base = compiledProfile(CORE_PREFIX + type);
    if (!base) return;
    const contained = new Map<string, Json>();
    if (Array.isArray(res.contained)) for (const c of res.contained) if (isObj(c) && typeof c.id === 'string') contained.set(c.id, c);
    const isContained = /\.contained\[\d+\]$/.test(path);
    const scope: Scope = {
      env: { resource: res, rootResource: isContained && parent ? parent.env.resource : res },
      contained: isContained && parent ? parent.contained : contained,
      bundle: bundle ?? parent?.bundle,
      fullUrl: fullUrl ?? parent?.fullUrl,
    };
    // A resource inside another (a Bundle entry, a contained resource) is reached again by each profile
    // walk of its container: what was applied to it already (at this path, as strictly) is not again.
    const applied = parent ? (this.applied.get(res) ?? new Set<string>()) : undefined;
    if (applied) this.applied.set(res, applied);
    const firstTime = (profile: string, demoted: boolean) => {
      const k = `${path}|${demoted}|${profile}`;
      if (applied?.has(k)) return false;
      applied?.add(k);
      return true;
    };
    const baseDone = !firstTime('', this.demote);
    if (type === 'Bundle') {
      scope.bundle = indexBundle(res);
      if (!baseDone) for (const i of bundleRules(res, path)) this.add(i.severity, i.code, i.expression![0], i.diagnostics);
    }
    if (!baseDone) this.root(res, base.root, path, scope);
    const canonical = (url: string) => supportingResource(url) ?? scope.bundle?.resolveCanonical(url);
    if (!baseDone) for (const i of resourceRules(res, path, { resolveCanonical: canonical })) this.add(i.severity, i.code, i.expression![0], i.diagnostics);
    if (contained.size && !isContained && !baseDone) this.containedReferenced(res, contained, path);
    if (type === 'QuestionnaireResponse' && !baseDone) {
      const found = validateQuestionnaireResponse(res, path, {
        findQuestionnaire: (c) => supportingResource(c.split('|')[0]) ?? scope.bundle?.resolveCanonical(c.split('|')[0]),
        checkCode,
      });
      for (const i of found) this.add(i.severity, i.code, i.expression![0], i.diagnostics);
    }
    const declared = (isObj(res.meta) && Array.isArray(res.meta.profile) ? res.meta.profile : []).filter((p): p is string => typeof p === 'string');
    if (type === 'Observation') {
      for (const v of vitalSignsProfiles(res)) {
        if (extraProfiles.includes(v.profile)) continue;
        this.add('information', 'informational', path, `Checked against the vital signs profile ${v.profile}, which the FHIR specification requires for an Observation coded ${v.because}`);
        extraProfiles = [...extraProfiles, v.profile];
      }
    }
    for (const p of new Set([...extraProfiles, ...declared])) {
      let cp: ReturnType<typeof compiledProfile>;
      try {
        cp = compiledProfile(p);
      } catch (e) {
        this.add('error', 'exception', path, `Profile ${p} could not be compiled: ${(e as Error).message}`);
        continue;
      }
      if (!cp) {
        // A profile the resource merely declares is a warning; one required (option, type profile of a profile) is an error.
        const sev = extraProfiles.includes(p) ? 'error' : 'warning';
        this.add(sev, 'not-found', path, `Unknown profile ${p}: conformance to it cannot be checked`);
        continue;
      }
      if (cp.type !== type) {
        this.add('error', 'structure', path, `Profile ${p} applies to ${cp.type}, not ${type}`);
        continue;
      }
      if (cp.isBase) continue;
      const demote = this.demote;
      const demoted = demote || (!extraProfiles.includes(p) && this.options.declaredProfileSeverity === 'warning');
      if (!firstTime(p, demoted)) continue;
      for (const problem of snapshotProblems(cp.sd)) this.add('warning', 'informational', path, `Profile ${p}, differential element ${problem.index}: ${problem.message}`);
      this.demote = demoted;
      try {
        this.root(res, cp.root, path, scope);
      } catch (e) {
        this.add('error', 'exception', path, `Profile ${p} could not be applied: ${(e as Error).message}`);
      }
      this.demote = demote;
    }
  }

  /** dom-3: each contained resource is referenced from the resource (or refers to it with '#'). */
  private containedReferenced(res: Json, contained: Map<string, Json>, path: string): void {
    const refs = new Set<string>();
    const walk = (v: unknown, inContained: boolean): void => {
      if (typeof v === 'string') { if (v.charCodeAt(0) === 35) refs.add(inContained && v === '#' ? '#' : v); return; }
      if (Array.isArray(v)) { for (const x of v) walk(x, inContained); return; }
      if (isObj(v)) for (const k in v) if (k !== 'contained' || inContained) walk(v[k], inContained);
    };
    walk(res, false);
    const list = res.contained as unknown[];
    list.forEach((c, i) => {
      if (!isObj(c) || typeof c.id !== 'string' || refs.has('#' + c.id)) return;
      const back = new Set<string>();
      const w2 = (v: unknown): void => {
        if (typeof v === 'string') { if (v === '#') back.add(v); return; }
        if (Array.isArray(v)) v.forEach(w2); else if (isObj(v)) for (const k in v) w2(v[k]);
      };
      w2(c);
      // Other contained resources may reference it too.
      for (const o of list) if (o !== c) { const s = JSON.stringify(o); if (s.includes(`"#${c.id}"`)) return; }
      if (!back.size) this.add('error', 'invariant', `${path}.contained[${i}]`, `Constraint dom-3 failed: the contained resource ${c.id} is not referenced from the rest of the resource (If the resource is contained in another resource, it SHALL be referred to from elsewhere in the resource or SHALL refer to the containing resource)`);
    });
  }

  private root(res: Json, node: ElementNode, path: string, scope: Scope): void {
    const prev = this.currentScope;
    this.currentScope = scope;
    this.invariants(res, node, path, scope);
    this.object(res, node, path, scope, { type: String(res.resourceType), elementPath: String(res.resourceType), isResource: true });
    this.currentScope = prev;
  }

  private invariants(value: unknown, node: ElementNode, path: string, scope: Scope, type?: string): void {
    if (!node.invariants.length) return;
    const known = typeof value === 'object' && value !== null ? (scope.verdicts ??= new WeakMap()) : undefined;
    let verdicts = known?.get(value as object);
    if (known && !verdicts) known.set(value as object, (verdicts = new Map()));
    for (const inv of node.invariants) {
      // Same constraint (key and expression) on the same element path, value and resource: same verdict.
      const k = verdicts && `${node.path}|${type ?? ''}|${inv.key}|${inv.expression}`;
      let ok: boolean | undefined;
      if (k && verdicts!.has(k)) ok = verdicts!.get(k);
      else {
        ok = inv.test(value, scope.env, type);
        if (k) verdicts!.set(k, ok);
      }
      if (ok === false) this.add(inv.severity, 'invariant', path, `Constraint ${inv.key} failed: ${inv.human}`);
    }
  }

  /** The children of a complex value, keyed by its JSON properties, then the required ones. */
  private object(obj: Json, node: ElementNode, path: string, scope: Scope, where: Where): void {
    for (const key in obj) {
      if (key === 'resourceType') continue;
      let k = key;
      if (key.charCodeAt(0) === 95) {
        k = key.slice(1);
        if (obj[k] !== undefined) continue; // handled with its value
      }
      const hit = node.byKey.get(k);
      if (!hit) {
        // Unknown properties are reported by the structural pass; a profile may also have removed a choice type.
        if (node.constraint) this.typeNotAllowed(k, node, path);
        continue;
      }
      this.element(obj, k, hit.node, hit.type, path, scope, where);
    }
    for (const sl of node.slicedRequired) {
      if (count(obj, sl.name) > 0) continue; // checked with the values
      for (const s of sl.slices) if (s.min > 0) this.add('error', 'structure', path, `Slice '${s.sliceName}' of ${sl.path}: minimum required = ${s.min}, but only found 0`);
    }
    for (const req of node.required) {
      let n = 0;
      if (req.choice) {
        for (const t of req.types) n += count(obj, req.name + cap(t.code));
      } else n = count(obj, req.name);
      if (n < req.min) {
        const slice = req.sliceName ? ` (slice ${req.sliceName})` : '';
        this.add('error', 'required', path, `${req.path}${slice}: minimum required = ${req.min}, but only found ${n}`);
      }
    }
  }

  private element(obj: Json, k: string, node: ElementNode, type: string, path: string, scope: Scope, where: Where): void {
    const raw = obj[k];
    const meta = obj['_' + k];
    const name = node.choice ? `${node.name}.ofType(${type})` : k;
    const items: Item[] = [];
    if (Array.isArray(raw) || Array.isArray(meta)) {
      const a = Array.isArray(raw) ? raw : [];
      const m = Array.isArray(meta) ? meta : [];
      for (let i = 0; i < Math.max(a.length, m.length); i++) items.push({ value: a[i] ?? undefined, meta: m[i] ?? undefined, path: `${path}.${name}[${i}]` });
    } else items.push({ value: raw, meta, path: `${path}.${name}` });
    if (items.length > node.max) {
      this.add('error', 'structure', `${path}.${name}`, `${node.path}: maximum allowed = ${node.max}, but found ${items.length}`);
    }
    const isExt = EXT.has(node.name);
    if (node.slicing && node.slices.length) this.sliced(items, node, type, path, scope, where, isExt);
    else for (const it of items) isExt ? this.extension(it, node, scope, where, node.name === 'modifierExtension') : this.value(it, node, type, scope, where);
  }

  private sliced(items: Item[], node: ElementNode, type: string, path: string, scope: Scope, where: Where, isExt: boolean): void {
    const slicing = node.slicing!;
    const counts = new Map<ElementNode, number>();
    let lastIndex = -1;
    let sawUnmatched = false;
    for (const it of items) {
      const typed: Typed = { value: it.value, type };
      const idx = it.value === undefined ? -1 : node.slices.findIndex((s) => matchesSlice(typed, s, slicing.discriminators, this.hooks));
      if (idx < 0) {
        if (slicing.rules === 'closed') this.add('error', 'structure', it.path, `This element does not match any known slice of ${node.path} (the slicing is closed)`);
        sawUnmatched = true;
        if (isExt) this.extension(it, node, scope, where, node.name === 'modifierExtension');
        else this.value(it, node, type, scope, where);
        continue;
      }
      if (!isExt) {
        const other = node.slices.findIndex((s, j) => j > idx && matchesSlice(typed, s, slicing.discriminators, this.hooks));
        if (other >= 0) this.add('error', 'structure', it.path, `This element matches more than one slice of ${node.path}: ${node.slices[idx].sliceName}, ${node.slices[other].sliceName}`);
      }
      if (slicing.rules === 'openAtEnd' && sawUnmatched) this.add('error', 'structure', it.path, `Slice ${node.slices[idx].sliceName} of ${node.path} comes after unsliced content (the slicing is open at the end)`);
      if (slicing.ordered && idx < lastIndex) this.add('error', 'structure', it.path, `Slice ${node.slices[idx].sliceName} of ${node.path} is out of order (the slicing is ordered)`);
      lastIndex = Math.max(lastIndex, idx);
      const s = node.slices[idx];
      counts.set(s, (counts.get(s) ?? 0) + 1);
      this.value(it, s, type, scope, where);
    }
    const name = node.choice ? node.name : node.path.slice(node.path.lastIndexOf('.') + 1);
    for (const s of node.slices) {
      const n = counts.get(s) ?? 0;
      if (n < s.min) this.add('error', 'structure', path, `Slice '${s.sliceName}' of ${node.path}: minimum required = ${s.min}, but only found ${n}`);
      if (n > s.max) this.add('error', 'structure', `${path}.${name}`, `Slice '${s.sliceName}' of ${node.path}: maximum allowed = ${s.max}, but found ${n}`);
    }
  }

  /** An extension not matched to a profile slice: resolve its definition by url. */
  private extension(it: Item, node: ElementNode, scope: Scope, where: Where, modifier: boolean): void {
    const v = it.value;
    if (!isObj(v) || typeof v.url !== 'string') return this.value(it, node, 'Extension', scope, where);
    const sd = getStructureDefinition(v.url);
    if (!sd || sd.type !== 'Extension') {
      // Relative urls and unknown ones cannot be checked; a modifier that is not understood makes the data unsafe.
      // A relative url names a part of a complex extension, whose definition is the unknown parent.
      if (!/^[a-z][a-z0-9+.-]*:/i.test(v.url) && where.extensionUrl) return this.value(it, node, 'Extension', scope, where);
      if (modifier) this.add('error', 'structure', it.path, `Unknown modifier extension ${v.url}: the resource cannot be safely processed`);
      else this.add('warning', 'extension', it.path, `Unknown extension ${v.url}`);
      return this.value(it, node, 'Extension', scope, where);
    }
    const ctx = (sd.context ?? []).filter((c) => c.type === 'element' || c.type === 'extension');
    if (ctx.length && !ctx.some((c) => contextAllows(c.type, c.expression, where))) {
      this.add('error', 'structure', it.path, `The extension ${v.url} is not allowed on ${where.elementPath} (allowed: ${ctx.map((c) => c.expression).join(', ')})`);
    }
    if (modifier !== !!sd.snapshot?.element?.[0]?.isModifier && sd.snapshot?.element?.[0]) {
      const isMod = !!sd.snapshot.element[0].isModifier;
      if (isMod && !modifier) this.add('error', 'structure', it.path, `The extension ${v.url} is a modifier extension and must be in modifierExtension`);
      if (!isMod && modifier) this.add('error', 'structure', it.path, `The extension ${v.url} is not a modifier extension and must not be in modifierExtension`);
    }
    const cp = compiledProfile(v.url)!;
    this.ext1(v, it.path);
    this.checkConstraints(v, node, 'Extension', it.path, scope);
    this.invariants(v, cp.root, it.path, scope);
    this.object(v, cp.root, it.path, scope, { type: 'Extension', elementPath: 'Extension', extensionUrl: v.url });
  }

  private typeNotAllowed(key: string, node: ElementNode, path: string): void {
    for (const c of node.children) {
      if (!c.choice || !key.startsWith(c.name) || !/^[A-Z]/.test(key.slice(c.name.length))) continue;
      const t = key.slice(c.name.length);
      const type = isPrimitiveType(t[0].toLowerCase() + t.slice(1)) ? t[0].toLowerCase() + t.slice(1) : t;
      this.add('error', 'structure', `${path}.${c.name}.ofType(${type})`, `The type ${type} is not allowed for ${c.path} by profile ${c.profile} (allowed: ${c.types.map((x) => x.code).join(', ')})`);
    }
  }

  /** ext-1, natively: an extension has nested extensions or a value, not both. */
  private ext1(v: Json, path: string): void {
    const hasValue = Object.keys(v).some((k) => k.startsWith('value'));
    if (hasValue && Array.isArray(v.extension) && v.extension.length) {
      this.add('error', 'invariant', path, 'Constraint ext-1 failed: Must have either extensions or value[x], not both');
    }
  }

  private checkConstraints(v: unknown, node: ElementNode, type: string, path: string, scope: Scope): void {
    if (node.fixed && !deepEqual(v, node.fixed.value)) this.add('error', 'value', path, `Value must be exactly ${show(node.fixed.value)} (${node.fixed.key} of ${node.path}), but is ${show(v)}`);
    if (node.pattern && !matchesPattern(v, node.pattern.value)) this.add('error', 'value', path, `Value must match the pattern ${show(node.pattern.value)} (${node.pattern.key} of ${node.path}), but is ${show(v)}`);
    if (node.minValue || node.maxValue) {
      const n = typeof v === 'object' && v !== null ? Number((v as Json).value) : (v as number | string);
      if (node.minValue && n < node.minValue.value) this.add('error', 'value', path, `Value ${String(n)} is less than the minimum ${String(node.minValue.value)} allowed by ${node.path} (${node.minValue.key})`);
      if (node.maxValue && n > node.maxValue.value) this.add('error', 'value', path, `Value ${String(n)} is greater than the maximum ${String(node.maxValue.value)} allowed by ${node.path} (${node.maxValue.key})`);
    }
    if (node.maxLength && typeof v === 'string' && v.length > node.maxLength) this.add('error', 'too-long', path, `Value is ${v.length} characters long; ${node.path} allows at most ${node.maxLength}`);
    if (node.binding) {
      const before = this.issues.length;
      checkBinding(v, type, node, path, this.issues);
      if (this.demote) for (let i = before; i < this.issues.length; i++) if (this.issues[i].severity === 'error') this.issues[i].severity = 'warning';
    }
    if (node.invariants.length) this.invariants(v, node, path, scope, node.choice ? type : undefined);
  }

  private value(it: Item, node: ElementNode, type: string, scope: Scope, where: Where): void {
    const v = it.value;
    if (v === undefined || v === null) {
      if (it.meta && isObj(it.meta)) this.object(it.meta, typeRoot(type) ?? node, it.path, scope, { type, elementPath: node.path });
      return;
    }
    this.checkConstraints(v, node, type, it.path, scope);
    if (isPrimitiveType(type)) {
      if (isObj(it.meta)) { const tr = typeRoot(type); if (tr) this.object(it.meta, tr, it.path, scope, { type, elementPath: node.path }); }
      return;
    }
    if (!isObj(v)) return; // reported by the structural pass
    if (type === 'Resource' || resourceInfo(type)) {
      if (typeof v.resourceType !== 'string' || !resourceInfo(v.resourceType)) return;
      const profiles = node.types.find((t) => t.code === type)?.profiles ?? [];
      const entryUrl = /\.entry\[\d+\]\.resource$/.test(it.path) && where.entryFullUrl ? where.entryFullUrl : undefined;
      let wanted = profiles.filter((p) => !p.startsWith(CORE_PREFIX) || getStructureDefinition(p)?.derivation === 'constraint');
      // Several profiles on one type: conforming to any of them is enough.
      if (wanted.length > 1) {
        const ok = wanted.find((p) => this.conforms(v, String(v.resourceType), p));
        if (ok) wanted = [ok];
      }
      this.resource(v, it.path, scope, wanted, entryUrl);
      return;
    }
    const ref = node.types.find((t) => t.code === type);
    let target: ElementNode | undefined = node.children.length ? node : undefined;
    if (!target && ref?.profiles.length) target = ref.profiles.map((p) => compiledProfile(p)?.root).find((x) => x);
    const tr = typeRoot(type);
    target ??= tr;
    if (!target) return;
    // The type's own invariants (per-1 on Period, qty-3 on Quantity…) live on its root element.
    if (tr) this.invariants(v, tr, it.path, scope);
    if (target !== node && target !== tr) this.invariants(v, target, it.path, scope);
    if (type === 'Extension') this.ext1(v, it.path);
    if (type === 'Narrative' && typeof v.div === 'string') {
      for (const i of checkNarrativeXhtml(v.div, `${it.path}.div`)) this.add(i.severity, i.code, i.expression![0], i.diagnostics);
      const root = scope.env.rootResource as Json;
      for (const i of checkNarrativeLinks(v.div, `${it.path}.div`, () => anchorsOf(root))) this.add(i.severity, i.code, i.expression![0], i.diagnostics);
    }
    if (type === 'Period' && typeof v.start === 'string' && typeof v.end === 'string' && !startsBeforeEnd(v.start, v.end)) {
      this.add('error', 'invariant', it.path, 'Constraint per-1 failed: If present, start SHALL have a lower value than end');
    }
    if (type === 'Reference') this.reference(v, ref?.targetProfiles ?? [], it.path, scope);
    if (type === 'Coding') {
      const before = this.issues.length;
      checkCoding(v, it.path, this.issues);
      if (this.demote) for (let i = before; i < this.issues.length; i++) if (this.issues[i].severity === 'error') this.issues[i].severity = 'warning';
    }
    if (type === 'Attachment' && typeof v.data === 'string' && typeof v.size === 'number') {
      const actual = attachmentSize(v)!;
      if (actual !== v.size) this.add('error', 'structure', it.path, `Stated attachment size ${v.size} does not match the actual size ${actual} of its data`);
    }
    const w: Where = { type, elementPath: node.path };
    if (node.path === 'Bundle.entry' && typeof v.fullUrl === 'string') w.entryFullUrl = v.fullUrl;
    if (type === 'Extension' && typeof v.url === 'string') w.extensionUrl = v.url;
    this.object(v, target, it.path, scope, w);
  }

  private resolveReference(ref: unknown, scope: Scope): { resource?: Json; type?: string; unresolved?: string; ambiguous?: number } | undefined {
    if (!isObj(ref) || typeof ref.reference !== 'string') return undefined;
    const r = ref.reference;
    if (r.startsWith('#')) {
      if (r === '#') return { resource: scope.env.resource as Json, type: String((scope.env.resource as Json).resourceType) };
      const c = scope.contained.get(r.slice(1));
      return c ? { resource: c, type: String(c.resourceType) } : { unresolved: `the contained resource ${r} does not exist` };
    }
    if (scope.bundle) {
      let all = scope.bundle.matches(r, scope.fullUrl);
      const version = r.match(/\/_history\/([^/]+)$/)?.[1];
      if (version && all.length) {
        all = all.filter((x) => isObj(x.meta) && x.meta.versionId === version);
        if (!all.length) return { unresolved: `no entry of the Bundle is version ${version} of ${r.slice(0, r.indexOf('/_history/'))}` };
      }
      const hit = all[0];
      if (hit && all.length > 1 && scope.bundle.type !== 'history') return { resource: hit, type: String(hit.resourceType), ambiguous: all.length };
      if (hit) return { resource: hit, type: String(hit.resourceType) };
      if (r.startsWith('urn:uuid:') || r.startsWith('urn:oid:')) return { unresolved: `${r} is not the fullUrl of any entry in the Bundle` };
    }
    const m = r.match(/(?:^|\/)([A-Z][A-Za-z]+)\/[A-Za-z0-9\-.]{1,64}(?:\/_history\/[A-Za-z0-9\-.]{1,64})?$/);
    if (m && resourceInfo(m[1])) return { type: m[1] };
    return undefined;
  }

  private reference(v: Json, targets: string[], path: string, scope: Scope): void {
    const types = targets.map(targetType);
    const anyType = !types.length || types.includes('Resource') || types.includes('Any');
    const res = this.resolveReference(v, scope);
    if (typeof v.type === 'string') {
      // Reference.type names the target's resource type: it must be an allowed target, and agree with what it resolves to.
      if (!anyType && !types.includes(v.type)) this.add('error', 'structure', path, `The type '${v.type}' is not a valid target for this reference (must be one of ${[...new Set(types)].join(', ')})`);
      else if (anyType && !resourceInfo(v.type) && !/^[a-z][a-z0-9+.-]*:/i.test(v.type)) this.add('error', 'structure', path, `The type '${v.type}' is not a resource type`);
      if (res?.type && res.type !== v.type) this.add('error', 'structure', path, `The reference points to a ${res.type}, but its type says '${v.type}'`);
    }
    if (!res) return;
    if (res.unresolved) {
      const doc = scope.bundle?.type === 'document' || scope.bundle?.type === 'message';
      const local = String(v.reference).startsWith('#');
      this.add(local || doc ? 'error' : 'warning', 'not-found', path, `Unable to resolve the reference: ${res.unresolved}`);
      return;
    }
    if (res.ambiguous) this.add('error', 'structure', path, `The reference ${String(v.reference)} matches ${res.ambiguous} entries of the Bundle (several versions of one resource); it must identify one`);
    if (anyType || !res.type) return;
    if (!types.includes(res.type)) {
      this.add('error', 'structure', path, `The reference ${String(v.reference)} points to a ${res.type}, which is not a valid target here (must be one of ${[...new Set(types)].join(', ')})`);
      return;
    }
    const profiled = targets.filter((t) => getStructureDefinition(t)?.derivation === 'constraint' && getStructureDefinition(t)?.type === res.type);
    if (res.resource && profiled.length && !profiled.some((p) => this.conforms(res.resource, res.type!, p))) {
      this.add('error', 'structure', path, `The referenced ${res.type} does not conform to ${profiled.join(' or ')}`);
    }
  }

  /** Whether a value conforms to a profile (no error issues); used by profile discriminators and target profiles. */
  private conforms(value: unknown, type: string, profile: string): boolean {
    let cp: ReturnType<typeof compiledProfile>;
    try {
      cp = compiledProfile(profile);
    } catch {
      return false;
    }
    if (!cp || !isObj(value)) return false;
    // A whole resource's conformance depends only on it, the profile and where its references resolve
    // (the Bundle, and the base of a RESTful fullUrl): computed once per validation.
    const whole = !cp.root.path.includes('.') && typeof value.resourceType === 'string';
    if (whole && cp.type !== value.resourceType) return false; // would fail at once: "Profile … applies to …"
    const key = whole ? `${profile}|${bundleKey(this.currentScope)}` : '';
    const known = whole ? this.conformance.get(value)?.get(key) : undefined;
    if (known !== undefined) return known;
    const sub = new Walker(this.options, this.conformance);
    sub.currentScope = this.currentScope;
    const scope = this.currentScope ?? { env: { resource: value, rootResource: value }, contained: new Map() };
    if (cp.root.path.includes('.') || typeof value.resourceType !== 'string') {
      sub.invariants(value, cp.root, 'x', scope);
      sub.object(value, cp.root, 'x', scope, { type, elementPath: type });
    } else sub.resource(value, String(value.resourceType), this.currentScope, [profile]);
    const ok = !sub.issues.some((i) => i.severity === 'error' || i.severity === 'fatal');
    if (whole) {
      const m = this.conformance.get(value) ?? new Map<string, boolean>();
      this.conformance.set(value, m.set(key, ok));
    }
    return ok;
  }
}

const bundleIds = new WeakMap<BundleIndex, number>();
let nextBundleId = 0;
/** Where the references of a resource validated in this scope resolve: its Bundle and fullUrl base. */
function bundleKey(scope: Scope | undefined): string {
  if (!scope?.bundle) return '';
  let id = bundleIds.get(scope.bundle);
  if (id === undefined) bundleIds.set(scope.bundle, (id = ++nextBundleId));
  return `${id}|${scope.fullUrl ? baseOf(scope.fullUrl) ?? '' : ''}`;
}

const anchorCache = new WeakMap<Json, Set<string>>();
function anchorsOf(root: Json): Set<string> {
  let a = anchorCache.get(root);
  if (!a) anchorCache.set(root, (a = narrativeAnchors(root)));
  return a;
}

const targetTypes = new Map<string, string>();
function targetType(url: string): string {
  let t = targetTypes.get(url);
  if (t) return t;
  const sd = getStructureDefinition(url);
  if (sd) targetTypes.set(url, sd.type);
  return sd?.type ?? url.slice(url.lastIndexOf('/') + 1);
}

interface Where { type: string; elementPath: string; isResource?: boolean; extensionUrl?: string; entryFullUrl?: string }

const GENERIC = new Set(['Element', 'Base']);
function contextAllows(kind: string, expr: string, w: Where): boolean {
  if (kind === 'extension') return expr === w.extensionUrl || expr === 'Extension' && w.type === 'Extension';
  if (GENERIC.has(expr) || expr === w.type || expr === w.elementPath) return true;
  if ((expr === 'Resource' || expr === 'DomainResource') && w.isResource) return true;
  if (expr === 'BackboneElement' && w.elementPath.includes('.')) return true;
  // A context on a data type element path (e.g. `HumanName.given`) or on any element of a resource.
  // A context on a data type element path (`HumanName.given`), or on a sub-element of this one (the HL7 validator accepts that too).
  return w.elementPath.endsWith('.' + expr) || expr.endsWith('.' + w.elementPath) || expr.startsWith(w.elementPath + '.') || expr.startsWith(w.type + '.');
}

/** per-1: start <= end. Different precisions that agree on the shared one cannot be ordered, and fail. */
export function startsBeforeEnd(start: string, end: string): boolean {
  const dateLen = (x: string) => (x.length > 10 ? 10 : x.length);
  if (start.length > 10 && end.length > 10) {
    const a = Date.parse(start), b = Date.parse(end);
    return Number.isNaN(a) || Number.isNaN(b) ? true : a <= b;
  }
  if (start.length === end.length) return start <= end;
  const n = Math.min(dateLen(start), dateLen(end));
  return start.slice(0, n) < end.slice(0, n);
}

const cap = (s: string) => s[0].toUpperCase() + s.slice(1);

function count(obj: Json, key: string): number {
  const v = obj[key];
  const m = obj['_' + key];
  if (Array.isArray(v) || Array.isArray(m)) return Math.max(Array.isArray(v) ? v.length : 0, Array.isArray(m) ? m.length : 0);
  return v !== undefined || m !== undefined ? 1 : 0;
}

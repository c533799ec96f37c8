// Pseudonymisation of a person whose directly identifying data are past their retention limit.
// The rules are data (rules.json); this file applies them to every stored version of every
// resource of the person's compartment (so that vread and history reveal nothing either), keeps
// resource.content equal to the current version's content, and rebuilds the search indexes of
// the current versions. No version is added and last_updated is kept: the purge is not a
// clinical change and must not restart the person's clock.
import { createHmac, randomBytes } from 'node:crypto';
import type { Address, Coding, Resource } from 'fhir/r4';
import type { Config } from '../config.js';
import type { Queryable } from '../store/db.js';
import { deleteIndexes, writeIndexes } from '../store/indexing/index.js';
import RULES from './rules.json' with { type: 'json' };
import { belongsTo, currentCompartment } from './compartment.js';

type Obj = Record<string, unknown>;

interface TypeRule {
  drop?: string[];
  transform?: Record<string, string>;
  dropExtensionsMatching?: string[];
  pseudonymIdentifier?: boolean;
  securityLabel?: boolean;
}

const TYPES = RULES.types as Record<string, TypeRule>;
const EVERY = RULES.everyResource;
const LABEL = RULES.securityLabel as Coding;
const DISPLAY_TO = new Set(EVERY.dropReferenceDisplayTo);
const IDENTIFIER_TO = new Set(EVERY.dropReferenceIdentifierTo);
const IDENTIFIER_SYSTEMS = new Set(EVERY.dropReferenceIdentifierSystems);

// ---------------------------------------------------------------- element transforms

const FRANCE = new Set(['fr', 'fra', 'france', '250']);

/** Département of a French postal code: 2 digits, 3 overseas (97x, 98x), 2A/2B for Corsica. */
export function departementOf(postalCode?: string, country?: string): string | undefined {
  const pc = postalCode?.replace(/\s+/g, '');
  if (!pc || !/^\d{5}$/.test(pc)) return undefined;
  if (/^9[78]/.test(pc)) return pc.slice(0, 3);
  if (country && !FRANCE.has(country.trim().toLowerCase())) return undefined;
  if (pc.startsWith('20')) return Number(pc[2]) <= 1 ? '2A' : '2B';
  return pc.slice(0, 2);
}

const TRANSFORMS: Record<string, (v: unknown) => unknown> = {
  /** Address[] → [{ state: département, country }] from the home (or first) address with a postal code. */
  departement(v) {
    const list = (Array.isArray(v) ? v : [v]).filter((a): a is Address => !!a && typeof a === 'object');
    const a = list.find((x) => x.use === 'home' && x.postalCode) ?? list.find((x) => x.postalCode) ?? list[0];
    if (!a) return undefined;
    const out: Address = {};
    const state = departementOf(a.postalCode, a.country);
    if (state) out.state = state;
    if (a.country) out.country = a.country;
    return Object.keys(out).length ? [out] : undefined;
  },
  'year-month'(v) {
    return typeof v === 'string' && /^\d{4}-\d{2}/.test(v) ? v.slice(0, 7) : v;
  },
};
for (const rule of Object.values(TYPES)) {
  for (const name of Object.values(rule.transform ?? {})) if (!TRANSFORMS[name]) throw new Error(`rules.json: unknown transform "${name}"`);
}

// ---------------------------------------------------------------- the resource rewrite

export interface PseudonymContext {
  patientId: string;
  pseudonym: string;
}

/** HMAC-SHA256 of the patient id, hex, truncated (rules.json pseudonym.length). */
export function pseudonymOf(patientId: string, secret: string): string {
  return createHmac('sha256', secret).update(patientId).digest('hex').slice(0, RULES.pseudonym.length);
}

const REF_KEYS = new Set(['reference', 'type', 'identifier', 'display', 'id', 'extension']);

function referenceTarget(o: Obj, root: Obj): string | undefined {
  if (!Object.keys(o).every((k) => REF_KEYS.has(k))) return undefined;
  if (typeof o.reference === 'string' && o.reference.startsWith('#')) {
    const c = (Array.isArray(root.contained) ? (root.contained as Obj[]) : []).find((x) => x?.id === (o.reference as string).slice(1));
    if (c) return String(c.resourceType);
  }
  if (typeof o.reference === 'string') {
    const m = /(?:^|\/)([A-Z][A-Za-z]+)\/[A-Za-z0-9.-]{1,64}(?:\/_history\/[^/]+)?$/.exec(o.reference);
    if (m) return m[1];
  }
  if (typeof o.type === 'string' && ('identifier' in o || 'display' in o || 'reference' in o)) return o.type.split('/').at(-1);
  return undefined;
}

/** Removes the display (and identifier) of every reference to a person, anywhere in the tree. */
function scrubReferences(node: unknown, root: Obj): void {
  if (Array.isArray(node)) {
    for (const x of node) scrubReferences(x, root);
    return;
  }
  if (!node || typeof node !== 'object') return;
  const o = node as Obj;
  const target = referenceTarget(o, root);
  if (target) {
    if (DISPLAY_TO.has(target)) delete o.display;
    if (IDENTIFIER_TO.has(target)) delete o.identifier;
  }
  // A logical reference by a national identifier (INS/NIR), whatever its target.
  const ident = o.identifier as Obj | undefined;
  if (('reference' in o || 'type' in o || 'display' in o) && ident && typeof ident === 'object' && IDENTIFIER_SYSTEMS.has(String(ident.system))) delete o.identifier;
  for (const v of Object.values(o)) if (v && typeof v === 'object') scrubReferences(v, root);
}

function applyRules(o: Obj, ctx: PseudonymContext, top: boolean): void {
  const type = String(o.resourceType);
  const rule = TYPES[type] ?? {};
  // `_x` holds the id/extensions of primitive x (e.g. _birthDate's patient-birthTime): it goes with x.
  for (const el of [...EVERY.drop, ...(rule.drop ?? [])]) {
    delete o[el];
    delete o[`_${el}`];
  }
  for (const [el, name] of Object.entries(rule.transform ?? {})) {
    delete o[`_${el}`];
    if (o[el] === undefined) continue;
    const v = TRANSFORMS[name](o[el]);
    if (v === undefined) delete o[el];
    else o[el] = v;
  }
  const patterns = (rule.dropExtensionsMatching ?? []).map((p) => p.toLowerCase());
  if (patterns.length) {
    for (const key of ['extension', 'modifierExtension']) {
      if (!Array.isArray(o[key])) continue;
      const kept = (o[key] as Obj[]).filter((e) => !patterns.some((p) => String(e?.url ?? '').toLowerCase().includes(p)));
      if (kept.length) o[key] = kept;
      else delete o[key];
    }
  }
  if (rule.pseudonymIdentifier && top && o.id === ctx.patientId) {
    o.identifier = [{ system: RULES.pseudonym.system, value: ctx.pseudonym }];
  }
  if (rule.securityLabel) {
    const meta = (o.meta ??= {}) as { security?: Coding[] };
    const security = meta.security ?? [];
    if (!security.some((c) => c.system === LABEL.system && c.code === LABEL.code)) meta.security = [...security, { ...LABEL }];
  }
  if (Array.isArray(o.contained)) for (const c of o.contained) if (c && typeof c === 'object') applyRules(c as Obj, ctx, false);
}

/** The pseudonymised form of one stored resource (a new object; the input is not changed). */
export function pseudonymiseResource<T extends Resource>(resource: T, ctx: PseudonymContext): T {
  const copy = structuredClone(resource) as unknown as Obj;
  applyRules(copy, ctx, true);
  scrubReferences(copy, copy);
  return copy as unknown as T;
}

/** Stored JSON text → pseudonymised JSON text (the same text when nothing had to change). */
export function pseudonymiseContent(content: string, ctx: PseudonymContext): string {
  const out = JSON.stringify(pseudonymiseResource(JSON.parse(content) as Resource, ctx));
  return out === content ? content : out;
}

// ---------------------------------------------------------------- the key

/** PSEUDONYM_SECRET, or the key kept in the database (created by the first node that needs it). */
export async function pseudonymSecret(q: Queryable, config: Pick<Config, 'pseudonymSecret'>, create = true): Promise<string> {
  if (config.pseudonymSecret) return config.pseudonymSecret;
  if (create) {
    await q.query('INSERT INTO retention_key (id, secret) VALUES (1, $1) ON CONFLICT (id) DO NOTHING', [randomBytes(32).toString('hex')]);
  }
  const { rows } = await q.query<{ secret: string }>('SELECT secret FROM retention_key WHERE id = 1');
  return rows[0]?.secret ?? randomBytes(32).toString('hex');
}

// ---------------------------------------------------------------- one person

export interface PersonCounts {
  resources: number;
  versions: number;
}

/**
 * Pseudonymises one person inside the caller's transaction: the Patient (rid), its current
 * compartment, and the deleted resources (candidate rids) whose versions belonged to it.
 */
export async function pseudonymisePerson(
  tx: Queryable,
  person: { id: string; rid: number },
  deletedRids: number[],
  secret: string,
): Promise<PersonCounts> {
  const ctx: PseudonymContext = { patientId: person.id, pseudonym: pseudonymOf(person.id, secret) };
  const rids = [...new Set([person.rid, ...(await currentCompartment(tx, person.id)), ...deletedRids])];
  const current = await tx.query<{ rid: number; deleted: boolean; content: string | null }>(
    'SELECT rid, deleted, content FROM resource WHERE rid = ANY($1::bigint[]) ORDER BY rid FOR UPDATE',
    [rids],
  );
  const versions = await tx.query<{ rid: number; version: number; content: string }>(
    'SELECT rid, version, content FROM resource_version WHERE rid = ANY($1::bigint[]) AND content IS NOT NULL ORDER BY rid, version',
    [rids],
  );
  // A deleted resource is the person's only if one of its versions was in the compartment.
  const deleted = new Set(current.rows.filter((r) => r.deleted && Number(r.rid) !== person.rid).map((r) => Number(r.rid)));
  const confirmed = new Set<number>();
  for (const v of versions.rows) if (deleted.has(Number(v.rid)) && belongsTo(v.content, person.id)) confirmed.add(Number(v.rid));
  const mine = (rid: number) => !deleted.has(rid) || confirmed.has(rid);

  const vChanged = { rid: [] as number[], version: [] as number[], content: [] as string[] };
  const touched = new Set<number>();
  for (const v of versions.rows) {
    const rid = Number(v.rid);
    if (!mine(rid)) continue;
    const out = pseudonymiseContent(v.content, ctx);
    if (out === v.content) continue;
    vChanged.rid.push(rid);
    vChanged.version.push(v.version);
    vChanged.content.push(out);
    touched.add(rid);
  }
  const cChanged = { rid: [] as number[], content: [] as string[] };
  const reindex: { rid: number; resource: Resource }[] = [];
  for (const r of current.rows) {
    const rid = Number(r.rid);
    if (r.deleted || !r.content || !mine(rid)) continue;
    const out = pseudonymiseContent(r.content, ctx);
    if (out === r.content) continue;
    cChanged.rid.push(rid);
    cChanged.content.push(out);
    reindex.push({ rid, resource: JSON.parse(out) as Resource });
    touched.add(rid);
  }
  if (vChanged.rid.length) {
    await tx.query(
      `UPDATE resource_version v SET content = u.content
         FROM unnest($1::bigint[], $2::int[], $3::text[]) AS u(rid, version, content)
        WHERE v.rid = u.rid AND v.version = u.version`,
      [vChanged.rid, vChanged.version, vChanged.content],
    );
  }
  if (cChanged.rid.length) {
    await tx.query(
      `UPDATE resource r SET content = u.content FROM unnest($1::bigint[], $2::text[]) AS u(rid, content) WHERE r.rid = u.rid`,
      [cChanged.rid, cChanged.content],
    );
    await deleteIndexes(tx, cChanged.rid);
    await writeIndexes(tx, reindex);
  }
  return { resources: touched.size, versions: vChanged.rid.length };
}

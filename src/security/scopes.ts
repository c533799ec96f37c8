// SMART on FHIR scopes (v2 `system/Observation.rs`, and the v1 forms `.read`, `.write`, `.*`).
// A scope grants a context (patient/user/system), a resource type (or *) and a set of
// permissions among c (create), r (read), u (update), d (delete), s (search).
export type Permission = 'c' | 'r' | 'u' | 'd' | 's';
export type ScopeContext = 'patient' | 'user' | 'system';

export interface Scope {
  context: ScopeContext;
  type: string; // resource type or '*'
  permissions: Set<Permission>;
}

const V1: Record<string, Permission[]> = { read: ['r', 's'], write: ['c', 'u', 'd'], '*': ['c', 'r', 'u', 'd', 's'] };
const SCOPE = /^(patient|user|system)\/([A-Za-z]+|\*)\.([a-z*]+)$/;

/** Parses one scope string; undefined for non-resource scopes (openid, launch…) and for v2
 *  scopes with search restrictions (`?category=…`), which are not granted rather than widened. */
export function parseScope(text: string): Scope | undefined {
  const m = SCOPE.exec(text);
  if (!m) return undefined;
  const [, context, type, perms] = m;
  let permissions: Permission[];
  if (V1[perms]) permissions = V1[perms];
  else if (/^c?r?u?d?s?$/.test(perms) && perms.length) permissions = perms.split('') as Permission[];
  else return undefined;
  return { context: context as ScopeContext, type, permissions: new Set(permissions) };
}

export function parseScopes(text: string | undefined): Scope[] {
  return (text ?? '').split(/\s+/).filter(Boolean).map(parseScope).filter((s): s is Scope => !!s);
}

export function formatScope(s: Scope): string {
  return `${s.context}/${s.type}.${['c', 'r', 'u', 'd', 's'].filter((p) => s.permissions.has(p as Permission)).join('')}`;
}

/** The scopes that grant `permission` on `type` (any context). */
export function grantsFor(scopes: Scope[], type: string, permission: Permission): Scope[] {
  return scopes.filter((s) => (s.type === '*' || s.type === type) && s.permissions.has(permission));
}

/** Narrows requested scopes to those a client is allowed (each requested scope must be covered
 *  by one allowed scope of the same context). */
export function narrowScopes(requested: Scope[], allowed: Scope[]): Scope[] {
  const out: Scope[] = [];
  for (const r of requested) {
    const perms = [...r.permissions].filter((p) =>
      allowed.some((a) => a.context === r.context && (a.type === '*' || a.type === r.type) && a.permissions.has(p)),
    );
    if (perms.length) out.push({ context: r.context, type: r.type, permissions: new Set(perms) });
  }
  return out;
}

// Who may do what in the registry (permissions.json), and the audit record of each registry action.
import type { ApiContext } from '../../api/types.js';
import { FhirError } from '../../fhir/errors.js';
import type { AuthContext, RequestSource } from '../../security/auth-context.js';
import { auditSafely } from '../../security/audit-hook.js';
import type { AuditInput } from '../../security/audit/index.js';
import PERMISSIONS from './permissions.json' with { type: 'json' };

export type RegistryAction = Exclude<keyof typeof PERMISSIONS, '$comment'>;

export function allowed(auth: AuthContext, action: RegistryAction): boolean {
  if (auth.unrestricted) return true;
  const need = PERMISSIONS[action];
  return auth.scopes.some((s) => s.type === need.type && s.permissions.has(need.permission as 'r'));
}

export function requirePermission(auth: AuthContext, action: RegistryAction): void {
  if (allowed(auth, action)) return;
  const need = PERMISSIONS[action];
  throw new FhirError(403, `This action needs the scope system/${need.type}.${need.permission} (registry ${action})`, 'forbidden');
}

export interface RegistryCaller { ctx: ApiContext; auth: AuthContext; source: RequestSource }

export function auditRegistry(c: RegistryCaller, input: Omit<AuditInput, 'agent' | 'requestId'>): Promise<void> {
  return auditSafely(c.ctx, {
    ...input,
    agent: { subject: c.auth.subject, clientId: c.auth.clientId, issuer: c.auth.issuer, address: c.source.address, userAgent: c.source.userAgent },
    requestId: c.source.requestId,
  });
}

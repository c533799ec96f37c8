// The HTTP door's authentication step: a verified bearer token becomes the request's AuthContext.
// Failures are audited as failed logins. With AUTH=off every caller is unrestricted.
import type { ApiContext, FhirRequest } from '../api/types.js';
import type { AuthContext, RequestSource } from './auth-context.js';
import { auditSafely } from './audit-hook.js';
import { AuthError } from './errors.js';
import { describeInteraction } from './interaction.js';
import { createVerifier, type TokenVerifier } from './verify-token.js';

const UNRESTRICTED: AuthContext = { subject: 'anonymous', clientId: 'anonymous', scopes: [], unrestricted: true };
const ANONYMOUS: AuthContext = { subject: 'anonymous', clientId: 'anonymous', scopes: [] };

const verifiers = new WeakMap<ApiContext, TokenVerifier>();

export async function authenticate(ctx: ApiContext, authorization: string | undefined, req: FhirRequest, source: RequestSource): Promise<AuthContext> {
  if (ctx.config.auth === 'off') return UNRESTRICTED;
  const m = /^Bearer\s+([A-Za-z0-9\-_.~+/]+=*)\s*$/i.exec(authorization ?? '');
  if (!m) {
    if (describeInteraction(req).public) return ANONYMOUS;
    const err = authorization ? new AuthError('The Authorization header must be "Bearer <access token>"', 'invalid_request') : new AuthError('This server needs a bearer access token (see /.well-known/smart-configuration)', '');
    await failed(ctx, source, err);
    throw err;
  }
  let verifier = verifiers.get(ctx);
  if (!verifier) verifiers.set(ctx, (verifier = createVerifier(ctx.db, ctx.config)));
  try {
    return await verifier.verify(m[1]);
  } catch (e) {
    if (e instanceof AuthError) await failed(ctx, source, e);
    throw e;
  }
}

function failed(ctx: ApiContext, source: RequestSource, err: AuthError): Promise<void> {
  return auditSafely(ctx, {
    subtype: 'login',
    action: 'E',
    status: 401,
    outcomeDesc: err.message,
    agent: { subject: 'unknown', clientId: 'unknown', address: source.address, userAgent: source.userAgent },
    requestId: source.requestId,
  });
}

/** The WWW-Authenticate challenge for a 401 (RFC 6750 §3). */
export const challenge = (err: AuthError): string => `Bearer realm="oncofhir"${err.challenge ? `, error="${err.challenge}"` : ''}`;

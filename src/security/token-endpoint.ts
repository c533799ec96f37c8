// SMART backend services (client_credentials + private_key_jwt): POST /auth/token issues short
// access tokens; GET /auth/jwks publishes the verification keys; [base]/.well-known/smart-configuration
// advertises both. Client assertions are single-use (jti stored in the database for every node).
import express, { type Request, type Response } from 'express';
import { SignJWT, jwtVerify } from 'jose';
import { randomUUID } from 'node:crypto';
import type { ApiContext } from '../api/types.js';
import { log } from '../log.js';
import { auditSafely } from './audit-hook.js';
import { loadClients, type RegisteredClient } from './clients.js';
import { signingKeys } from './keys.js';
import { formatScope, narrowScopes, parseScopes } from './scopes.js';
import { ACCEPTED_ALGS } from './verify-token.js';

const ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
const MAX_ASSERTION_LIFETIME_S = 300;

export const tokenEndpointUrl = (ctx: ApiContext): string => `${new URL(ctx.config.baseUrl).origin}/auth/token`;
export const jwksUrl = (ctx: ApiContext): string => `${new URL(ctx.config.baseUrl).origin}/auth/jwks`;

class OAuthError extends Error {
  constructor(readonly status: number, readonly code: string, message: string) {
    super(message);
  }
}

export function smartConfiguration(ctx: ApiContext): Record<string, unknown> {
  return {
    issuer: ctx.config.authIssuer,
    jwks_uri: jwksUrl(ctx),
    token_endpoint: tokenEndpointUrl(ctx),
    token_endpoint_auth_methods_supported: ['private_key_jwt'],
    token_endpoint_auth_signing_alg_values_supported: ACCEPTED_ALGS,
    grant_types_supported: ['client_credentials'],
    scopes_supported: ['system/*.cruds', 'system/*.rs', 'system/*.read', 'system/*.write', 'system/*.*'],
    capabilities: ['client-confidential-asymmetric', 'permission-v1', 'permission-v2'],
  };
}

/** Routes mounted at /auth (outside the FHIR base). */
export function authRouter(ctx: ApiContext): express.Router {
  const router = express.Router();
  let clients: Promise<Map<string, RegisteredClient>> | undefined;
  router.get('/jwks', async (_req, res) => {
    const keys = await signingKeys(ctx.db);
    res.type('application/json').set('Cache-Control', 'public, max-age=300').send({ keys: keys.map((k) => k.publicJwk) });
  });
  router.post('/token', express.urlencoded({ extended: false, limit: '64kb' }), async (req: Request, res: Response) => {
    res.set('Cache-Control', 'no-store').set('Pragma', 'no-cache');
    const form = (req.body ?? {}) as Record<string, string | undefined>;
    let clientId = 'unknown';
    try {
      clients ??= loadClients(ctx.config);
      const out = await issue(ctx, await clients, form, (id) => (clientId = id));
      await auditSafely(ctx, { subtype: 'login', action: 'E', status: 200, agent: { subject: clientId, clientId, address: req.ip } });
      res.status(200).json(out);
    } catch (e) {
      const err = e instanceof OAuthError ? e : new OAuthError(500, 'server_error', 'The token could not be issued');
      if (!(e instanceof OAuthError)) log.error('token endpoint failure', { error: (e as Error)?.name });
      await auditSafely(ctx, { subtype: 'login', action: 'E', status: err.status, outcomeDesc: err.code, agent: { subject: clientId, clientId, address: req.ip } });
      res.status(err.status).json({ error: err.code, error_description: err.message });
    }
  });
  return router;
}

async function issue(ctx: ApiContext, clients: Map<string, RegisteredClient>, form: Record<string, string | undefined>, seen: (clientId: string) => void) {
  if (form.grant_type !== 'client_credentials') throw new OAuthError(400, 'unsupported_grant_type', 'Only grant_type=client_credentials is supported');
  if (form.client_assertion_type !== ASSERTION_TYPE || !form.client_assertion) {
    throw new OAuthError(400, 'invalid_request', `client_assertion_type must be ${ASSERTION_TYPE}, with a client_assertion`);
  }
  let claimed: string | undefined;
  try {
    claimed = JSON.parse(Buffer.from(form.client_assertion.split('.')[1] ?? '', 'base64url').toString('utf8')).iss;
  } catch {
    /* reported below */
  }
  const client = typeof claimed === 'string' ? clients.get(claimed) : undefined;
  if (!client) throw new OAuthError(401, 'invalid_client', 'Unknown client');
  seen(client.clientId);
  let payload;
  try {
    ({ payload } = await jwtVerify(form.client_assertion, client.keys, {
      issuer: client.clientId,
      subject: client.clientId,
      audience: tokenEndpointUrl(ctx),
      algorithms: ACCEPTED_ALGS,
      clockTolerance: 30,
      requiredClaims: ['exp', 'jti'],
    }));
  } catch {
    throw new OAuthError(401, 'invalid_client', 'The client assertion could not be verified');
  }
  const now = Math.floor(Date.now() / 1000);
  if (payload.exp! > now + MAX_ASSERTION_LIFETIME_S + 30) throw new OAuthError(401, 'invalid_client', 'The client assertion lives longer than 5 minutes');
  const fresh = await ctx.db.query(
    'INSERT INTO auth_jti (client_id, jti, expires_at) VALUES ($1, $2, to_timestamp($3)) ON CONFLICT DO NOTHING RETURNING jti',
    [client.clientId, String(payload.jti).slice(0, 200), payload.exp],
  );
  if (!fresh.rows.length) throw new OAuthError(401, 'invalid_client', 'The client assertion was already used (jti replay)');
  if (Math.random() < 0.01) void ctx.db.query('DELETE FROM auth_jti WHERE expires_at < now()').catch(() => undefined);

  const requested = parseScopes(form.scope);
  const granted = narrowScopes(requested, client.scopes);
  if (!granted.length) throw new OAuthError(400, 'invalid_scope', 'None of the requested scopes can be granted to this client');
  const scope = granted.map(formatScope).join(' ');
  const [key] = await signingKeys(ctx.db);
  const ttl = ctx.config.tokenTtlSeconds;
  const accessToken = await new SignJWT({ scope, client_id: client.clientId })
    .setProtectedHeader({ alg: key.alg, kid: key.kid, typ: 'at+jwt' })
    .setIssuer(ctx.config.authIssuer)
    .setAudience(ctx.config.authAudience)
    .setSubject(client.clientId)
    .setIssuedAt(now)
    .setExpirationTime(now + ttl)
    .setJti(randomUUID())
    .sign(key.privateKey);
  return { access_token: accessToken, token_type: 'bearer', expires_in: ttl, scope };
}

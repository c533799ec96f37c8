// Bearer access-token verification: signature against the built-in issuer's keys (from the
// database) or a trusted issuer's JWKS, then issuer, audience, expiry. Verified tokens are cached
// per process until they expire (a cache, not shared state: any node can verify any token).
import { createLocalJWKSet, createRemoteJWKSet, decodeJwt, decodeProtectedHeader, errors, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import { readFileSync } from 'node:fs';
import type { Config } from '../config.js';
import type { Db } from '../store/db.js';
import type { AuthContext } from './auth-context.js';
import { AuthError } from './errors.js';
import { forgetSigningKeys, signingKeys } from './keys.js';
import { parseScopes } from './scopes.js';

export const ACCEPTED_ALGS = ['ES256', 'ES384', 'RS256', 'RS384', 'PS256', 'PS384'];
const CLOCK_TOLERANCE_S = 30;
const CACHE_MAX = 10_000;

interface TrustedIssuer { issuer: string; jwksUri: string; audience?: string }

export interface TokenVerifier {
  verify(token: string): Promise<AuthContext>;
}

export function createVerifier(db: Db, config: Config): TokenVerifier {
  const trusted = new Map<string, { keys: JWTVerifyGetKey; audience: string }>();
  if (config.authTrustedIssuersFile) {
    for (const t of JSON.parse(readFileSync(config.authTrustedIssuersFile, 'utf8')) as TrustedIssuer[]) {
      trusted.set(t.issuer, { keys: createRemoteJWKSet(new URL(t.jwksUri)), audience: t.audience ?? config.authAudience });
    }
  }
  const cache = new Map<string, { ctx: AuthContext; exp: number }>();

  async function localKeys(kid: string | undefined): Promise<JWTVerifyGetKey> {
    let keys = await signingKeys(db);
    if (kid && !keys.some((k) => k.kid === kid)) {
      forgetSigningKeys(db); // rotated by another node
      keys = await signingKeys(db);
    }
    return createLocalJWKSet({ keys: keys.map((k) => k.publicJwk) });
  }

  async function check(token: string): Promise<JWTPayload> {
    let iss: string | undefined, kid: string | undefined;
    try {
      iss = decodeJwt(token).iss;
      kid = decodeProtectedHeader(token).kid;
    } catch {
      throw new AuthError('The bearer token is not a well-formed JWT');
    }
    const external = iss ? trusted.get(iss) : undefined;
    if (iss !== config.authIssuer && !external) throw new AuthError('The bearer token was issued by an issuer this server does not trust');
    try {
      const keys = external ? external.keys : await localKeys(kid);
      const { payload } = await jwtVerify(token, keys, {
        issuer: iss,
        audience: external ? external.audience : config.authAudience,
        algorithms: ACCEPTED_ALGS,
        clockTolerance: CLOCK_TOLERANCE_S,
        requiredClaims: ['exp'],
      });
      return payload;
    } catch (e) {
      throw new AuthError(describeJoseError(e));
    }
  }

  return {
    async verify(token) {
      const now = Date.now() / 1000;
      const hit = cache.get(token);
      if (hit && hit.exp > now) return hit.ctx;
      const p = await check(token);
      const scope = typeof p.scope === 'string' ? p.scope : Array.isArray(p.scp) ? p.scp.join(' ') : '';
      const clientId = str(p.client_id) ?? str(p.azp) ?? str(p.sub) ?? 'unknown';
      const ctx: AuthContext = {
        subject: str(p.sub) ?? clientId,
        clientId,
        issuer: p.iss,
        scopes: parseScopes(scope),
        patient: str(p.patient),
        fhirUser: str(p.fhirUser),
      };
      if (cache.size >= CACHE_MAX) for (const [k, v] of cache) if (v.exp <= now || cache.size >= CACHE_MAX) cache.delete(k);
      cache.set(token, { ctx, exp: p.exp! });
      return ctx;
    },
  };
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v ? v : undefined);

function describeJoseError(e: unknown): string {
  if (e instanceof errors.JWTExpired) return 'The bearer token has expired';
  if (e instanceof errors.JWTClaimValidationFailed) return `The bearer token's "${e.claim}" claim is not accepted`;
  if (e instanceof errors.JWSSignatureVerificationFailed) return 'The bearer token signature is invalid';
  if (e instanceof errors.JOSEAlgNotAllowed) return 'The bearer token uses an algorithm this server does not accept';
  if (e instanceof errors.JWKSNoMatchingKey) return 'The bearer token is signed with an unknown key';
  return 'The bearer token is invalid';
}

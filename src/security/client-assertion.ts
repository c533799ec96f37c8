// The client side of SMART backend services: sign a client assertion with the client's private
// key and exchange it at the token endpoint. Used by `oncofhir token`, benchmarks and tests.
import { importJWK, SignJWT, type JWK } from 'jose';
import { randomUUID } from 'node:crypto';

export interface TokenRequest {
  tokenUrl: string;
  clientId: string;
  privateJwk: JWK;
  scope: string;
}

export async function clientAssertion(r: Omit<TokenRequest, 'scope'>, lifetimeS = 240): Promise<string> {
  const alg = r.privateJwk.alg ?? 'ES384';
  const key = await importJWK(r.privateJwk, alg);
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({})
    .setProtectedHeader({ alg, kid: r.privateJwk.kid, typ: 'JWT' })
    .setIssuer(r.clientId)
    .setSubject(r.clientId)
    .setAudience(r.tokenUrl)
    .setIssuedAt(now)
    .setExpirationTime(now + lifetimeS)
    .setJti(randomUUID())
    .sign(key);
}

export async function requestToken(r: TokenRequest): Promise<{ access_token: string; expires_in: number; scope: string }> {
  const body = new URLSearchParams({
    grant_type: 'client_credentials',
    scope: r.scope,
    client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
    client_assertion: await clientAssertion(r),
  });
  const res = await fetch(r.tokenUrl, { method: 'POST', body, headers: { 'content-type': 'application/x-www-form-urlencoded' } });
  const json = (await res.json().catch(() => ({}))) as Record<string, unknown>;
  if (!res.ok) throw new Error(`token request failed (${res.status}): ${json.error ?? ''} ${json.error_description ?? ''}`.trim());
  return json as { access_token: string; expires_in: number; scope: string };
}

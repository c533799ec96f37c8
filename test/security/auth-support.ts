// Test helpers for authenticated servers: a temp DATA_DIR for the dev client key, tokens from the
// real token endpoint, and hand-made tokens (forged, expired…) for the bad-token tables.
import { exportJWK, generateKeyPair, SignJWT, type JWK } from 'jose';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import type { Config } from '../../src/config.js';
import { clientAssertion } from '../../src/security/client-assertion.js';
import { devClientPrivateKey } from '../../src/security/clients.js';
import { signingKeys } from '../../src/security/keys.js';
import type { DbKind } from '../support/db.js';
import { BASE, openTestServer, type TestServer } from '../support/server.js';

export const TOKEN_URL = 'http://localhost:8080/auth/token';
export const ISSUER = 'http://localhost:8080/auth';

export interface AuthServer extends TestServer {
  dataDir: string;
  /** Exchanges a fresh client assertion of the dev client (or `client`) for an access token. */
  token(scope: string, client?: { clientId: string; privateJwk: JWK }): Promise<string>;
  /** Signs arbitrary claims with the server's real signing key. */
  sign(claims: Record<string, unknown>, opts?: { exp?: number; aud?: string; iss?: string }): Promise<string>;
}

export async function newClientKey(kid: string): Promise<{ privateJwk: JWK; publicJwk: JWK }> {
  const { privateKey, publicKey } = await generateKeyPair('ES384', { extractable: true });
  return { privateJwk: { ...(await exportJWK(privateKey)), alg: 'ES384', kid }, publicJwk: { ...(await exportJWK(publicKey)), alg: 'ES384', kid } };
}

export async function openAuthServer(kind: DbKind, overrides: Partial<Config> = {}, clients: object[] = []): Promise<AuthServer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'oncofhir-auth-'));
  let authClientsFile: string | undefined;
  if (clients.length) writeFileSync((authClientsFile = join(dataDir, 'clients.json')), JSON.stringify(clients));
  const s = await openTestServer(kind, { auth: 'on', dataDir, authIssuer: ISSUER, authAudience: BASE, authClientsFile, ...overrides });
  const devKey = await devClientPrivateKey(dataDir);
  return {
    ...s,
    dataDir,
    async token(scope, client = { clientId: 'dev', privateJwk: devKey }) {
      const assertion = await clientAssertion({ tokenUrl: TOKEN_URL, ...client });
      const r = await request(s.app).post('/auth/token').type('form').send({
        grant_type: 'client_credentials',
        scope,
        client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
        client_assertion: assertion,
      });
      if (r.status !== 200) throw new Error(`token: ${r.status} ${JSON.stringify(r.body)}`);
      return r.body.access_token as string;
    },
    async sign(claims, opts = {}) {
      const [key] = await signingKeys(s.ctx.db);
      const now = Math.floor(Date.now() / 1000);
      return new SignJWT(claims)
        .setProtectedHeader({ alg: key.alg, kid: key.kid })
        .setIssuer(opts.iss ?? ISSUER)
        .setAudience(opts.aud ?? BASE)
        .setIssuedAt(now)
        .setExpirationTime(opts.exp ?? now + 300)
        .sign(key.privateKey);
    },
  };
}

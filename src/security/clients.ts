// Registered backend-services clients (SMART "confidential asymmetric"): each has the public keys
// its client assertions are verified with and the scopes it may be granted. They come from
// AUTH_CLIENTS_FILE, plus the local "dev" client whose private key stays in DATA_DIR/auth.
import { createLocalJWKSet, createRemoteJWKSet, exportJWK, generateKeyPair, type JWK, type JWTVerifyGetKey } from 'jose';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from '../config.js';
import { parseScopes, type Scope } from './scopes.js';

export interface RegisteredClient {
  clientId: string;
  scopes: Scope[];
  keys: JWTVerifyGetKey;
}

interface ClientEntry { clientId: string; scope: string; jwks?: { keys: JWK[] }; jwksUri?: string }

export const DEV_CLIENT_ID = 'dev';
export const DEV_CLIENT_SCOPE = 'system/*.cruds system/AuditEvent.rs';
export const DEV_CLIENT_ALG = 'ES384';

export const devKeyPath = (dataDir: string): string => join(dataDir, 'auth', 'dev-client.private.jwk');

/** The dev client's private JWK, created on first call (file mode 0600). */
export async function devClientPrivateKey(dataDir: string): Promise<JWK> {
  const path = devKeyPath(dataDir);
  if (existsSync(path)) return JSON.parse(readFileSync(path, 'utf8')) as JWK;
  const { privateKey } = await generateKeyPair(DEV_CLIENT_ALG, { extractable: true });
  const jwk = { ...(await exportJWK(privateKey)), alg: DEV_CLIENT_ALG, kid: 'dev-1' };
  mkdirSync(join(dataDir, 'auth'), { recursive: true, mode: 0o700 });
  try {
    writeFileSync(path, JSON.stringify(jwk), { mode: 0o600, flag: 'wx' });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    return JSON.parse(readFileSync(path, 'utf8')) as JWK; // another process created it first
  }
  chmodSync(path, 0o600);
  return jwk;
}

const publicPart = ({ d: _d, p: _p, q: _q, dp: _dp, dq: _dq, qi: _qi, ...pub }: JWK): JWK => pub;

function parseEntries(file: string): ClientEntry[] {
  const list = JSON.parse(readFileSync(file, 'utf8')) as ClientEntry[];
  if (!Array.isArray(list)) throw new Error(`${file} must hold a JSON array of clients`);
  for (const c of list) {
    if (typeof c.clientId !== 'string' || !c.clientId) throw new Error(`${file}: every client needs a clientId`);
    if (!c.jwks && !c.jwksUri) throw new Error(`${file}: client ${c.clientId} needs jwks or jwksUri`);
  }
  return list;
}

/** Loads the client registry (once per process; the file is configuration, not shared state). */
export async function loadClients(config: Config): Promise<Map<string, RegisteredClient>> {
  const entries = config.authClientsFile ? parseEntries(config.authClientsFile) : [];
  if (config.authDevClient && !entries.some((e) => e.clientId === DEV_CLIENT_ID)) {
    const jwk = await devClientPrivateKey(config.dataDir);
    entries.push({ clientId: DEV_CLIENT_ID, scope: DEV_CLIENT_SCOPE, jwks: { keys: [publicPart(jwk)] } });
  }
  return new Map(
    entries.map((e) => [
      e.clientId,
      { clientId: e.clientId, scopes: parseScopes(e.scope), keys: e.jwks ? createLocalJWKSet(e.jwks) : createRemoteJWKSet(new URL(e.jwksUri!)) },
    ]),
  );
}

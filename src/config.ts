// Typed configuration, read once from the environment. Every default works out of the box.
import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';

export interface Config {
  port: number;
  host: string;
  /** Public base URL of the FHIR endpoint, used in fullUrl, Location and paging links. */
  baseUrl: string;
  /** Embedded PGlite data directory, used when databaseUrl is empty. */
  dataDir: string;
  /** postgres://… switches storage to a PostgreSQL server through `pg`. */
  databaseUrl?: string;
  dbPoolSize: number;
  /** Largest accepted request body, in bytes. */
  maxBodyBytes: number;
  defaultCount: number;
  maxCount: number;
  /** Searches returning more than this many matches are paged from a snapshot of at most this size. */
  maxSnapshot: number;
  logLevel: 'debug' | 'info' | 'warn' | 'error';
  /** HTTP worker processes for `serve` (node:cluster). PGlite is single-process, so always 1 there. */
  workers: number;
  /** Named prepared statements on `pg` connections (off behind a transaction-mode pooler without prepared-statement support). */
  dbPreparedStatements: boolean;
  // Hardening of the HTTP door (src/http/hardening): limits, timeouts, rate limits, CORS, proxies.
  /** Deepest nesting of a JSON body (objects and arrays) or of XML elements; deeper answers 400. */
  maxJsonDepth: number;
  /** Longest request URL (path and query), in characters; longer answers 414. */
  maxUrlLength: number;
  /** Most query (or form-encoded _search) parameters in one request; more answers 400. */
  maxQueryParams: number;
  /** Node http requestTimeout (whole request received); also bounds headersTimeout. 0 = none. */
  requestTimeoutMs: number;
  /** Node http keepAliveTimeout (idle keep-alive connections). */
  keepAliveTimeoutMs: number;
  /** PostgreSQL statement_timeout of each pool connection (pg only; PGlite cannot cancel). 0 = none. */
  dbStatementTimeoutMs: number;
  /** Requests per minute per client (token bucket, per process); 0 = no rate limit. */
  rateLimitPerMinute: number;
  /** Bucket size: how many requests a client may send at once. */
  rateLimitBurst: number;
  /** Origins allowed by CORS (exact, e.g. https://app.example.fr, or '*'); empty = no CORS headers. */
  corsOrigins: string[];
  /** Send Access-Control-Allow-Credentials (cookies / TLS client certificates); refused with '*'. */
  corsCredentials: boolean;
  /** Express 'trust proxy': false, true, a hop count, or addresses/subnets of the trusted proxies. */
  trustProxy: boolean | number | string;
  /** 'on' (default): every FHIR request needs a bearer token. 'off' only for local experiments. */
  auth: 'on' | 'off';
  /** Issuer (iss) of the tokens the built-in endpoint signs; defaults to <origin>/auth. */
  authIssuer: string;
  /** Audience (aud) required in access tokens: the FHIR base URL. */
  authAudience: string;
  /** JSON file of registered backend-services clients ([{clientId, jwks | jwksUri, scope}]). */
  authClientsFile?: string;
  /** JSON file of other trusted token issuers ([{issuer, jwksUri, audience?}]). */
  authTrustedIssuersFile?: string;
  /** Registers the local "dev" client whose private key is kept in DATA_DIR/auth (for `oncofhir token`). */
  authDevClient: boolean;
  /** Lifetime of issued access tokens, in seconds. */
  tokenTtlSeconds: number;
  /** HL7 v2 MLLP listener (src/hl7v2): port (0 = off), address, TLS files, largest frame, idle timeout. */
  mllpPort: number;
  mllpHost: string;
  mllpTls?: { key: string; cert: string; ca?: string };
  mllpMaxBytes: number;
  mllpIdleTimeoutMs: number;
  /** Senders (MSH-3@MSH-4) allowed to file documents over MLLP; empty = any sender that reaches the port. */
  mllpAllowedSenders: string[];
  // Retention (src/retention): data minimisation under the French health-data rules.
  /** Directly identifying data are pseudonymised this many months after a person's last use. */
  retentionIdentifyingMonths: number;
  /** Pseudonymised data are erased this many years after the person's last use. */
  retentionPseudonymisedYears: number;
  /** Hours between scheduled retention runs (each node tries; one runs); 0 = not scheduled. */
  retentionIntervalHours: number;
  /** Minutes between scheduled registry runs (linkage + consolidation; one node runs); 0 = on demand only. */
  registryRunIntervalMinutes: number;
  /** HMAC key of patient pseudonyms; unset = a random key generated once and kept in the database. */
  pseudonymSecret?: string;
  /** Directory of the CDA schemas (CDA_extended.xsd or CDA.xsd and their includes); unset = no XSD check. */
  cdaXsdDir?: string;
}

function int(name: string, fallback: number): number {
  const v = process.env[name];
  if (v === undefined || v === '') return fallback;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${name} must be a non-negative integer, got "${v}"`);
  return n;
}

/** CDA_XSD_DIR alone, for the CDA validator used outside a server (CLI, library) without the rest of the config. */
export const cdaXsdDir = (env: NodeJS.ProcessEnv = process.env): string | undefined => (env.CDA_XSD_DIR ? resolve(env.CDA_XSD_DIR) : undefined);

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const port = int('PORT', 8080);
  const host = env.HOST || '0.0.0.0';
  const baseUrl = (env.BASE_URL || `http://localhost:${port}/fhir`).replace(/\/+$/, '');
  if (!URL.canParse(baseUrl) || !/^https?:$/.test(new URL(baseUrl).protocol)) throw new Error(`BASE_URL must be an absolute http(s) URL, got "${env.BASE_URL}"`);
  const auth = (env.AUTH || 'on').toLowerCase();
  if (auth !== 'on' && auth !== 'off') throw new Error(`AUTH must be "on" or "off", got "${env.AUTH}"`);
  return {
    port,
    host,
    baseUrl,
    dataDir: resolve(env.DATA_DIR || './data'),
    databaseUrl: env.DATABASE_URL || undefined,
    dbPoolSize: int('DB_POOL_SIZE', 10),
    dbPreparedStatements: (env.DB_PREPARED_STATEMENTS || 'on').toLowerCase() !== 'off',
    maxBodyBytes: int('MAX_BODY_BYTES', 64 * 1024 * 1024),
    defaultCount: int('DEFAULT_COUNT', 20),
    maxCount: int('MAX_COUNT', 1000),
    maxSnapshot: int('MAX_SNAPSHOT', 10000),
    logLevel: (env.LOG_LEVEL as Config['logLevel']) || 'info',
    auth: auth as Config['auth'],
    authIssuer: (env.AUTH_ISSUER || `${new URL(baseUrl).origin}/auth`).replace(/\/+$/, ''),
    authAudience: env.AUTH_AUDIENCE || baseUrl,
    authClientsFile: env.AUTH_CLIENTS_FILE || undefined,
    authTrustedIssuersFile: env.AUTH_TRUSTED_ISSUERS_FILE || undefined,
    authDevClient: (env.AUTH_DEV_CLIENT || 'on').toLowerCase() !== 'off',
    tokenTtlSeconds: int('TOKEN_TTL_SECONDS', 300),
    mllpPort: int('MLLP_PORT', 2575),
    mllpHost: env.MLLP_HOST || host,
    mllpTls: env.MLLP_TLS_KEY && env.MLLP_TLS_CERT ? { key: env.MLLP_TLS_KEY, cert: env.MLLP_TLS_CERT, ca: env.MLLP_TLS_CA || undefined } : undefined,
    mllpMaxBytes: int('MLLP_MAX_BYTES', 32 * 1024 * 1024) || 32 * 1024 * 1024,
    mllpIdleTimeoutMs: int('MLLP_IDLE_TIMEOUT_MS', 300_000) || 300_000,
    mllpAllowedSenders: (env.MLLP_ALLOWED_SENDERS ?? '').split(',').map((s) => s.trim()).filter(Boolean),
    retentionIdentifyingMonths: int('RETENTION_IDENTIFYING_MONTHS', 24) || 24,
    retentionPseudonymisedYears: int('RETENTION_PSEUDONYMISED_YEARS', 20) || 20,
    retentionIntervalHours: int('RETENTION_INTERVAL_HOURS', 24),
    registryRunIntervalMinutes: int('REGISTRY_RUN_INTERVAL_MINUTES', 60),
    pseudonymSecret: env.PSEUDONYM_SECRET || undefined,
    cdaXsdDir: cdaXsdDir(env),
    workers: env.DATABASE_URL ? (env.WORKERS ? int('WORKERS', 1) || 1 : availableParallelism()) : 1,
    ...hardening(env),
  };
}

function hardening(env: NodeJS.ProcessEnv) {
  const rateLimitPerMinute = int('RATE_LIMIT_PER_MINUTE', 6000);
  const corsOrigins = (env.CORS_ORIGINS ?? '').split(',').map((o) => o.trim().replace(/\/+$/, '')).filter(Boolean);
  const corsCredentials = env.CORS_CREDENTIALS === 'true';
  if (corsCredentials && corsOrigins.includes('*')) throw new Error('CORS_ORIGINS=* cannot be combined with CORS_CREDENTIALS=true: list the allowed origins');
  const tp = (env.TRUST_PROXY ?? '').trim();
  const trustProxy = tp === '' || tp === 'false' ? false : tp === 'true' ? true : /^\d+$/.test(tp) ? Number(tp) : tp;
  return {
    maxJsonDepth: int('MAX_JSON_DEPTH', 64) || 64,
    maxUrlLength: int('MAX_URL_LENGTH', 8192) || 8192,
    maxQueryParams: int('MAX_QUERY_PARAMS', 100) || 100,
    requestTimeoutMs: int('REQUEST_TIMEOUT_MS', 60_000),
    keepAliveTimeoutMs: int('KEEP_ALIVE_TIMEOUT_MS', 5_000),
    dbStatementTimeoutMs: int('DB_STATEMENT_TIMEOUT_MS', 60_000),
    rateLimitPerMinute,
    rateLimitBurst: int('RATE_LIMIT_BURST', rateLimitPerMinute) || rateLimitPerMinute,
    corsOrigins,
    corsCredentials,
    trustProxy,
  };
}

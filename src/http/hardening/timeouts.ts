// Time limits. HTTP: Node's requestTimeout (the whole request must arrive in time, 408 otherwise),
// headersTimeout (slow-header attacks) and keepAliveTimeout. Database: a PostgreSQL statement
// cancelled by statement_timeout (SQLSTATE 57014) answers 503 with an OperationOutcome; a value
// PostgreSQL cannot store or compare (a U+0000 in text or JSON) answers 400 instead of 500.
import { createServer, type Server } from 'node:http';
import type { Express } from 'express';
import type { Config } from '../../config.js';
import { FhirError } from '../../fhir/errors.js';
import { describeError, log } from '../../log.js';
import { sqlState } from '../../store/db.js';

export function httpServerTimeouts(config: Pick<Config, 'requestTimeoutMs' | 'keepAliveTimeoutMs'>) {
  const requestTimeout = config.requestTimeoutMs;
  // Headers must come quickly; Node requires headersTimeout ≤ requestTimeout.
  const headersTimeout = requestTimeout > 0 ? Math.min(requestTimeout, 60_000) : 60_000;
  return {
    requestTimeout,
    headersTimeout,
    keepAliveTimeout: config.keepAliveTimeoutMs,
    // How often Node checks the two timeouts above (default 30 s, too coarse for short limits).
    connectionsCheckingInterval: Math.max(100, Math.min(30_000, Math.floor(headersTimeout / 4))),
  };
}

/** The HTTP server of an app, with the configured timeouts. */
export function createHttpServer(app: Express, config: Pick<Config, 'requestTimeoutMs' | 'keepAliveTimeoutMs'>): Server {
  const t = httpServerTimeouts(config);
  const server = createServer({ requestTimeout: t.requestTimeout, headersTimeout: t.headersTimeout, connectionsCheckingInterval: t.connectionsCheckingInterval }, app);
  server.keepAliveTimeout = t.keepAliveTimeout;
  return server;
}

/** A database error that is the client's or the load's doing, as a FhirError; undefined otherwise. */
export function dbErrorToFhir(err: unknown): FhirError | undefined {
  const code = sqlState(err);
  switch (code) {
    case '57014': // query_canceled: statement_timeout
      log.warn('statement cancelled', describeError(err));
      return new FhirError(503, 'The request took longer than the server allows and was cancelled: narrow it (e.g. fewer _include, a smaller _count) or retry later', 'timeout');
    case '22021': // character_not_in_repertoire: U+0000 in a text parameter
    case '22P05': // untranslatable_character: \u0000 in jsonb
      return new FhirError(400, 'The request contains a character that cannot be stored or searched (U+0000)', 'invalid');
    case '53300': // too_many_connections
    case '57P03': // cannot_connect_now
      log.warn('database unavailable', describeError(err));
      return new FhirError(503, 'The database is temporarily unavailable: retry later', 'transient');
    default:
      return undefined;
  }
}

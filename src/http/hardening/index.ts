// Hardening of the HTTP door: response security headers, CORS and URL limits (installed in this
// order, before any FHIR handling), per-client rate limits (mounted by createApp), body nesting limits (after the body
// is read), time limits (src/http/hardening/timeouts.ts, used by src/server.ts) and the mapping of
// database cancellations to 503. Rejections are FhirErrors passed to next(), so the app's error
// handler answers them as OperationOutcomes in the negotiated format.
import type { Express } from 'express';
import type { Config } from '../../config.js';
import { cors } from './cors.js';
import { urlLimits } from './limits.js';
import { securityHeaders } from './security-headers.js';

export { bodyLimits, urlLimits, jsonDepthExceeds, xmlDepthExceeds } from './limits.js';
export { clientKey, rateLimit, TokenBuckets } from './rate-limit.js';
export { cors } from './cors.js';
export { securityHeaders } from './security-headers.js';
export { createHttpServer, dbErrorToFhir, httpServerTimeouts } from './timeouts.js';

/** Installs the door-level protections on an app; call before mounting any route. */
export function installHardening(app: Express, config: Config): void {
  app.set('trust proxy', config.trustProxy);
  app.use(securityHeaders(config));
  const c = cors(config);
  if (c) app.use(c);
  app.use(urlLimits(config));
  // The rate limiter is mounted by createApp: after authentication on the FHIR routes (so that it
  // is keyed by client id), and by address on /auth and on failed authentications.
}

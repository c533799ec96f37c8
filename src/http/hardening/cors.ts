// CORS for browser apps (SMART apps) on other origins. CORS_ORIGINS lists the allowed origins
// exactly; '*' allows any origin but never with credentials. Requests from other origins get no
// CORS headers at all (a preflight then falls through to the FHIR door, which answers 405).
import type { RequestHandler } from 'express';
import type { Config } from '../../config.js';

export const CORS_ALLOW_METHODS = 'GET, HEAD, POST, PUT, PATCH, DELETE';
export const CORS_ALLOW_HEADERS = 'Authorization, Content-Type, Accept, If-Match, If-None-Match, If-None-Exist, If-Modified-Since, Prefer, X-Request-Id';
export const CORS_EXPOSE_HEADERS = 'Location, ETag, Content-Location, Last-Modified, Retry-After, RateLimit-Limit, RateLimit-Remaining, RateLimit-Reset, RateLimit-Policy, X-Request-Id';

export function cors(config: Pick<Config, 'corsOrigins' | 'corsCredentials'>): RequestHandler | undefined {
  if (!config.corsOrigins.length) return undefined;
  const any = config.corsOrigins.includes('*');
  if (any && config.corsCredentials) throw new Error("CORS: '*' cannot be combined with credentials");
  const allowed = new Set(config.corsOrigins.map((o) => o.toLowerCase()));
  return (req, res, next) => {
    if (!any) res.vary('Origin');
    const origin = req.get('origin');
    if (!origin || !(any || allowed.has(origin.toLowerCase()))) return next();
    res.setHeader('Access-Control-Allow-Origin', any ? '*' : origin);
    if (config.corsCredentials) res.setHeader('Access-Control-Allow-Credentials', 'true');
    if (req.method === 'OPTIONS' && req.get('access-control-request-method')) {
      res.setHeader('Access-Control-Allow-Methods', CORS_ALLOW_METHODS);
      res.setHeader('Access-Control-Allow-Headers', CORS_ALLOW_HEADERS);
      res.setHeader('Access-Control-Max-Age', '600');
      res.status(204).end();
      return;
    }
    res.setHeader('Access-Control-Expose-Headers', CORS_EXPOSE_HEADERS);
    next();
  };
}

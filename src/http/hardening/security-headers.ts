// Response headers for a JSON/XML API that serves health data. Written by hand rather than with
// helmet: an API needs six fixed headers, and helmet's defaults target HTML pages (CSP sources,
// COOP, Origin-Agent-Cluster, X-DNS-Prefetch-Control…) and would be one more dependency to vet.
import type { RequestHandler } from 'express';
import type { Config } from '../../config.js';

export function securityHeaders(config: Pick<Config, 'baseUrl'>): RequestHandler {
  const headers: [string, string][] = [
    ['X-Content-Type-Options', 'nosniff'],
    // Nothing we send is a page: no scripts, no frames, no subresources.
    ['Content-Security-Policy', "default-src 'none'; frame-ancestors 'none'"],
    ['X-Frame-Options', 'DENY'],
    ['Referrer-Policy', 'no-referrer'],
    // Health data must not be kept by browsers or intermediaries; conditional reads still work.
    ['Cache-Control', 'no-store'],
    ['Cross-Origin-Resource-Policy', 'same-origin'],
  ];
  if (new URL(config.baseUrl).protocol === 'https:') headers.push(['Strict-Transport-Security', 'max-age=31536000; includeSubDomains']);
  return (_req, res, next) => {
    for (const [k, v] of headers) res.setHeader(k, v);
    next();
  };
}

// Who is calling: the verified identity and SMART scopes of a request, carried on every Call
// (top-level and Bundle entries) so that authorisation and audit see the same principal.
import type { Scope } from './scopes.js';

export interface AuthContext {
  /** Token subject (sub), or 'anonymous' when auth is off. */
  subject: string;
  /** OAuth client id (client_id / azp claim). */
  clientId: string;
  /** Token issuer. */
  issuer?: string;
  scopes: Scope[];
  /** SMART launch context: patient id that patient/ scopes are limited to. */
  patient?: string;
  /** SMART fhirUser claim (e.g. Practitioner/123). */
  fhirUser?: string;
  /** True only when AUTH=off: everything is allowed. */
  unrestricted?: boolean;
}

/** Where the request came from (for audit: BALP source / agent network address). */
export interface RequestSource {
  address?: string;
  userAgent?: string;
  /** Correlation id of the HTTP request (X-Request-Id or generated). */
  requestId?: string;
}

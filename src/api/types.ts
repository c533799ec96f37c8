// Transport-neutral FHIR interactions: the HTTP door and the Bundle processor both speak these.
import type { Resource } from 'fhir/r4';
import type { Config } from '../config.js';
import type { Db, Queryable } from '../store/db.js';
import type { AuthContext, RequestSource } from '../security/auth-context.js';

export type Method = 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface FhirRequest {
  method: Method;
  /** Path below the base, without leading slash: '', 'Patient', 'Patient/1/_history/2', '$op'. */
  path: string;
  query: [string, string][];
  /** Parsed body: a resource, or JSON Patch operations. */
  body?: unknown;
  /** The unparsed body, for operations that take a document rather than a FHIR resource (a CDA
   *  document sent as application/hl7-cda+xml, or text/xml / application/xml whose root is ClinicalDocument). */
  rawBody?: Buffer;
  contentType?: string;
  headers: {
    ifMatch?: string;
    ifNoneMatch?: string;
    ifNoneExist?: string;
    ifModifiedSince?: string;
    prefer?: string;
    /** A Provenance (JSON) to store with a write (X-Provenance). */
    xProvenance?: string;
  };
}

export interface FhirResponse {
  status: number;
  resource?: Resource;
  location?: string;
  /** version id, rendered as W/"n" */
  versionId?: string;
  lastModified?: string;
}

export interface ApiContext {
  db: Db;
  config: Config;
}

/** A request being handled: inside a transaction Bundle `tx` is the shared SQL transaction. */
export interface Call {
  ctx: ApiContext;
  req: FhirRequest;
  tx?: Queryable;
  /** Work to run once the enclosing SQL transaction has committed (shared by a Bundle's entries). */
  afterCommit?: (() => Promise<void>)[];
  /** The verified caller; undefined only for internal calls (CLI import, jobs). */
  auth?: AuthContext;
  source?: RequestSource;
}

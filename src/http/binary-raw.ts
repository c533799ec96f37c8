// A Binary read asking for the Binary's own content type (e.g. Accept: application/hl7-cda+xml)
// answers the raw bytes, not the FHIR Binary resource (R4 binary.html "Serving Binary Resources
// using the RESTful API"); this is IHE MHD ITI-68 (Retrieve Document) for the documents we hold.
import type { Response } from 'express';
import type { Binary } from 'fhir/r4';
import type { FhirResponse } from '../api/types.js';
import { FhirError } from '../fhir/errors.js';

const BINARY_READ = /^\/?Binary\/[^/]+(\/_history\/[^/]+)?$/;
const FHIR_TYPES = /^(application\/(fhir\+|json\+fhir|xml\+fhir)?(json|xml)|text\/xml|\*\/\*|application\/\*)$/;

const mimes = (accept: string) => accept.split(',').map((p) => p.split(';')[0].trim().toLowerCase()).filter(Boolean);

/** The media types a Binary read accepts when none of them is a FHIR format; else undefined. */
export function rawBinaryAccept(method: string, path: string, formatParam: string | undefined, accept: string | undefined): string[] | undefined {
  if ((method !== 'GET' && method !== 'HEAD') || formatParam || !accept || !BINARY_READ.test(path)) return undefined;
  const list = mimes(accept);
  return list.some((m) => FHIR_TYPES.test(m)) ? undefined : list;
}

/** Sends the Binary's decoded data with its own content type; 406 when it is not one accepted. */
export function sendRawBinary(res: Response, out: FhirResponse, accepted: string[]): void {
  if (out.status === 304) return void res.status(304).end();
  const binary = out.resource as Binary | undefined;
  if (!binary || binary.resourceType !== 'Binary' || out.status !== 200) throw new FhirError(406, 'Only a stored Binary can be returned as raw content', 'not-supported');
  const type = (binary.contentType ?? 'application/octet-stream').toLowerCase();
  const ok = accepted.some((m) => m === type || (m.endsWith('/*') && type.startsWith(m.slice(0, -1))));
  if (!ok) throw new FhirError(406, `This Binary is ${type}, not one of ${accepted.join(', ').slice(0, 100)}: ask for it, or for application/fhir+json`, 'not-supported');
  res.status(200);
  if (out.versionId) res.set('ETag', `W/"${out.versionId}"`);
  if (out.lastModified) res.set('Last-Modified', new Date(out.lastModified).toUTCString());
  res.type(binary.contentType!);
  // Stored content is never rendered on our origin (a text/html or SVG Binary could carry script):
  // always a download, on top of CSP default-src 'none' and nosniff.
  res.set('Content-Disposition', 'attachment');
  res.send(Buffer.from(binary.data ?? '', 'base64'));
}

// Content negotiation and (de)serialisation of FHIR JSON and XML at the HTTP door.
import type { Resource } from 'fhir/r4';
import { FhirError, badRequest } from '../fhir/errors.js';
import { fromXml, toXml } from '../fhir/xml/index.js';

export type Format = 'json' | 'xml';

const FORMAT_ALIASES: Record<string, Format> = {
  json: 'json', 'application/json': 'json', 'application/fhir+json': 'json', 'application/json+fhir': 'json',
  xml: 'xml', 'text/xml': 'xml', 'application/xml': 'xml', 'application/fhir+xml': 'xml', 'application/xml+fhir': 'xml',
};

export const CONTENT_TYPE: Record<Format, string> = {
  json: 'application/fhir+json; charset=utf-8',
  xml: 'application/fhir+xml; charset=utf-8',
};

/** The response format: _format wins over Accept; JSON is the default. */
export function responseFormat(formatParam: string | undefined, accept: string | undefined): Format {
  if (formatParam) {
    const f = FORMAT_ALIASES[formatParam.split(';')[0].trim().toLowerCase()];
    if (!f) throw new FhirError(406, `Unsupported _format "${formatParam.slice(0, 60)}": use json or xml`, 'not-supported');
    return f;
  }
  if (!accept) return 'json';
  for (const part of accept.split(',')) {
    const mime = part.split(';')[0].trim().toLowerCase();
    const f = FORMAT_ALIASES[mime];
    if (f) return f;
    if (mime === '*/*' || mime === 'application/*' || mime === 'text/html' || mime === 'text/*') return 'json';
  }
  throw new FhirError(406, `None of the accepted types (${accept.slice(0, 100)}) can be produced: use application/fhir+json or application/fhir+xml`, 'not-supported');
}

export function serialise(resource: Resource, format: Format, pretty: boolean): string {
  if (format === 'xml') return toXml(resource); // XML is always compact; _pretty applies to JSON
  return pretty ? JSON.stringify(resource, null, 2) : JSON.stringify(resource);
}

/** Parses a request body by its Content-Type; undefined when there is no body. */
export function parseBody(raw: Buffer | undefined, contentType: string | undefined): unknown {
  if (!raw || raw.length === 0) return undefined;
  const mime = (contentType ?? '').split(';')[0].trim().toLowerCase();
  const text = raw.toString('utf8');
  const kind = bodyKind(contentType);
  if (kind === 'json') {
    try {
      return JSON.parse(text);
    } catch (e) {
      throw badRequest(`The body is not valid JSON: ${(e as Error).message.slice(0, 200)}`);
    }
  }
  if (kind === 'xml') return fromXml(text);
  throw new FhirError(415, `Unsupported Content-Type "${mime.slice(0, 80)}": send application/fhir+json or application/fhir+xml`, 'not-supported');
}

/**
 * Whether a body is a CDA document rather than FHIR: application/hl7-cda+xml (or application/xslt+xml,
 * the self-presenting CDA), or generic XML whose root element is ClinicalDocument. Such bodies are
 * not parsed at the door; they reach the operation as FhirRequest.rawBody.
 */
export function isCdaBody(raw: Buffer, contentType: string | undefined): boolean {
  const mime = (contentType ?? '').split(';')[0].trim().toLowerCase();
  if (mime === 'application/hl7-cda+xml' || mime === 'application/xslt+xml') return true;
  if (mime !== 'text/xml' && mime !== 'application/xml') return false;
  // The first element name after the prolog (declaration, comments, processing instructions, and a
  // DOCTYPE, which the CDA parser then refuses with a clear message).
  const head = raw.subarray(0, 64 * 1024).toString('utf8');
  const m = /^(?:\uFEFF)?(?:\s|<\?[\s\S]*?\?>|<!--[\s\S]*?-->|<!DOCTYPE[^[>]*(?:\[[\s\S]*?\])?\s*>)*<(?:[A-Za-z_][\w.-]*:)?([A-Za-z_][\w.-]*)/.exec(head);
  return m?.[1] === 'ClinicalDocument';
}

/** Whether a body is an HL7 v2 message (ER7): its media type, or text/plain starting with MSH. Like a CDA
 *  document, it reaches the operation ($validate-hl7v2) as FhirRequest.rawBody. */
export function isEr7Body(raw: Buffer, contentType: string | undefined): boolean {
  const mime = (contentType ?? '').split(';')[0].trim().toLowerCase();
  if (mime === 'x-application/hl7-v2+er7' || mime === 'application/hl7-v2+er7' || mime === 'application/hl7-v2') return true;
  return mime === 'text/plain' && raw.subarray(0, 3).toString('latin1') === 'MSH';
}

/** The parser parseBody uses for a Content-Type: JSON also for JSON Patch and for no Content-Type. */
export function bodyKind(contentType: string | undefined): Format | undefined {
  const mime = (contentType ?? '').split(';')[0].trim().toLowerCase();
  if (mime === 'application/json-patch+json' || mime === '') return 'json';
  return FORMAT_ALIASES[mime];
}

// Size and shape limits of a request, checked before any parsing or database work: URL length,
// number of query parameters, and nesting depth of JSON and XML bodies. Deep nesting is refused
// because the validator, indexer and FHIRPath walk resources recursively (a body nested 5,000
// levels deep would otherwise end in a stack overflow and a 500).
import type { RequestHandler } from 'express';
import type { Config } from '../../config.js';
import { FhirError } from '../../fhir/errors.js';
import { bodyKind } from '../formats.js';

type Limits = Pick<Config, 'maxUrlLength' | 'maxQueryParams' | 'maxJsonDepth'>;

/** Refuses over-long URLs (414) and too many query parameters (400). */
export function urlLimits(config: Limits): RequestHandler {
  return (req, _res, next) => {
    const url = req.originalUrl;
    if (url.length > config.maxUrlLength) {
      return next(new FhirError(414, `The URL is longer than ${config.maxUrlLength} characters: use POST [type]/_search for long searches`, 'too-long'));
    }
    const q = url.indexOf('?');
    if (q >= 0 && countParams(url, q + 1) > config.maxQueryParams) {
      return next(new FhirError(400, `More than ${config.maxQueryParams} query parameters`, 'too-costly'));
    }
    next();
  };
}

/** Refuses bodies nested deeper than maxJsonDepth (400), and form-encoded searches with too many parameters. */
export function bodyLimits(config: Limits): RequestHandler {
  return (req, _res, next) => {
    const raw = req.body;
    if (!Buffer.isBuffer(raw) || raw.length === 0) return next();
    const type = req.get('content-type');
    if ((type ?? '').toLowerCase().startsWith('application/x-www-form-urlencoded')) {
      if (countParams(raw.toString('latin1'), 0) > config.maxQueryParams) return next(new FhirError(400, `More than ${config.maxQueryParams} search parameters in the body`, 'too-costly'));
      return next();
    }
    const kind = bodyKind(type);
    const tooDeep = kind === 'json' ? jsonDepthExceeds(raw, config.maxJsonDepth) : kind === 'xml' ? xmlDepthExceeds(raw, config.maxJsonDepth) : false;
    if (tooDeep) return next(new FhirError(400, `The body is nested more than ${config.maxJsonDepth} levels deep`, 'too-costly'));
    next();
  };
}

function countParams(s: string, from: number): number {
  if (from >= s.length) return 0;
  let n = 1;
  for (let i = s.indexOf('&', from); i >= 0; i = s.indexOf('&', i + 1)) n++;
  return n;
}

const QUOTE = 0x22, BACKSLASH = 0x5c, LT = 0x3c, GT = 0x3e, SLASH = 0x2f, BANG = 0x21, QUESTION = 0x3f, APOS = 0x27;

/**
 * True when JSON text nests objects/arrays deeper than max. One pass over the bytes, skipping
 * strings with a native indexOf; it does not validate (JSON.parse does that next). UTF-8
 * continuation bytes are ≥ 0x80, so they never look like brackets or quotes.
 */
export function jsonDepthExceeds(buf: Buffer, max: number): boolean {
  let depth = 0;
  for (let i = 0, n = buf.length; i < n; i++) {
    const c = buf[i];
    if (c === QUOTE) {
      for (;;) {
        const j = buf.indexOf(QUOTE, i + 1);
        if (j < 0) return false; // unterminated string: JSON.parse reports it
        let k = j - 1;
        while (buf[k] === BACKSLASH) k--;
        i = j;
        if ((j - 1 - k) % 2 === 0) break; // an even number of backslashes: the quote closes the string
      }
    } else if (c === 0x7b || c === 0x5b) {
      if (++depth > max) return true;
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
  return false;
}

/**
 * True when XML nests elements deeper than max (XHTML narrative included). Skips comments,
 * CDATA, processing instructions and quoted attribute values; stops at a DOCTYPE, which the
 * reader refuses anyway. Malformed XML is left to the reader.
 */
export function xmlDepthExceeds(buf: Buffer, max: number): boolean {
  let depth = 0;
  const n = buf.length;
  let i = buf.indexOf(LT);
  while (i >= 0 && i < n - 1) {
    const c = buf[i + 1];
    let end: number;
    if (c === SLASH) {
      depth--;
      end = buf.indexOf(GT, i);
    } else if (c === BANG) {
      if (startsAt(buf, '<!--', i)) end = skip(buf, '-->', i);
      else if (startsAt(buf, '<![CDATA[', i)) end = skip(buf, ']]>', i);
      else return false; // <!DOCTYPE …>: refused by the reader
    } else if (c === QUESTION) {
      end = skip(buf, '?>', i);
    } else {
      end = i + 1;
      for (; end < n; end++) {
        const b = buf[end];
        if (b === QUOTE || b === APOS) {
          end = buf.indexOf(b, end + 1);
          if (end < 0) return false;
        } else if (b === GT) break;
      }
      if (end >= n) return false;
      if (depth + 1 > max) return true;
      if (buf[end - 1] !== SLASH) depth++; // <x/> opens and closes
    }
    if (end < 0) return false;
    i = buf.indexOf(LT, end + 1);
  }
  return false;
}

function skip(buf: Buffer, marker: string, from: number): number {
  const j = buf.indexOf(marker, from + 2);
  return j < 0 ? -1 : j + marker.length - 1;
}

function startsAt(buf: Buffer, s: string, at: number): boolean {
  for (let k = 0; k < s.length; k++) if (buf[at + k] !== s.charCodeAt(k)) return false;
  return true;
}

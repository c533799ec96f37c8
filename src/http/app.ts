// The HTTP door: Express adapter around the transport-neutral interactions in src/api.
import express, { type NextFunction, type Request, type Response } from 'express';
import type { Bundle, Resource } from 'fhir/r4';
import { randomUUID } from 'node:crypto';
import { FhirError, outcome } from '../fhir/errors.js';
import { applyElements, applySummary } from '../fhir/summary.js';
import { parsePrefer } from '../api/prefer.js';
import { dispatch } from '../api/router.js';
import { syncFromStore } from '../modules.js';
import type { ApiContext, FhirRequest, FhirResponse, Method } from '../api/types.js';
import { describeError, log } from '../log.js';
import { authenticate, challenge } from '../security/authenticate.js';
import { AuthError } from '../security/errors.js';
import { authRouter, smartConfiguration } from '../security/token-endpoint.js';
import { CONTENT_TYPE, isCdaBody, isEr7Body, parseBody, responseFormat, serialise, type Format } from './formats.js';
import { rawBinaryAccept, sendRawBinary } from './binary-raw.js';
import { webPages } from './web.js';
import { bodyLimits, dbErrorToFhir, installHardening, rateLimit } from './hardening/index.js';
import type { AuthContext, RequestSource } from '../security/auth-context.js';
import { registryRouter } from '../registry/http/router.js';

const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE']);
const WRITES = new Set(['POST', 'PUT', 'PATCH']);

export function createApp(ctx: ApiContext): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.set('query parser', false);
  installHardening(app, ctx.config); // security headers, CORS, URL limits, rate limits, trust proxy
  const basePath = new URL(ctx.config.baseUrl).pathname.replace(/\/+$/, '') || '/';
  const fhir = express.Router();
  fhir.get('/.well-known/smart-configuration', (_req, res) => void res.set('Cache-Control', 'public, max-age=300').json(smartConfiguration(ctx)));
  fhir.use(express.raw({ type: () => true, limit: ctx.config.maxBodyBytes }));
  fhir.use(bodyLimits(ctx.config)); // nesting depth (MAX_JSON_DEPTH), form-encoded parameter count
  const limiter = rateLimit(ctx.config);
  fhir.use(authenticated(ctx, limiter));
  if (limiter) fhir.use(limiter);
  fhir.use((req, res, next) => {
    handle(ctx, req, res).catch(next);
  });
  app.use('/auth', ...(limiter ? [limiter] : []), authRouter(ctx));
  app.use(basePath, fhir);
  app.use(webPages(basePath)); // the workbench and dashboard pages (static, built into web/dist)
  app.use('/registry', authenticated(ctx, limiter), ...(limiter ? [limiter] : []), registryRouter(ctx)); // pseudonymised registry, own scopes
  app.use((req: Request, res: Response) => sendError(res, new FhirError(404, `Nothing here: the FHIR endpoint is ${basePath}`, 'not-found'), 'json', false));
  app.use((err: unknown, req: Request, res: Response, _next: NextFunction) => {
    const fmt = safeFormat(req);
    if (err instanceof FhirError) return sendError(res, err, fmt, false);
    const e = err as { type?: string; status?: number };
    if (e?.type === 'entity.too.large') return sendError(res, new FhirError(413, `The body exceeds ${ctx.config.maxBodyBytes} bytes`, 'too-costly'), fmt, false);
    if (e?.status === 400 || e?.type === 'encoding.unsupported') return sendError(res, new FhirError(400, 'The request body could not be read', 'invalid'), fmt, false);
    const dbError = dbErrorToFhir(err); // statement timeout → 503, U+0000 → 400
    if (dbError) return sendError(res, dbError, fmt, false);
    const ref = randomUUID();
    log.error('unhandled error', { ref, ...describeError(err) });
    return sendError(res, new FhirError(500, `Internal server error (reference ${ref})`, 'exception'), fmt, false);
  });
  return app;
}

function queryPairs(req: Request): [string, string][] {
  const i = req.originalUrl.indexOf('?');
  return i < 0 ? [] : [...new URLSearchParams(req.originalUrl.slice(i + 1)).entries()];
}

function safeFormat(req: Request): Format {
  try {
    return responseFormat(queryPairs(req).find(([k]) => k === '_format')?.[1], req.get('accept'));
  } catch {
    return 'json';
  }
}

async function handle(ctx: ApiContext, req: Request, res: Response): Promise<void> {
  const started = process.hrtime.bigint();
  res.on('finish', () => log.debug('request', { method: req.method, path: req.path, status: res.statusCode, ms: Number(process.hrtime.bigint() - started) / 1e6 }));
  let query = queryPairs(req);
  const formatParam = query.find(([k]) => k === '_format')?.[1];
  const pretty = query.some(([k, v]) => k === '_pretty' && v === 'true');
  let format: Format = 'json';
  try {
    const rawBinary = rawBinaryAccept(req.method, req.path, formatParam, req.get('accept')); // ITI-68: the document itself
    format = rawBinary ? 'json' : responseFormat(formatParam, req.get('accept'));
    if (!METHODS.has(req.method)) throw new FhirError(405, `Method ${req.method} is not supported`, 'not-supported');
    const contentType = req.get('content-type');
    const raw = Buffer.isBuffer(req.body) ? req.body : undefined;
    let body: unknown;
    let rawBody: Buffer | undefined;
    if (req.method === 'POST' && /\/_search$/.test(req.path) && (contentType ?? '').startsWith('application/x-www-form-urlencoded')) {
      query = [...query, ...new URLSearchParams(raw?.toString('utf8') ?? '').entries()];
    } else if (raw?.length && (isCdaBody(raw, contentType) || isEr7Body(raw, contentType))) {
      rawBody = raw; // a CDA document or an HL7 v2 message: parsed by the operation that takes it, not as FHIR
    } else if (raw?.length) {
      body = parseBody(raw, contentType);
    }
    if (WRITES.has(req.method) && body === undefined && !/\$|_search$/.test(req.path)) throw new FhirError(400, 'This request needs a body', 'invalid');
    const fr: FhirRequest = {
      method: req.method as Method,
      path: req.path.replace(/^\/+/, ''),
      query,
      body,
      rawBody,
      contentType,
      headers: {
        ifMatch: req.get('if-match'),
        ifNoneMatch: req.get('if-none-match'),
        ifNoneExist: req.get('if-none-exist'),
        ifModifiedSince: req.get('if-modified-since'),
        prefer: req.get('prefer'),
        xProvenance: req.get('x-provenance'),
      },
    };
    const { auth, source } = res.locals as { auth: AuthContext; source: RequestSource };
    await syncFromStore(ctx);
    const out = await dispatch({ ctx, req: fr, auth, source });
    if (rawBinary) return sendRawBinary(res, out, rawBinary);
    send(ctx, res, fr, out, format, pretty);
  } catch (err) {
    if (err instanceof FhirError) return sendError(res, err, format, pretty);
    throw err;
  }
}

/** Authenticates before anything else runs on the FHIR routes (req.auth keys the rate limiter).
 *  Failed authentications are rate-limited by address, so token guessing is throttled too. */
function authenticated(ctx: ApiContext, limiter: express.RequestHandler | undefined): express.RequestHandler {
  return (req, res, next) => {
    const requestId = randomUUID();
    res.set('X-Request-Id', requestId);
    const source: RequestSource = { address: req.ip, userAgent: req.get('user-agent')?.slice(0, 200), requestId };
    const probe: FhirRequest = { method: req.method as Method, path: req.path.replace(/^\/+/, ''), query: [], headers: {} };
    authenticate(ctx, req.get('authorization'), probe, source).then(
      (auth) => {
        Object.assign(req, { auth });
        res.locals.auth = auth;
        res.locals.source = source;
        next();
      },
      (err) => {
        if (err instanceof AuthError) res.set('WWW-Authenticate', challenge(err));
        if (limiter) limiter(req, res, (limited?: unknown) => next(limited ?? err));
        else next(err);
      },
    );
  };
}

function send(ctx: ApiContext, res: Response, req: FhirRequest, out: FhirResponse, format: Format, pretty: boolean): void {
  res.status(out.status);
  if (out.versionId) res.set('ETag', `W/"${out.versionId}"`);
  if (out.lastModified) res.set('Last-Modified', new Date(out.lastModified).toUTCString());
  if (out.location) res.set('Location', `${ctx.config.baseUrl}/${out.location}`);
  if (out.status === 201 && out.location) res.set('Content-Location', `${ctx.config.baseUrl}/${out.location}`);
  let body: Resource | undefined = out.resource;
  if (body && WRITES.has(req.method) && body.resourceType !== 'Bundle' && !req.path.includes('$')) {
    const pref = parsePrefer(req.headers.prefer).return;
    if (pref === 'minimal') body = undefined;
    else if (pref === 'OperationOutcome') body = outcome([{ severity: 'information', code: 'informational', diagnostics: `${out.status === 201 ? 'Created' : 'Updated'} ${out.location ?? ''}` }]);
  }
  if (body) body = shape(body, req.query, req.method === 'GET' || req.method === 'HEAD');
  if (!body || out.status === 204 || out.status === 304) {
    res.end();
    return;
  }
  res.type(CONTENT_TYPE[format]);
  res.send(serialise(body, format, pretty));
}

/** Applies _summary and _elements to a read result or to the matches of a search Bundle. */
function shape(resource: Resource, query: [string, string][], isRead: boolean): Resource {
  if (!isRead) return resource;
  const summary = query.find(([k]) => k === '_summary')?.[1];
  const elements = query.find(([k]) => k === '_elements')?.[1];
  if ((!summary || summary === 'false' || summary === 'count') && !elements) return resource;
  const one = (r: Resource): Resource => {
    let x = r;
    if (summary && summary !== 'false' && summary !== 'count') x = applySummary(x, summary as 'true' | 'text' | 'data');
    if (elements) x = applyElements(x, elements.split(',').map((s) => s.trim()).filter(Boolean));
    return x;
  };
  if (resource.resourceType === 'Bundle') {
    const b = resource as Bundle<Resource>;
    if (b.type !== 'searchset') return resource;
    return { ...b, entry: b.entry?.map((e) => (e.resource && e.search?.mode === 'match' ? { ...e, resource: one(e.resource) } : e)) } as Resource;
  }
  return one(resource);
}

function sendError(res: Response, err: FhirError, format: Format, pretty: boolean): void {
  if (res.headersSent) return void res.end();
  res.status(err.status).type(CONTENT_TYPE[format]).send(serialise(outcome(err.issues), format, pretty));
}

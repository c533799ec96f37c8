// The registry's HTTP door, mounted at /registry beside the FHIR base:
//   GET  /registry/fhir/metadata, /registry/fhir/{Patient|Condition|BodyStructure|Provenance}[/{id}]   the pseudonymised cases
//   GET  /registry/fhir/$export (Prefer: respond-async) → 202, $export-status/{id}, $export-file/{id}/{name}   research exports
//   GET  /registry/indicators?by=…[&column=…][&format=csv]   open-data counts with small-cell suppression
//   GET  /registry/review[?status=…], POST /registry/review/{id}   the clerical review queue
//   POST /registry/$run   a linkage + consolidation run now (it also runs on a timer)
// Every action is authorised by registry scopes (access.ts) and audited.
import express, { type Request, type Response } from 'express';
import { randomUUID } from 'node:crypto';
import type { ApiContext } from '../../api/types.js';
import { FhirError, badRequest, notFound } from '../../fhir/errors.js';
import type { AuthContext, RequestSource } from '../../security/auth-context.js';
import { buildIndicators, parseDimensions, toCsv, toJson } from '../indicators/indicators.js';
import type { Dimension } from '../indicators/cases.js';
import { loadProjectKeys } from '../pseudonyms.js';
import { indicatorCases } from '../store/indicator-cases.js';
import { restrictedPersonKeys } from '../store/restricted.js';
import { runRegistry } from '../store/run.js';
import { serverRegistryKey } from '../store/server-key.js';
import { EXPORT_TYPES, claimExport, runExport, type ExportJob, type ExportType } from '../store/export-job.js';
import { auditRegistry, requirePermission, type RegistryAction, type RegistryCaller } from './access.js';
import { registryCapability } from './capability.js';
import { decide, listReview, type ReviewStatus } from './review.js';
import { REGISTRY_TYPES, searchBundle, searchRegistry, type RegistryType } from './search.js';

const FHIR_JSON = 'application/fhir+json; charset=utf-8';
type Handler = (c: RegistryCaller, req: Request, res: Response) => Promise<void>;

export function registryRouter(ctx: ApiContext): express.Router {
  const r = express.Router();
  const base = `${new URL(ctx.config.baseUrl).origin}/registry/fhir`;
  const on = (fn: Handler): express.RequestHandler => (req, res, next) => {
    const { auth, source } = res.locals as { auth: AuthContext; source: RequestSource };
    fn({ ctx, auth, source }, req, res).catch(next);
  };

  r.get('/fhir/metadata', on(async (_c, _req, res) => void res.type(FHIR_JSON).send(JSON.stringify(registryCapability(base)))));
  r.get('/fhir/\\$export', on((c, req, res) => kickOff(c, req, res, base)));
  r.get('/fhir/\\$export-status/:id', on(exportStatus(base)));
  r.delete('/fhir/\\$export-status/:id', on(cancelExport));
  r.get('/fhir/\\$export-file/:id/:name', on(exportFile));
  r.get('/fhir/:type', on(async (c, req, res) => {
    const type = registryType(req.params.type as string);
    requirePermission(c.auth, 'cases.search');
    const query = queryPairs(req);
    const restricted = await restrictedPersonKeys(c.ctx.db);
    const result = await searchRegistry(c.ctx.db, type, query, restricted);
    await auditRegistry(c, { subtype: 'search-type', action: 'E', status: 200, query: `registry/${type}?${new URLSearchParams(query)}`, entities: result.resources.map((x) => `${x.resourceType}/${x.id}`) });
    res.type(FHIR_JSON).send(JSON.stringify(searchBundle(base, type, query, result)));
  }));
  r.get('/fhir/:type/:id', on(async (c, req, res) => {
    const type = registryType(req.params.type as string);
    requirePermission(c.auth, 'cases.read');
    const restricted = await restrictedPersonKeys(c.ctx.db);
    const { resources } = await searchRegistry(c.ctx.db, type, [['_id', req.params.id as string]], restricted);
    await auditRegistry(c, { subtype: 'read', action: 'R', status: resources.length ? 200 : 404, entities: [`${type}/${String(req.params.id).slice(0, 64)}`] });
    if (!resources.length) throw notFound(`${type}/${req.params.id} is not in the registry`);
    res.type(FHIR_JSON).send(JSON.stringify(resources[0]));
  }));

  r.get('/indicators', on(async (c, req, res) => {
    requirePermission(c.auth, 'indicators');
    const q = new URLSearchParams(queryPairs(req));
    const format = q.get('format') ?? 'json';
    if (format !== 'json' && format !== 'csv') throw badRequest('format: json or csv', ['format']);
    let by: Dimension[];
    try { by = parseDimensions(q.get('by') ?? 'year,sex'); } catch (e) { throw badRequest((e as Error).message, ['by']); }
    const column = (q.get('column') ?? undefined) as Dimension | undefined;
    if (column && !by.includes(column)) throw badRequest(`column ${column} is not among by=${by.join(',')}`, ['column']);
    const run = buildIndicators(await indicatorCases(c.ctx.db), by, column);
    await auditRegistry(c, { subtype: 'search-type', action: 'E', status: 200, query: `registry/indicators?${q}` });
    if (format === 'csv') return void res.type('text/csv; charset=utf-8').send(toCsv(run.table));
    res.json({ table: run.table, counted: run.counted, excluded: { restricted: run.excluded.restricted, invalid: run.excluded.invalid.length }, cells: (toJson(run.table) as { cells: unknown[] }).cells });
  }));

  r.get('/review', on(async (c, req, res) => {
    requirePermission(c.auth, 'review.read');
    const q = new URLSearchParams(queryPairs(req));
    const status = (q.get('status') ?? 'pending') as ReviewStatus;
    if (!['pending', 'confirmed', 'rejected'].includes(status)) throw badRequest('status: pending, confirmed or rejected', ['status']);
    const count = Math.min(200, intParam(q.get('_count'), 20, '_count')), offset = intParam(q.get('_offset'), 0, '_offset');
    const out = await listReview(c.ctx.db, status, count, offset);
    await auditRegistry(c, { subtype: 'search-type', action: 'E', status: 200, query: `registry/review?${q}`, entities: out.items.flatMap((i) => [i.a.source, i.b.source]) });
    res.json(out);
  }));
  r.post('/review/:id', express.json({ limit: '4kb', type: () => true }), on(async (c, req, res) => {
    requirePermission(c.auth, 'review.decide');
    const item = await decide(c.ctx.db, req.params.id as string, req.body, c.auth.subject);
    await auditRegistry(c, { subtype: 'link-decision', action: 'U', status: 200, outcomeDesc: `${item.status}: ${item.a.recordId} ~ ${item.b.recordId}`, entities: [item.a.source, item.b.source] });
    res.json(item);
  }));
  r.post('/\\$run', on(async (c, _req, res) => {
    requirePermission(c.auth, 'run');
    const out = await runRegistry(c.ctx.db, serverRegistryKey(c.ctx.config.dataDir).secret);
    if (!out.ran) throw new FhirError(409, 'A registry run is already in progress', 'conflict');
    await auditRegistry(c, { subtype: 'operation', operation: 'registry-run', action: 'E', status: 200 });
    res.json(out.value);
  }));
  return r;
}

function registryType(t: string): RegistryType {
  if (!(REGISTRY_TYPES as readonly string[]).includes(t)) throw notFound(`The registry serves ${REGISTRY_TYPES.join(', ')}, not ${t.slice(0, 64)}`);
  return t as RegistryType;
}

function queryPairs(req: Request): [string, string][] {
  const i = req.originalUrl.indexOf('?');
  return i < 0 ? [] : [...new URLSearchParams(req.originalUrl.slice(i + 1)).entries()];
}

function intParam(v: string | null, dflt: number, name: string): number {
  if (v === null) return dflt;
  if (!/^\d{1,6}$/.test(v)) throw badRequest(`${name}: a non-negative integer is expected`, [name]);
  return Number(v);
}

async function kickOff(c: RegistryCaller, req: Request, res: Response, base: string): Promise<void> {
  requirePermission(c.auth, 'export.start');
  if (!/respond-async/.test(req.get('prefer') ?? '')) throw badRequest('A bulk export needs the header Prefer: respond-async');
  const q = new URLSearchParams(queryPairs(req));
  const fmt = q.get('_outputFormat');
  if (fmt && !['application/fhir+ndjson', 'application/ndjson', 'ndjson'].includes(fmt)) throw badRequest(`_outputFormat ${fmt} is not supported (NDJSON only)`, ['_outputFormat']);
  const project = q.get('project');
  if (!project) throw badRequest('project: the research project whose key pseudonymises the extract', ['project']);
  let keys;
  try { keys = loadProjectKeys(); } catch (e) { throw new FhirError(501, `Research exports are not configured: ${(e as Error).message}`, 'not-supported'); }
  if (!keys.has(project)) throw badRequest(`Unknown project ${project.slice(0, 64)} (not in REGISTRY_PROJECT_KEYS_FILE)`, ['project']);
  const types = (q.get('_type') ?? EXPORT_TYPES.join(',')).split(',').map((s) => s.trim()).filter(Boolean);
  const badType = types.find((t) => !(EXPORT_TYPES as readonly string[]).includes(t));
  if (badType) throw badRequest(`_type ${badType.slice(0, 64)} cannot be exported (${EXPORT_TYPES.join(', ')})`, ['_type']);
  const id = randomUUID();
  await c.ctx.db.query('INSERT INTO registry_export (id, project, types, request_url, requested_by) VALUES ($1, $2, $3, $4, $5)',
    [id, project, types, `${base}/$export?${q}`, c.auth.clientId]);
  await auditRegistry(c, { subtype: 'export', action: 'E', status: 202, query: `registry/$export?${q}`, entities: [`Group/registry-export-${id}`] });
  void startExport(c.ctx, id, keys);
  res.status(202).set('Content-Location', `${base}/$export-status/${id}`).end();
}

/** Processes the job here at once; the periodic worker takes over jobs whose node died. */
async function startExport(ctx: ApiContext, id: string, keys: ReturnType<typeof loadProjectKeys>): Promise<void> {
  const job = await claimExport(ctx.db, id).catch(() => undefined);
  if (job) await runExport(ctx.db, job, keys);
}

async function ownJob(c: RegistryCaller, id: string, action: RegistryAction): Promise<ExportJob> {
  requirePermission(c.auth, action);
  const { rows } = await c.ctx.db.query<ExportJob>('SELECT * FROM registry_export WHERE id::text = $1', [id]);
  const job = rows[0];
  // Another client's export is as good as absent: its manifest names files only its requester may read.
  if (!job || (!c.auth.unrestricted && job.requested_by !== c.auth.clientId)) throw notFound(`No export ${id.slice(0, 64)}`);
  return job;
}

function exportStatus(base: string): Handler {
  return async (c, req, res) => {
    const job = await ownJob(c, req.params.id as string, 'export.read');
    if (job.status === 'failed') throw new FhirError(500, `The export failed: ${job.error ?? 'unknown error'}`, 'exception');
    if (job.status !== 'completed') return void res.status(202).set('X-Progress', job.progress ?? job.status).set('Retry-After', '2').end();
    const { rows } = await c.ctx.db.query<{ name: string; type: ExportType; count: number }>('SELECT name, type, count FROM registry_export_file WHERE export_id = $1 ORDER BY type, name', [job.id]);
    res.json({
      transactionTime: new Date(job.transaction_time!).toISOString(),
      request: job.request_url,
      requiresAccessToken: true,
      output: rows.map((f) => ({ type: f.type, url: `${base}/$export-file/${job.id}/${f.name}`, count: Number(f.count) })),
      error: [],
      extension: { project: job.project },
    });
  };
}

const cancelExport: Handler = async (c, req, res) => {
  const job = await ownJob(c, req.params.id as string, 'export.delete');
  await c.ctx.db.query('DELETE FROM registry_export WHERE id = $1', [job.id]);
  await auditRegistry(c, { subtype: 'export', action: 'D', status: 202, entities: [`Group/registry-export-${job.id}`] });
  res.status(202).end();
};

const exportFile: Handler = async (c, req, res) => {
  const job = await ownJob(c, req.params.id as string, 'export.read');
  const { rows } = await c.ctx.db.query<{ content: string; count: number }>('SELECT content, count FROM registry_export_file WHERE export_id = $1 AND name = $2', [job.id, req.params.name]);
  if (!rows[0]) throw notFound(`No file ${String(req.params.name).slice(0, 64)} in export ${job.id}`);
  await auditRegistry(c, { subtype: 'export', action: 'R', status: 200, entities: [`Group/registry-export-${job.id}`], outcomeDesc: `${req.params.name}: ${rows[0].count} resources for project ${job.project}` });
  res.type('application/fhir+ndjson').send(rows[0].content);
};

// POST [base]/$submit-cda: one call takes a CI-SIS CDA document (raw body) through the pipeline —
// validate (src/cda/validation) → convert (the volet's toFhir) → store, in ONE SQL transaction:
//   - the FHIR document Bundle as a Bundle resource, and each of its entries as its own resource
//     (document-owned ids are derived from the setId, so a new version updates them in place);
//   - the Patient matched by its INS (then its other identifiers) and completed, never duplicated;
//     Practitioners and Organizations matched by their national ids (RPPS/ADELI, FINESS/SIRET);
//   - the original CDA as a Binary, and a DocumentReference (masterIdentifier = ClinicalDocument/id,
//     identifier = setId) pointing to it.
// A higher versionNumber of a stored setId supersedes it: the earlier DocumentReference becomes
// `superseded`, the new one `relatesTo: replaces` it, the Bundle/Composition/entries get new versions
// and entries the new version no longer has are deleted. An equal or lower version answers 409.
// Invalid CDA answers 422 and stores nothing; ?mode=lenient also stores a document whose only errors
// are header rules (structuration minimale) that an older template predates, with its findings in the
// answer and recorded on the DocumentReference (contained OperationOutcome, tag lenient).
import { createHash } from 'node:crypto';
import type {
  Binary, Bundle, Composition, DocumentReference, FhirResource, Identifier, OperationOutcome, Reference, Resource,
} from 'fhir/r4';
import { registerOperation } from '../api/operations.js';
import { dispatch } from '../api/router.js';
import type { Call, FhirRequest, FhirResponse, Method } from '../api/types.js';
import { FhirError, type Issue } from '../fhir/errors.js';
import type { Queryable } from '../store/db.js';
import { currentRow } from '../store/resource-store.js';
import { findMatches } from '../store/search/index.js';
import { forbidden } from '../security/errors.js';
import { runAfterCommit } from '../api/write-hooks.js';
import { checkIncoming } from '../api/incoming.js';
import { createMany } from '../api/write.js';
import { auditInteraction } from '../security/audit-hook.js';
import { describeInteraction } from '../security/interaction.js';
import { validateCda, isErrorIssue, type CdaIssue } from '../cda/validation/index.js';
import { stableUuid } from '../cda/to-fhir/builder.js';
import { CANONICAL_BASE, codeSystemUrl } from './canonical.js';
import { detectFromCda } from './registry.js';
import type { CdaConversion } from '../cda/to-fhir/convert.js';
import type { DocumentType } from './types.js';
import type { CdaElement } from '../cda/dom.js';
import { withXdsMetadata, xdsMetadata } from '../exchange/metadata.js';
import { lookUpActors } from './actor-lookup.js';
import { planActors } from './actor-plan.js';
import policy from './submit-policy.json' with { type: 'json' };

const ACTORS = new Set(policy.actorTypes);
const LENIENT_TAG = { system: codeSystemUrl(policy.tag.system), code: policy.tag.code, display: policy.tag.display };

type Mode = 'strict' | 'lenient';

interface Stored {
  type: string;
  id: string;
  status: 'created' | 'updated' | 'matched' | 'deleted' | 'superseded';
}

const isErr = (i: Issue) => i.severity === 'error' || i.severity === 'fatal';
const withRule = (i: CdaIssue): Issue => ({ ...i, diagnostics: i.rule ? `${i.diagnostics} [${i.rule}${i.source ? `, ${i.source}` : ''}]` : i.diagnostics });

/** Whether a template version is older than the volet's newest one (the last key of cdaTemplateIds). */
function olderTemplate(type: DocumentType, version: string | undefined): boolean {
  const versions = Object.keys(type.cdaTemplateIds);
  return version !== undefined && versions.indexOf(version) >= 0 && version !== versions[versions.length - 1];
}

const isHeaderRule = (i: CdaIssue) => (i.source ?? '').startsWith(policy.headerRuleSource);

function modeOf(call: Call): Mode {
  const m = call.req.query.find(([k]) => k === 'mode')?.[1] ?? 'strict';
  if (m !== 'strict' && m !== 'lenient') throw new FhirError(400, `mode must be strict or lenient, not "${m.slice(0, 40)}"`, 'invalid', ['mode']);
  return m;
}

/** Validation → the conversion to store, or a 422 naming every blocking finding. */
function validateAndConvert(call: Call, xml: string, mode: Mode): { type: DocumentType; version?: string; conv: CdaConversion; findings: CdaIssue[]; lenient: boolean; doc: CdaElement } {
  const result = validateCda(xml, { xsdDir: call.ctx.config.cdaXsdDir ?? '' });
  const fatal = result.issues.filter((i) => i.severity === 'fatal');
  if (fatal.length || !result.document) throw new FhirError(422, fatal.map(withRule));
  const detected = detectFromCda(result.document);
  if (!detected?.type.toFhir) {
    throw new FhirError(422, [...result.issues.filter(isErrorIssue).map(withRule), { severity: 'error', code: 'not-supported', diagnostics: 'The document is none of the cancer documents oncofhir converts (fiche RCP, PPS, CR-GM, CR-ACP)', expression: [`${result.document.xpath}/templateId`] }]);
  }
  const errors = result.issues.filter(isErrorIssue);
  let lenient = false;
  if (errors.length) {
    const older = olderTemplate(detected.type, detected.version);
    const onlyHeader = errors.every(isHeaderRule);
    if (mode === 'strict' || !older || !onlyHeader) {
      const why: Issue[] = mode === 'lenient'
        ? [{ severity: 'error', code: 'business-rule', diagnostics: !older
            ? `Lenient mode only accepts documents of an older template; this one is ${detected.type.volet} ${detected.version ?? '(version unknown)'}, the current template`
            : 'Lenient mode only accepts errors of the header rules (structuration minimale) that an older template predates; this document also breaks other rules' }]
        : [{ severity: 'information', code: 'informational', diagnostics: olderTemplate(detected.type, detected.version) && errors.every(isHeaderRule)
            ? `Nothing was stored. This ${detected.type.volet} ${detected.version} document only breaks header rules of the current template: ?mode=lenient stores it with its findings`
            : 'Nothing was stored.' }];
      throw new FhirError(422, [...result.issues.filter((i) => i.severity !== 'information').map(withRule), ...why]);
    }
    lenient = true;
  }
  const conv = detected.type.toFhir(detected.doc) as CdaConversion;
  if (!conv.setId?.value) throw new FhirError(422, 'The document has no setId: it cannot be stored (replacement needs it)', 'required', ['/ClinicalDocument/setId']);
  if (conv.version === undefined) throw new FhirError(422, 'The document has no versionNumber: it cannot be stored', 'required', ['/ClinicalDocument/versionNumber']);
  return { type: detected.type, version: detected.version, conv, findings: result.issues, lenient, doc: detected.doc };
}

// ---- the writes, through dispatch (each authorised by the operation's own permissions, and audited)

interface Writer {
  call: Call;
  tx: Queryable;
  afterCommit: (() => Promise<void>)[];
  stored: Stored[];
  warnings: Issue[];
}

async function send(w: Writer, method: Method, path: string, body?: Resource): Promise<FhirResponse> {
  const req: FhirRequest = { method, path, query: [], body, headers: {} };
  // The caller was authorised for the operation (access hook); the writes it makes on the caller's
  // behalf carry the caller's identity, for the audit trail, with the operation's authority.
  const auth = w.call.auth ? { ...w.call.auth, unrestricted: true } : undefined;
  return dispatch({ ctx: w.call.ctx, req, tx: w.tx, afterCommit: w.afterCommit, auth, source: w.call.source });
}

/** PUT, keeping the resource without its profile claim (and a warning) when it does not conform to it. */
async function put(w: Writer, resource: Resource): Promise<FhirResponse> {
  try {
    return await send(w, 'PUT', `${resource.resourceType}/${resource.id}`, resource);
  } catch (err) {
    return send(w, 'PUT', `${resource.resourceType}/${resource.id}`, withoutProfile(w, resource, err));
  }
}

/** Creates resources that do not exist yet in one batch (one INSERT per table instead of a PUT each).
 *  `conforming` were validated already (the document Bundle they come from, as a whole); each of
 *  `others` is validated as a PUT would be, with the same fallback when a profile is not met. */
async function createAll(w: Writer, conforming: Resource[], others: Resource[]): Promise<FhirResponse[]> {
  const inner: Call = { ...w.call, tx: w.tx, afterCommit: w.afterCommit, auth: w.call.auth ? { ...w.call.auth, unrestricted: true } : undefined };
  const checked = others.map((r) => {
    try {
      return checkIncoming(r, r.resourceType);
    } catch (err) {
      return checkIncoming(withoutProfile(w, r, err), r.resourceType);
    }
  });
  const resources = [...conforming, ...checked];
  const created = await createMany(w.tx, inner, resources.map((r) => ({ type: r.resourceType, id: r.id!, resource: r })));
  for (const [n, r] of resources.entries()) {
    const req: FhirRequest = { method: 'PUT', path: `${r.resourceType}/${r.id}`, query: [], headers: {} };
    await auditInteraction({ ...inner, req }, describeInteraction(req), 201, created[n]);
  }
  return created;
}

/** Whether the document Bundle passes the write-time validation as a whole: the base rules and every
 *  profile, of the Bundle and of each entry, with references resolved inside the Bundle (and their
 *  target profiles checked). Its entries are then stored without being validated again: they differ
 *  only by their urn:uuid references, replaced by the stored resources those entries became. */
function documentConforms(bundle: Bundle): boolean {
  try {
    checkIncoming(bundle, 'Bundle');
    return true;
  } catch (err) {
    if (err instanceof FhirError && (err.status === 400 || err.status === 422)) return false; // the per-resource path says which resource breaks what
    throw err;
  }
}

/** The resource without its profile claims, after a 422 against them (rethrows anything else). */
function withoutProfile(w: Writer, resource: Resource, err: unknown): Resource {
  const path = `${resource.resourceType}/${resource.id}`;
  {
    if (!(err instanceof FhirError) || err.status !== 422 || !resource.meta?.profile?.length) throw err;
    const problems = err.issues.filter(isErr).slice(0, 3).map((i) => i.diagnostics).join('; ');
    w.warnings.push({ severity: 'warning', code: 'invariant', diagnostics: `${path} does not conform to ${resource.meta.profile.join(', ')} (${problems}); it is stored without claiming that profile`, expression: [path] });
    const { profile: _p, ...meta } = resource.meta;
    const stripped = { ...resource, meta: Object.keys(meta).length ? meta : undefined } as Resource;
    if (!stripped.meta) delete stripped.meta;
    if (stripped.resourceType === 'Bundle') {
      // The document's entries lose their claims too (the Bundle profile fixes theirs).
      for (const e of (stripped as Bundle).entry ?? []) {
        if (!e.resource?.meta?.profile) continue;
        const { profile: _ep, ...rest } = e.resource.meta;
        if (Object.keys(rest).length) e.resource.meta = rest;
        else delete e.resource.meta;
      }
    }
    return stripped;
  }
}

async function read<T extends Resource>(q: Queryable, type: string, id: string): Promise<T | undefined> {
  const row = await currentRow(q, type, id);
  return row && !row.deleted && row.content ? (JSON.parse(row.content) as T) : undefined;
}

const criteria = (i: Identifier) => new URLSearchParams({ identifier: `${i.system}|${i.value}` }).toString();

/** What is stored already under the ids this version will use, in one query: the Composition and
 *  Bundle of an earlier version, and whether any id was ever used (even by a deleted resource):
 *  `usedOwned` for the entries the document owns, `usedOthers` for its other ids. */
async function storedState(q: Queryable, ids: { bundle: string; composition: string; doc: string; binary: string }, owned: Resource[], ownedActors: Resource[]): Promise<{ composition?: Composition; bundle?: Bundle; usedOwned: boolean; usedOthers: boolean }> {
  const keys = [...owned.map((r) => [r.resourceType, r.id!]), ...ownedActors.map((r) => [r.resourceType, r.id!]), ['Bundle', ids.bundle], ['Binary', ids.binary], ['DocumentReference', ids.doc]];
  const { rows } = await q.query<{ type: string; id: string; deleted: boolean; content: string | null }>(
    `SELECT type, id, deleted, CASE WHEN (type = 'Composition' AND id = $3) OR (type = 'Bundle' AND id = $4) THEN content END AS content
       FROM resource WHERE (type, id) IN (SELECT * FROM unnest($1::text[], $2::text[]))`,
    [keys.map((k) => k[0]), keys.map((k) => k[1]), ids.composition, ids.bundle],
  );
  const live = (type: string) => rows.find((r) => r.type === type && !r.deleted && r.content)?.content;
  const ownedKeys = new Set(owned.map((r) => `${r.resourceType}/${r.id}`));
  const composition = live('Composition'), bundle = live('Bundle');
  return {
    composition: composition ? (JSON.parse(composition) as Composition) : undefined,
    bundle: bundle ? (JSON.parse(bundle) as Bundle) : undefined,
    usedOwned: rows.some((r) => ownedKeys.has(`${r.type}/${r.id}`)),
    usedOthers: rows.some((r) => !ownedKeys.has(`${r.type}/${r.id}`)),
  };
}

/** The document's actors, in order, matched or written (actor-plan.ts); returns the Patient's id.
 *  With `batch`, those the document owns are added to it instead, to be created with the document. */
async function storeActors(w: Writer, actors: { fullUrl: string; resource: Resource }[], map: Map<string, string>, batch?: Resource[]): Promise<string> {
  const resources = actors.map((a) => a.resource);
  let plan = planActors(resources, await lookUpActors(w.tx, resources));
  if (plan.locks.length) {
    // One creation (or completion) of a person or shared actor at a time: lock, then decide again.
    await w.tx.query('SELECT pg_advisory_xact_lock(hashtext(k)) FROM unnest($1::text[]) AS k ORDER BY k', [plan.locks]);
    plan = planActors(resources, await lookUpActors(w.tx, resources));
  }
  w.warnings.push(...plan.warnings);
  let patientId = '';
  for (const [n, { fullUrl, resource }] of actors.entries()) {
    const t = resource.resourceType;
    const d = plan.decisions[n];
    let id: string;
    if (d.kind === 'matched') w.stored.push({ type: t, id: (id = d.id), status: 'matched' });
    else if (d.kind === 'complete') {
      await put(w, d.resource);
      w.stored.push({ type: t, id: (id = d.id), status: 'updated' });
    } else if (batch && !d.shared && t !== 'Patient') {
      // Belongs to a new document whose ids are unused: created with the document's own resources.
      const r = rewrite(resource, map);
      batch.push(r);
      w.stored.push({ type: t, id: (id = r.id!), status: 'created' });
    } else {
      const r = rewrite(resource, map);
      const res = await put(w, r);
      w.stored.push({ type: t, id: (id = r.id!), status: d.shared || res.status === 201 ? 'created' : 'updated' });
    }
    if (t === 'Patient') patientId = id;
    map.set(fullUrl, `${t}/${id}`);
  }
  return patientId;
}

/** Rewrites urn:uuid references of the document into server references (Type/id). */
function rewrite<T>(node: T, map: Map<string, string>): T {
  if (Array.isArray(node)) return node.map((n) => rewrite(n, map)) as T;
  if (node && typeof node === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(node)) out[k] = k === 'reference' && typeof v === 'string' && map.has(v) ? map.get(v) : rewrite(v, map);
    return out as T;
  }
  return node;
}

function documentReference(
  conv: CdaConversion, type: DocumentType, version: string | undefined, ids: { doc: string; binary: string; bundle: string; composition: string }, refs: (r: Reference | undefined) => Reference | undefined,
  xml: Buffer, previous: string | undefined, lenientFindings: CdaIssue[] | undefined,
): DocumentReference {
  const composition = conv.result.entry![0].resource as Composition;
  const encounterRef = refs(composition.encounter);
  const event = composition.event?.[0];
  const format = (version && type.legacyFormatCodes?.[version]) || type.formatCode;
  const findings: OperationOutcome | undefined = lenientFindings && {
    resourceType: 'OperationOutcome',
    id: 'findings',
    issue: lenientFindings.map((i) => ({ severity: i.severity, code: i.code, diagnostics: withRule(i).diagnostics, ...(i.expression?.length ? { expression: i.expression } : {}) })),
  };
  return {
    resourceType: 'DocumentReference',
    id: ids.doc,
    ...(findings ? { meta: { tag: [LENIENT_TAG] } } : {}),
    ...(findings ? { contained: [findings] } : {}),
    ...(conv.documentId ? { masterIdentifier: conv.documentId as Identifier } : {}),
    identifier: [conv.setId as Identifier],
    status: 'current',
    docStatus: composition.status === 'final' ? 'final' : 'preliminary',
    type: composition.type,
    subject: refs(composition.subject),
    date: new Date().toISOString(),
    author: composition.author.map((a) => refs(a) ?? a),
    ...(refs(composition.attester?.find((a) => a.mode === 'legal')?.party) ? { authenticator: refs(composition.attester!.find((a) => a.mode === 'legal')!.party) } : {}),
    ...(refs(composition.custodian) ? { custodian: refs(composition.custodian) } : {}),
    ...(previous ? { relatesTo: [{ code: 'replaces', target: { reference: `DocumentReference/${previous}` } }] } : {}),
    description: composition.title,
    securityLabel: composition.confidentiality ? [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-Confidentiality', code: composition.confidentiality }] }] : undefined,
    content: [{
      attachment: {
        contentType: 'application/hl7-cda+xml',
        ...(composition.language ? { language: composition.language } : {}),
        url: `Binary/${ids.binary}`,
        size: xml.length,
        hash: createHash('sha1').update(xml).digest('base64'),
        title: composition.title,
        ...(composition.date ? { creation: composition.date } : {}),
      },
      ...(format ? { format: { system: format.system, code: format.code } } : {}),
    }],
    context: {
      ...(encounterRef ? { encounter: [encounterRef] } : {}),
      ...(event?.code?.length ? { event: event.code } : {}),
      ...(event?.period ? { period: event.period } : {}),
      ...(refs(composition.subject) ? { sourcePatientInfo: refs(composition.subject) } : {}),
      related: [{ reference: `Bundle/${ids.bundle}` }, { reference: `Composition/${ids.composition}` }, ...(findings ? [{ reference: '#findings', display: 'CI-SIS validation findings (lenient mode)' }] : [])],
    },
  } as DocumentReference;
}

async function submitCda(call: Call): Promise<FhirResponse> {
  const raw = call.req.rawBody;
  if (!raw?.length) {
    if (call.req.body !== undefined) throw new FhirError(415, 'Send the CDA document itself as the body, with Content-Type application/hl7-cda+xml (or text/xml, application/xml)', 'not-supported');
    throw new FhirError(400, 'Send the CDA document as the request body with Content-Type application/hl7-cda+xml (or text/xml, application/xml)', 'required');
  }
  if (call.auth && !call.auth.unrestricted && !call.auth.scopes.some((s) => s.context !== 'patient' && (s.type === '*' || s.type === 'DocumentReference') && s.permissions.has('c'))) {
    throw forbidden('Submitting CDA documents needs system/ or user/ scopes: a patient/ scope cannot write the documents of other patients');
  }
  const mode = modeOf(call);
  const xml = raw.toString('utf8');
  const { type, version, conv, findings, lenient, doc } = validateAndConvert(call, xml, mode);
  const setKey = `${conv.setId!.system}|${conv.setId!.value}`;
  const ids = {
    bundle: stableUuid(setKey, 'Bundle'),
    composition: conv.result.entry![0].resource!.id!, // derived from the setId by the converter
    doc: stableUuid(setKey, 'DocumentReference', String(conv.version)),
    binary: stableUuid(setKey, 'Binary', String(conv.version)),
  };
  const afterCommit: (() => Promise<void>)[] = [];
  const stored: Stored[] = [];
  const warnings: Issue[] = [];
  let previousDoc: string | undefined;
  let patientId = '';
  // The FHIR document itself, as converted (self-contained, urn:uuid references).
  const bundle: Bundle = { ...conv.result, id: ids.bundle, ...(lenient ? { meta: { ...conv.result.meta, tag: [LENIENT_TAG] } } : {}) };
  await call.ctx.db.transaction(async (tx) => {
    stored.length = 0;
    warnings.length = 0;
    afterCommit.length = 0;
    const w: Writer = { call, tx, afterCommit, stored, warnings };
    // One submission of a setId at a time.
    await tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`submit-cda|${setKey}`]);
    const entries = conv.result.entry!.map((e) => ({ fullUrl: e.fullUrl!, resource: e.resource as FhirResource }));
    const owned = entries.filter((e) => !policy.actorOrder.includes(e.resource.resourceType));
    // Actors without an identifier belong to the document too (their ids derive from the setId).
    const ownedActors = entries.filter((e) => policy.actorOrder.includes(e.resource.resourceType) && e.resource.resourceType !== 'Patient' && e.resource.resourceType !== 'PractitionerRole' && !(e.resource as { identifier?: Identifier[] }).identifier?.length);
    const state = await storedState(tx, ids, owned.map((e) => e.resource), ownedActors.map((e) => e.resource));
    const prevComposition = state.composition;
    const prevVersion = Number(prevComposition?.extension?.find((e) => e.url === policy.versionExtension)?.valueString ?? NaN);
    if (prevComposition && !(conv.version! > prevVersion)) {
      throw new FhirError(409, `Version ${conv.version} of document ${setKey} is not newer than the stored version ${Number.isNaN(prevVersion) ? '(unknown)' : prevVersion}: a replacement needs a higher versionNumber`, 'conflict', ['/ClinicalDocument/versionNumber']);
    }
    const previousRefs = await findMatches(tx, 'DocumentReference', `${criteria(conv.setId as Identifier)}&status=current`, 10);
    previousDoc = previousRefs.find((r) => r.id !== ids.doc)?.id;
    const map = new Map<string, string>(entries.map((e) => [e.fullUrl, `${e.resource.resourceType}/${e.resource.id}`]));
    // Actors first (Practitioner, Organization before the roles that point to them), matched or created.
    // A new document that conforms as a whole is validated once (here) and stored in one batch.
    const once = !prevComposition && !state.usedOwned && !state.usedOthers && documentConforms(bundle);
    const batch: Resource[] | undefined = once ? [] : undefined;
    patientId = await storeActors(w, policy.actorOrder.flatMap((t) => entries.filter((x) => x.resource.resourceType === t)), map, batch);
    if (prevComposition?.subject?.reference && prevComposition.subject.reference !== `Patient/${patientId}`) {
      warnings.push({ severity: 'warning', code: 'business-rule', diagnostics: `This version is about Patient/${patientId}, the version it replaces about ${prevComposition.subject.reference}`, expression: ['/ClinicalDocument/recordTarget'] });
    }
    // Then what the document owns: same ids as the previous version, so a replacement updates them.
    const ownedResources = owned.map((e) => rewrite(e.resource, map));
    const binary: Binary = { resourceType: 'Binary', id: ids.binary, contentType: 'application/hl7-cda+xml', securityContext: { reference: `Patient/${patientId}` }, data: raw.toString('base64') };
    const refs = (r: Reference | undefined) => (r?.reference && map.has(r.reference) ? { reference: map.get(r.reference)! } : undefined);
    // The reference points to the versions of the Bundle and Composition it was stored with, so a
    // superseded DocumentReference still leads to its own content; with the XDS classification
    // (category, facility type, practice setting) that ITI-67 searches and the Mon espace santé delivery send.
    const docRefAt = (bundleVersion: string, compositionVersion: string) => withXdsMetadata(
      documentReference(conv, type, version, { ...ids, bundle: `${ids.bundle}/_history/${bundleVersion}`, composition: `${ids.composition}/_history/${compositionVersion}` }, refs, raw, previousDoc, lenient ? findings.filter((i) => i.severity !== 'information') : undefined),
      xdsMetadata(doc, type),
    );
    if (batch) {
      const docRef = docRefAt('1', '1');
      await createAll(w, [...batch, ...ownedResources, bundle], [binary, docRef]);
      for (const r of [...ownedResources, bundle, binary, docRef]) stored.push({ type: r.resourceType, id: r.id!, status: 'created' });
    } else {
      // A first version whose ids were never used (not even by a deleted resource): created in one batch.
      const results = state.usedOwned ? [] : await createAll(w, [], ownedResources);
      let compositionVersion = '1';
      const keep = new Set<string>();
      for (const [n, r] of ownedResources.entries()) {
        const res = results[n] ?? (await put(w, r));
        if (r.resourceType === 'Composition') compositionVersion = res.versionId ?? '1';
        keep.add(`${r.resourceType}/${r.id}`);
        stored.push({ type: r.resourceType, id: r.id!, status: res.status === 201 ? 'created' : 'updated' });
      }
      // What the earlier version had and this one has not: deleted (history keeps it).
      for (const e of state.bundle?.entry ?? []) {
        const r = e.resource;
        if (!r?.id || ACTORS.has(r.resourceType) || keep.has(`${r.resourceType}/${r.id}`)) continue;
        if (await read(tx, r.resourceType, r.id)) {
          await send(w, 'DELETE', `${r.resourceType}/${r.id}`);
          stored.push({ type: r.resourceType, id: r.id, status: 'deleted' });
        }
      }
      const b = await put(w, bundle);
      stored.push({ type: 'Bundle', id: ids.bundle, status: b.status === 201 ? 'created' : 'updated' });
      // The original, and its reference.
      await put(w, binary);
      stored.push({ type: 'Binary', id: ids.binary, status: 'created' });
      await put(w, docRefAt(b.versionId ?? '1', compositionVersion));
      stored.push({ type: 'DocumentReference', id: ids.doc, status: 'created' });
    }
    if (previousDoc) {
      const prev = await read<DocumentReference>(tx, 'DocumentReference', previousDoc);
      if (prev) {
        await put(w, { ...prev, status: 'superseded' } as DocumentReference);
        stored.push({ type: 'DocumentReference', id: previousDoc, status: 'superseded' });
      }
    }
  });
  await runAfterCommit(afterCommit);
  return { status: 201, resource: answer(type, version, conv, ids, stored, warnings, findings, lenient, previousDoc), location: `DocumentReference/${ids.doc}` };
}

function answer(type: DocumentType, version: string | undefined, conv: CdaConversion, ids: { doc: string; bundle: string }, stored: Stored[], warnings: Issue[], findings: CdaIssue[], lenient: boolean, previous: string | undefined): OperationOutcome {
  const issues: Issue[] = [{
    severity: 'information',
    code: 'informational',
    diagnostics: `Stored ${type.label} (${type.volet}${version ? ` ${version}` : ''}) version ${conv.version} of ${conv.setId!.system}|${conv.setId!.value}: DocumentReference/${ids.doc}, Bundle/${ids.bundle}${previous ? `; it supersedes DocumentReference/${previous}` : ''}${lenient ? '; accepted in lenient mode despite the CI-SIS errors below, which are recorded on the DocumentReference' : ''}.`,
  }];
  const groups = new Map<string, string[]>();
  for (const s of stored) {
    const k = `${s.status} ${s.type}`;
    const list = groups.get(k) ?? [];
    if (!list.includes(`${s.type}/${s.id}`)) groups.set(k, [...list, `${s.type}/${s.id}`]);
  }
  for (const [k, list] of groups) issues.push({ severity: 'information', code: 'informational', diagnostics: `${k[0].toUpperCase()}${k.slice(1)} (${list.length}): ${list.join(', ')}` });
  // The CDA findings: in lenient mode its errors are reported as warnings (they did not block storage).
  for (const f of findings) {
    if (f.severity === 'information') continue;
    const demoted = isErr(f) ? { ...f, severity: 'warning' as const, diagnostics: `Error under the current CI-SIS rules, accepted in lenient mode: ${f.diagnostics}` } : f;
    issues.push(withRule(demoted));
  }
  issues.push(...conv.warnings, ...warnings);
  return { resourceType: 'OperationOutcome', issue: issues.map((i) => ({ severity: i.severity, code: i.code, diagnostics: i.diagnostics, ...(i.expression?.length ? { expression: i.expression } : {}) })) };
}

export function registerSubmitCdaOperation(): void {
  registerOperation({
    name: 'submit-cda',
    levels: ['system'],
    affectsState: true,
    definition: `${CANONICAL_BASE}/OperationDefinition/submit-cda`,
    access: () => policy.access.map((t) => [t, 'c'] as [string, 'c']),
    handler: (call) => submitCda(call),
  });
}

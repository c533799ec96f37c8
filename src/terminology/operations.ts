// The terminology operations, GET and POST: ValueSet/$expand, ValueSet/$validate-code,
// CodeSystem/$lookup, CodeSystem/$validate-code, ConceptMap/$translate (type and instance level).
import type { CodeSystem, Coding, ConceptMap, Parameters, ParametersParameter, ValueSet } from 'fhir/r4';
import { registerOperation, type OperationTarget } from '../api/operations.js';
import type { Call, FhirResponse } from '../api/types.js';
import { badRequest, notFound } from '../fhir/errors.js';
import { expandValueSetResource } from './expand-resource.js';
import { lookup } from './lookup.js';
import { OpParams } from './params.js';
import { getCodeSystem, getConceptMap, getCoreById, getValueSet, type TerminologyResource } from './registry.js';
import { readStored, refreshFromStore } from './store-sync.js';
import { translate } from './translate.js';
import { validateCodeInCodeSystem, validateCodeInValueSetResource, type CodeCheck } from './validate-code.js';

const ok = (resource: ValueSet | Parameters): FhirResponse => ({ status: 200, resource });
const withVersion = (url: string, version?: string) => (version && !url.includes('|') ? `${url}|${version}` : url);

/** The stored resource of an instance-level call (core resources answer by id too); the in-memory twin when current. */
async function instance<T extends TerminologyResource>(call: Call, target: OperationTarget): Promise<T> {
  const type = target.type!;
  const stored = await readStored<T>(call.tx ?? call.ctx.db, type, target.id!);
  const found = stored ?? (getCoreById(type, target.id!) as T | undefined);
  if (!found) throw notFound(`${type}/${target.id} is not known`);
  return found;
}

/** The resource a type-level call names by canonical url (after a cheap check for stored changes). */
async function byUrl<T extends TerminologyResource>(call: Call, type: T['resourceType'], url: string, get: (u: string) => T | undefined): Promise<T> {
  let r = get(url);
  if (!r) {
    await refreshFromStore(call.ctx.db);
    r = get(url);
  }
  if (!r) throw notFound(`The ${type} ${url} is not known to this server`);
  return r;
}

// ---- ValueSet ----

async function targetValueSet(call: Call, target: OperationTarget, p: OpParams): Promise<ValueSet> {
  if (target.level === 'instance') return instance<ValueSet>(call, target);
  const given = p.resource<ValueSet>('valueSet', 'ValueSet');
  const url = p.string('url');
  if (given && url) throw badRequest('Give either url or valueSet, not both');
  if (given) return given;
  if (!url) throw badRequest('The value set is missing: give url, a valueSet resource, or call ValueSet/[id]/$' + (call.req.path.includes('$expand') ? 'expand' : 'validate-code'));
  return byUrl(call, 'ValueSet', withVersion(url, p.string('valueSetVersion')), getValueSet);
}

async function expand(call: Call, target: OperationTarget): Promise<FhirResponse> {
  const p = new OpParams(call);
  const vs = await targetValueSet(call, target, p);
  return ok(
    expandValueSetResource(vs, {
      filter: p.string('filter'),
      count: p.int('count'),
      offset: p.int('offset'),
      activeOnly: p.bool('activeOnly'),
      includeDesignations: p.bool('includeDesignations'),
    }),
  );
}

/** The codings to check: code(+system), coding, or codeableConcept — exactly one form. */
function codingsOf(p: OpParams, systemParam: string | undefined): Coding[] {
  const code = p.string('code');
  const coding = p.coding('coding');
  const cc = p.codeableConcept('codeableConcept');
  const forms = [code, coding, cc].filter((x) => x !== undefined).length;
  if (forms === 0) throw badRequest('Nothing to check: give code (with system), coding, or codeableConcept');
  if (forms > 1) throw badRequest('Give only one of code, coding and codeableConcept');
  if (code !== undefined) return [{ system: systemParam, code, display: p.string('display'), version: p.string('systemVersion') ?? p.string('version') }];
  if (coding) {
    if (!coding.code) throw badRequest('The coding has no code', ["Parameters.parameter.where(name = 'coding')"]);
    return [coding];
  }
  const list = (cc!.coding ?? []).filter((c) => c.code);
  if (!list.length) throw badRequest('The codeableConcept has no coding with a code', ["Parameters.parameter.where(name = 'codeableConcept')"]);
  return list;
}

/** One verdict for several codings: any accepted wins, then any undecidable, else the first rejection. */
function combine(checks: CodeCheck[]): CodeCheck {
  return checks.find((c) => c.result === true) ?? checks.find((c) => c.result === 'unknown') ?? checks[0];
}

function verdict(c: CodeCheck): Parameters {
  const parameter: ParametersParameter[] = [{ name: 'result', valueBoolean: c.result === true }];
  const message = c.result === 'unknown' ? `Unable to check: ${c.message ?? 'the code system is not loaded'}` : c.message;
  if (message) parameter.push({ name: 'message', valueString: message });
  if (c.display !== undefined) parameter.push({ name: 'display', valueString: c.display });
  return { resourceType: 'Parameters', parameter };
}

async function valueSetValidateCode(call: Call, target: OperationTarget): Promise<FhirResponse> {
  const p = new OpParams(call);
  const vs = await targetValueSet(call, target, p);
  const codings = codingsOf(p, p.string('system'));
  return ok(verdict(combine(codings.map((c) => validateCodeInValueSetResource(vs, c)))));
}

// ---- CodeSystem ----

async function targetSystem(call: Call, target: OperationTarget, p: OpParams, param: string): Promise<string | undefined> {
  if (target.level !== 'instance') return p.string(param);
  const cs = await instance<CodeSystem>(call, target);
  if (!cs.url) throw badRequest(`CodeSystem/${target.id} has no url, so its codes cannot be addressed`, ['CodeSystem.url']);
  await byUrl(call, 'CodeSystem', withVersion(cs.url, cs.version), getCodeSystem);
  return withVersion(cs.url, cs.version);
}

async function codeSystemLookup(call: Call, target: OperationTarget): Promise<FhirResponse> {
  const p = new OpParams(call);
  const system = await targetSystem(call, target, p, 'system');
  const code = p.string('code');
  const coding = p.coding('coding');
  if (code !== undefined && coding) throw badRequest('Give either code (with system) or coding, not both');
  const c: Coding = coding ?? { system, code, version: p.string('version') };
  if (!c.code) throw badRequest('The code to look up is missing: give system and code, or coding');
  const sys = c.system ?? system;
  if (!sys) throw badRequest('The code system is missing: give system, or a coding with a system');
  const url = withVersion(sys, c.version);
  await byUrl(call, 'CodeSystem', url, getCodeSystem);
  const properties = call.req.query.filter(([k]) => k === 'property').map(([, v]) => v);
  for (const q of (call.req.body as Parameters | undefined)?.parameter ?? []) if (q.name === 'property' && q.valueCode) properties.push(q.valueCode);
  const res = lookup(url, c.code, { properties });
  if (!res) throw notFound(`Unknown code ${c.code} in the code system ${sys}`);
  return ok(res);
}

async function codeSystemValidateCode(call: Call, target: OperationTarget): Promise<FhirResponse> {
  const p = new OpParams(call);
  const system = await targetSystem(call, target, p, 'url');
  const codings = codingsOf(p, system);
  for (const sys of new Set(codings.map((c) => c.system ?? system))) {
    if (!sys) throw badRequest('The code system is missing: give url, or a coding with a system');
    await byUrl(call, 'CodeSystem', sys, getCodeSystem);
  }
  const checks = codings.map((c) => {
    const sys = (c.system ?? system)!;
    if (system && sys !== system && !system.startsWith(`${sys}|`)) return { result: false, message: `The coding's system ${sys} is not the code system ${system}` } as CodeCheck;
    return validateCodeInCodeSystem(withVersion(sys, c.version), c.code!, c.display);
  });
  return ok(verdict(combine(checks)));
}

// ---- ConceptMap ----

async function conceptMapTranslate(call: Call, target: OperationTarget): Promise<FhirResponse> {
  const p = new OpParams(call);
  let conceptMap: ConceptMap | undefined;
  let url: string | undefined;
  if (target.level === 'instance') conceptMap = await instance<ConceptMap>(call, target);
  else {
    conceptMap = p.resource<ConceptMap>('conceptMap', 'ConceptMap');
    url = p.string('url');
    if (conceptMap && url) throw badRequest('Give either url or conceptMap, not both');
    if (url) {
      url = withVersion(url, p.string('conceptMapVersion'));
      await byUrl(call, 'ConceptMap', url, getConceptMap);
    } else await refreshFromStore(call.ctx.db);
  }
  const codings = codingsOf(p, p.string('system'));
  const common = {
    url,
    conceptMap,
    source: p.string('source'),
    target: p.string('target'),
    targetsystem: p.string('targetsystem'),
    reverse: p.bool('reverse'),
  };
  const results = codings.map((c) => {
    if (!c.system) throw badRequest('The system of the code to translate is missing');
    return translate({ ...common, system: c.system, code: c.code! });
  });
  if (results.length === 1) return ok(results[0]);
  // A CodeableConcept: the matches of all its codings.
  const matches = results.flatMap((r) => (r.parameter ?? []).filter((x) => x.name === 'match'));
  const found = results.some((r) => r.parameter?.[0]?.valueBoolean);
  return ok({ resourceType: 'Parameters', parameter: [{ name: 'result', valueBoolean: found }, ...(found ? [] : [{ name: 'message', valueString: 'No mapping found for any coding' }]), ...matches] });
}

let registered = false;

export function registerTerminologyOperations(): void {
  if (registered) return;
  registered = true;
  const both = ['type', 'instance'] as ('type' | 'instance')[];
  registerOperation({ name: 'expand', levels: both, types: ['ValueSet'], affectsState: false, definition: 'http://hl7.org/fhir/OperationDefinition/ValueSet-expand', handler: expand });
  registerOperation({ name: 'lookup', levels: both, types: ['CodeSystem'], affectsState: false, definition: 'http://hl7.org/fhir/OperationDefinition/CodeSystem-lookup', handler: codeSystemLookup });
  registerOperation({ name: 'translate', levels: both, types: ['ConceptMap'], affectsState: false, definition: 'http://hl7.org/fhir/OperationDefinition/ConceptMap-translate', handler: conceptMapTranslate });
  // $validate-code exists on ValueSet and CodeSystem with different inputs: one registration, dispatched by type.
  registerOperation({
    name: 'validate-code',
    levels: both,
    types: ['ValueSet', 'CodeSystem'],
    affectsState: false,
    definition: 'http://hl7.org/fhir/OperationDefinition/ValueSet-validate-code',
    handler: (call, target) => (target.type === 'CodeSystem' ? codeSystemValidateCode(call, target) : valueSetValidateCode(call, target)),
  });
}

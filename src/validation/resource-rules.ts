// Rules on the content of particular resources that their StructureDefinitions cannot express:
// an OperationDefinition against its input/output profiles, a SearchParameter against the one it is derived
// from, ValueSet filter parameters, a MeasureReport against its Measure. Each rule is a plain function.
import fhirpath from 'fhirpath';
import type { SearchParameter } from 'fhir/r4';
import type { Issue } from '../fhir/errors.js';
import { coreSearchParameters, isResourceType } from '../fhir/definitions.js';
import { compiledProfile, type ElementNode } from './compile.js';
import { structureDefinitionRules } from './sd-rules.js';

type Json = Record<string, unknown>;
export interface RuleContext { resolveCanonical(url: string): Json | undefined }
type Rule = (res: Json, path: string, ctx: RuleContext) => Issue[];

const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const err = (path: string, diagnostics: string, code: Issue['code'] = 'business-rule'): Issue => ({ severity: 'error', code, diagnostics, expression: [path] });

const RULES: Record<string, Rule> = {
  OperationDefinition: operationDefinition,
  SearchParameter: searchParameter,
  ValueSet: valueSetParameters,
  MeasureReport: measureReport,
  StructureDefinition: structureDefinitionRules,
};

export function resourceRules(res: Json, path: string, ctx: RuleContext): Issue[] {
  const rule = RULES[String(res.resourceType)];
  return rule ? rule(res, path, ctx) : [];
}

// ---- OperationDefinition: parameters vs inputProfile / outputProfile ----

function operationDefinition(op: Json, path: string): Issue[] {
  const out: Issue[] = [];
  for (const [use, key] of [['in', 'inputProfile'], ['out', 'outputProfile']] as const) {
    if (typeof op[key] !== 'string') continue;
    const cp = compiledProfile(op[key]);
    const param = cp?.root.byKey.get('parameter')?.node;
    if (!cp || !param) continue;
    arr(op.parameter).forEach((p, i) => {
      if (!isObj(p) || p.use !== use || typeof p.name !== 'string') return;
      const slice = param.slices.find((s) => fixedName(s) === p.name);
      if (!slice) return;
      const at = `${path}.parameter[${i}]`;
      const where = `the parameter '${p.name}' in the ${key} ${op[key]}`;
      if (typeof p.min === 'number' && slice.min !== p.min) out.push(err(at, `The minimum of ${where} is ${slice.min}, but the OperationDefinition says ${p.min}`));
      const max = slice.max === Infinity ? '*' : String(slice.max);
      if (typeof p.max === 'string' && max !== p.max) out.push(err(at, `The maximum of ${where} is ${max}, but the OperationDefinition says ${p.max}`));
      const { types, targets } = sliceTypes(slice);
      const opTypes = typeof p.type === 'string' ? [p.type] : [];
      if (types.size && opTypes.length) {
        for (const t of types) if (!opTypes.includes(t)) out.push(err(at, `The type ${t} is allowed for ${where}, but not by the OperationDefinition (${opTypes.join(', ')})`));
        for (const t of opTypes) if (!types.has(t)) out.push(err(at, `The type ${t} is allowed by the OperationDefinition, but not for ${where} (${[...types].join(', ')})`));
      }
      const opTargets = arr(p.targetProfile).filter((x): x is string => typeof x === 'string');
      for (const t of targets) if (!opTargets.includes(t)) out.push(err(at, `The target profile ${t} is allowed for ${where}, but not by the OperationDefinition`));
      for (const t of opTargets) if (!targets.has(t)) out.push(err(at, `The target profile ${t} is allowed by the OperationDefinition, but not for ${where}`));
    });
  }
  return out;
}

function fixedName(slice: ElementNode): string | undefined {
  const n = slice.children.find((c) => c.name === 'name');
  const v = n?.fixed?.value ?? n?.pattern?.value;
  return typeof v === 'string' ? v : undefined;
}

/** The types a parameter slice allows (value[x] and resource, unless prohibited) and its reference target profiles. */
function sliceTypes(slice: ElementNode): { types: Set<string>; targets: Set<string> } {
  const types = new Set<string>();
  const targets = new Set<string>();
  for (const c of slice.children) {
    if ((c.name !== 'value' && c.name !== 'resource') || c.max === 0) continue;
    // An unconstrained value[x] or resource says nothing about the parameter.
    if (!c.constraint || c.types.length > 20 || (c.name === 'resource' && c.types.length === 1 && c.types[0].code === 'Resource')) continue;
    for (const t of c.types) {
      types.add(t.code);
      for (const tp of t.targetProfiles) targets.add(tp);
    }
  }
  return { types, targets };
}

// ---- SearchParameter: derivedFrom and the expression's resource types ----

let coreSps: Map<string, SearchParameter> | undefined;
const coreSp = (url: string) => (coreSps ??= new Map(coreSearchParameters().map((s) => [s.url, s]))).get(url);

function searchParameter(sp: Json, path: string, ctx: RuleContext): Issue[] {
  const out: Issue[] = [];
  const bases = arr(sp.base).filter((b): b is string => typeof b === 'string');
  if (typeof sp.derivedFrom === 'string') {
    const parent = (coreSp(sp.derivedFrom.split('|')[0]) as unknown as Json | undefined) ?? ctx.resolveCanonical(sp.derivedFrom.split('|')[0]);
    const parentBases = arr(parent?.base);
    if (parent && !parentBases.some((b) => b === 'Resource' || b === 'DomainResource')) {
      for (const b of bases) if (!parentBases.includes(b)) out.push(err(path, `The resource type ${b} is not a base of the SearchParameter this one is derived from (${sp.derivedFrom})`));
    }
  }
  if (typeof sp.expression === 'string' && bases.length && !bases.some((b) => b === 'Resource' || b === 'DomainResource')) {
    const wrong = new Set<string>();
    for (const part of splitUnion(sp.expression)) {
      const head = part.trim().replace(/^\(+/, '').match(/^([A-Z][A-Za-z]+)\b/)?.[1];
      if (head && isResourceType(head) && !bases.includes(head)) wrong.add(head);
    }
    for (const w of wrong) out.push(err(`${path}.expression`, `The expression refers to ${w}, which is not a base of this SearchParameter (${bases.join(', ')})`));
  }
  return out;
}

/** Top-level parts of a union (`a | b`), ignoring `|` inside parentheses and strings. */
function splitUnion(expr: string): string[] {
  const parts: string[] = [];
  let depth = 0, quote = '', start = 0;
  for (let i = 0; i < expr.length; i++) {
    const c = expr[i];
    if (quote) { if (c === quote && expr[i - 1] !== '\\') quote = ''; continue; }
    if (c === "'" || c === '`') quote = c;
    else if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (c === '|' && depth === 0) { parts.push(expr.slice(start, i)); start = i + 1; }
  }
  parts.push(expr.slice(start));
  return parts;
}

// ---- ValueSet: filter values given as parameterised expressions ----

const VS_PARAMETER = 'http://hl7.org/fhir/tools/StructureDefinition/valueset-parameter';
const CQF_EXPRESSION = 'http://hl7.org/fhir/StructureDefinition/cqf-expression';
const ENV_VARS = new Set(['resource', 'rootResource', 'context', 'ucum', 'sct', 'loinc', 'this', 'index', 'total']);

function valueSetParameters(vs: Json, path: string): Issue[] {
  const out: Issue[] = [];
  const declared = new Map<string, number>();
  arr(vs.extension).forEach((e, i) => {
    if (!isObj(e) || e.url !== VS_PARAMETER) return;
    const name = arr(e.extension).find((x) => isObj(x) && x.url === 'name') as Json | undefined;
    if (typeof name?.valueCode === 'string') declared.set(name.valueCode, i);
  });
  const used = new Set<string>();
  const compose = isObj(vs.compose) ? vs.compose : {};
  for (const part of ['include', 'exclude'] as const) {
    arr(compose[part]).forEach((inc, i) => {
      if (!isObj(inc)) return;
      arr(inc.filter).forEach((f, j) => {
        if (!isObj(f) || !isObj(f._value)) return;
        arr(f._value.extension).forEach((x, k) => {
          if (!isObj(x) || x.url !== CQF_EXPRESSION || !isObj(x.valueExpression)) return;
          const at = `${path}.compose.${part}[${i}].filter[${j}].value.extension[${k}].value.ofType(Expression)`;
          const { language, expression } = x.valueExpression;
          if (language !== 'text/fhirpath') out.push(err(at, `A value set filter expression must be in the language 'text/fhirpath', not '${String(language)}'`, 'invalid'));
          if (typeof expression !== 'string') return;
          const vars = [...expression.matchAll(/%(?:`([^`]+)`|([A-Za-z][\w-]*))/g)].map((m) => m[1] ?? m[2]);
          try {
            fhirpath.parse(expression.replace(/%([A-Za-z][\w-]*)/g, (_m, n: string) => `%\`${n}\``));
          } catch (e) {
            out.push(err(at, `The filter expression '${expression}' is not valid FHIRPath: ${(e as Error).message.split('\n')[0]}`, 'invalid'));
            return;
          }
          for (const v of vars) {
            used.add(v);
            if (!declared.has(v) && !ENV_VARS.has(v) && !v.startsWith('vs-') && !v.startsWith('ext-')) out.push(err(at, `The filter expression '${expression}' refers to the unknown parameter '${v}'`, 'invalid'));
          }
        });
      });
    });
  }
  for (const [name, i] of declared) {
    if (!used.has(name)) out.push({ severity: 'warning', code: 'business-rule', diagnostics: `The value set parameter '${name}' is not used`, expression: [`${path}.extension[${i}]`] });
  }
  return out;
}

// ---- MeasureReport against its Measure ----

function measureReport(mr: Json, path: string, ctx: RuleContext): Issue[] {
  const out: Issue[] = [];
  const measure = typeof mr.measure === 'string' ? ctx.resolveCanonical(mr.measure.split('|')[0]) : undefined;
  if (!measure || measure.resourceType !== 'Measure') return out;
  const scoringOf = (x: unknown) => arr(isObj(x) && isObj(x.scoring) ? x.scoring.coding : undefined).map((c) => (isObj(c) ? c.code : undefined)).find((c) => typeof c === 'string');
  const measureScoring = scoringOf(measure);
  const groups = arr(measure.group);
  arr(mr.group).forEach((g, i) => {
    if (!isObj(g)) return;
    const mg = groups.find((x) => isObj(x) && typeof g.id === 'string' && x.id === g.id) ?? groups[i];
    const scoring = scoringOf(mg) ?? measureScoring;
    if (scoring === 'cohort' && g.measureScore !== undefined) out.push(err(`${path}.group[${i}].measureScore`, `A measureScore is not allowed when the scoring of the measure is 'cohort'`));
  });
  return out;
}

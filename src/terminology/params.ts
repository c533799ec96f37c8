// Operation input: R4 Parameters in a POST body, or query parameters on GET, read by name and type.
import type { CodeableConcept, Coding, Parameters, ParametersParameter, Resource } from 'fhir/r4';
import type { Call } from '../api/types.js';
import { badRequest } from '../fhir/errors.js';

const where = (name: string) => [`Parameters.parameter.where(name = '${name}')`];
const STRING_KEYS = ['valueString', 'valueUri', 'valueCode', 'valueCanonical', 'valueUrl', 'valueId'] as const;

export class OpParams {
  private readonly body: ParametersParameter[] = [];
  private readonly query: [string, string][];

  constructor(call: Call) {
    const b = call.req.body as Resource | undefined;
    if (b !== undefined && b !== null) {
      if (typeof b !== 'object' || (b as Resource).resourceType !== 'Parameters') throw badRequest('The body of this operation must be a Parameters resource');
      this.body = (b as Parameters).parameter ?? [];
    }
    this.query = call.req.query.filter(([k]) => !k.startsWith('_'));
  }

  private fromBody(name: string): ParametersParameter | undefined {
    const all = this.body.filter((p) => p.name === name);
    if (all.length > 1) throw badRequest(`The parameter ${name} is given ${all.length} times`, where(name));
    return all[0];
  }

  private fromQuery(name: string): string | undefined {
    const all = this.query.filter(([k]) => k === name);
    if (all.length > 1) throw badRequest(`The parameter ${name} is given ${all.length} times`, [name]);
    return all[0]?.[1];
  }

  string(name: string): string | undefined {
    const p = this.fromBody(name);
    if (p) {
      for (const k of STRING_KEYS) if (typeof p[k] === 'string') return p[k] as string;
      throw badRequest(`The parameter ${name} must have a string, uri or code value`, where(name));
    }
    const q = this.fromQuery(name);
    if (q === '') throw badRequest(`The parameter ${name} is empty`, [name]);
    return q;
  }

  int(name: string, min = 0): number | undefined {
    const p = this.fromBody(name);
    const raw = p ? p.valueInteger ?? p.valueUnsignedInt ?? p.valuePositiveInt ?? p.valueString : this.fromQuery(name);
    if (raw === undefined) return undefined;
    const n = typeof raw === 'number' ? raw : /^-?\d+$/.test(raw) ? Number(raw) : NaN;
    if (!Number.isInteger(n) || n < min) throw badRequest(`The parameter ${name} must be an integer ≥ ${min}, not ${JSON.stringify(raw)}`, p ? where(name) : [name]);
    return n;
  }

  bool(name: string): boolean | undefined {
    const p = this.fromBody(name);
    const raw = p ? p.valueBoolean ?? p.valueString : this.fromQuery(name);
    if (raw === undefined) return undefined;
    if (raw === true || raw === 'true') return true;
    if (raw === false || raw === 'false') return false;
    throw badRequest(`The parameter ${name} must be true or false, not ${JSON.stringify(raw)}`, p ? where(name) : [name]);
  }

  /** A Coding; on GET written as `system|code`. */
  coding(name: string): Coding | undefined {
    const p = this.fromBody(name);
    if (p) {
      if (!p.valueCoding) throw badRequest(`The parameter ${name} must be a Coding`, where(name));
      return p.valueCoding;
    }
    const q = this.fromQuery(name);
    if (q === undefined) return undefined;
    const bar = q.lastIndexOf('|');
    return bar < 0 ? { code: q } : { system: q.slice(0, bar) || undefined, code: q.slice(bar + 1) };
  }

  codeableConcept(name: string): CodeableConcept | undefined {
    const p = this.fromBody(name);
    if (p) {
      if (!p.valueCodeableConcept) throw badRequest(`The parameter ${name} must be a CodeableConcept`, where(name));
      return p.valueCodeableConcept;
    }
    if (this.fromQuery(name) !== undefined) throw badRequest(`The parameter ${name} can only be given in a POSTed Parameters resource`, [name]);
    return undefined;
  }

  resource<T extends Resource>(name: string, type: string): T | undefined {
    const p = this.fromBody(name);
    if (!p) {
      if (this.fromQuery(name) !== undefined) throw badRequest(`The parameter ${name} can only be given in a POSTed Parameters resource`, [name]);
      return undefined;
    }
    if (p.resource?.resourceType !== type) throw badRequest(`The parameter ${name} must hold a ${type} resource`, where(name));
    return p.resource as T;
  }
}

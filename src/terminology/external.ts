// Grammar-based code systems that cannot be enumerated but whose codes can be checked one by one
// (UCUM, through @lhncbc/ucum-lhc). A value set including such a system whole, or with a supported
// filter, gets a rule instead of a list of codes.
import * as ucumModule from '@lhncbc/ucum-lhc';
import type { ValueSetComposeIncludeFilter } from 'fhir/r4';
import { UCUM_SYSTEM, ucumCanonical } from '../store/indexing/ucum.js';

export interface ExternalCheck { valid: boolean; display?: string; message?: string }
export interface ExternalSystem {
  check(code: string): ExternalCheck;
  /** A predicate for a filter, or undefined when the filter is not supported. */
  filter(f: ValueSetComposeIncludeFilter): ((code: string) => boolean) | undefined;
}

type UcumUtils = { validateUnitString(u: string, suggest?: boolean): { status: string; unit?: { name?: string }; msg?: string[] } };
type UcumClass = { getInstance(): UcumUtils };
let utils: UcumUtils | undefined;
const checked = new Map<string, ExternalCheck>();

const ucumSystem: ExternalSystem = {
  check(code) {
    let c = checked.get(code);
    if (!c) {
      // CommonJS package: the class is on the namespace or on its default export, depending on the loader.
      const m = ucumModule as unknown as { UcumLhcUtils?: UcumClass; default?: { UcumLhcUtils: UcumClass } };
      utils ??= (m.UcumLhcUtils ?? m.default!.UcumLhcUtils).getInstance();
      const r = utils.validateUnitString(code, false);
      c = r.status === 'valid' ? { valid: true, display: r.unit?.name } : { valid: false, message: `${code} is not a valid UCUM unit${r.msg?.length ? `: ${r.msg[0]}` : ''}` };
      checked.set(code, c);
    }
    return c;
  },
  filter(f) {
    // canonical = u: units of the same dimension as u (e.g. all-time-units, all-distance-units).
    if (f.property !== 'canonical' || f.op !== '=' || !f.value) return undefined;
    const target = ucumCanonical(f.value, 1)?.code;
    return target ? (code) => ucumCanonical(code, 1)?.code === target : undefined;
  },
};

const systems = new Map<string, ExternalSystem>([[UCUM_SYSTEM, ucumSystem]]);

export const externalSystem = (url: string) => systems.get(url);

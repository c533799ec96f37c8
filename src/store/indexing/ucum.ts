// UCUM canonical forms (value and unit in base units) via @lhncbc/ucum-lhc, cached per unit code:
// the library is slow on its first call for a unit.
import ucum from '@lhncbc/ucum-lhc';

export const UCUM_SYSTEM = 'http://unitsofmeasure.org';

interface UcumResult { status: string; magnitude?: number; unitToExp?: Record<string, number>; fromUnitIsSpecial?: boolean }
interface Conversion { factor: number; code: string; special: boolean }

let utils: { convertToBaseUnits(unit: string, value: number): UcumResult } | undefined;
const cache = new Map<string, Conversion | null>();

function canonicalCode(exps: Record<string, number>): string {
  const keys = Object.keys(exps).sort();
  return keys.length ? keys.map((k) => (exps[k] === 1 ? k : k + exps[k])).join('.') : '1';
}

const round = (x: number) => Number(x.toPrecision(15));

function convert(unit: string, value: number): UcumResult {
  utils ??= (ucum as unknown as { UcumLhcUtils: { getInstance(): NonNullable<typeof utils> } }).UcumLhcUtils.getInstance();
  return utils.convertToBaseUnits(unit, value);
}

/** The value in UCUM base units and the canonical unit code, or undefined when not convertible. */
export function ucumCanonical(unit: string, value: number): { value: number; code: string } | undefined {
  let c = cache.get(unit);
  if (c === undefined) {
    let r: UcumResult;
    try {
      r = convert(unit, 1);
    } catch {
      r = { status: 'error' };
    }
    c = r.status === 'succeeded' && r.unitToExp && typeof r.magnitude === 'number'
      ? { factor: r.magnitude, code: canonicalCode(r.unitToExp), special: !!r.fromUnitIsSpecial }
      : null;
    cache.set(unit, c);
  }
  if (!c) return undefined;
  if (!c.special) return { value: round(value * c.factor), code: c.code };
  // Special units (Cel, [degF]…) are not proportional: convert each value.
  const r = convert(unit, value);
  return typeof r.magnitude === 'number' ? { value: round(r.magnitude), code: c.code } : undefined;
}

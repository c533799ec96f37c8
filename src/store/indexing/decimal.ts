// Exact decimal arithmetic on strings for the implicit range of a number (search.html#number):
// 1.5 → [1.45, 1.55), 100 → [99.5, 100.5). JSON numbers lose trailing zeros, so 1.50 counts as 1.5.

const NUM_RE = /^([+-]?)(\d+)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/;

export interface DecimalRange { value: string; lo: string; hi: string }

/** Formats mantissa × 10^-scale as a plain decimal string. */
function format(m: bigint, scale: number): string {
  if (scale <= 0) return (m * 10n ** BigInt(-scale)).toString();
  const neg = m < 0n;
  const digits = (neg ? -m : m).toString().padStart(scale + 1, '0');
  const s = digits.slice(0, -scale) + '.' + digits.slice(-scale);
  return (neg ? '-' : '') + s;
}

/** The value and its precision range; undefined for non-finite or malformed numbers. */
export function decimalRange(v: number | string): DecimalRange | undefined {
  const text = typeof v === 'number' ? (Number.isFinite(v) ? String(v) : '') : v.trim();
  const m = NUM_RE.exec(text);
  if (!m) return undefined;
  const [, sign, int, frac = '', exp = '0'] = m;
  const scale = frac.length - Number(exp);
  const mant = BigInt(sign + int + frac);
  // Half a unit of the last significant digit, at one more digit of scale.
  const m10 = mant * 10n;
  return { value: format(mant, scale), lo: format(m10 - 5n, scale + 1), hi: format(m10 + 5n, scale + 1) };
}

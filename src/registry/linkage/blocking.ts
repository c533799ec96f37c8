// Blocking: records sharing a key under any rule become candidate pairs. Rules are named in params.json.
import type { Prepared } from './compare.js';
import { soundex2 } from './phonetic.js';

const dayMonthUnordered = (d: string) => { const m = d.slice(5, 7), j = d.slice(8, 10); return m < j ? m + j : j + m; };

export const BLOCKING_RULES: Record<string, (r: Prepared) => string[]> = {
  ins: (r) => (r.keyedIns ? [r.keyedIns] : []),
  'phoneticName+birthYear': (r) => r.phonetics.map((p) => `${p}|${r.birthDate.slice(0, 4)}`),
  // catches a mistyped birth year
  'sex+phoneticName+birthDayMonth': (r) => r.phonetics.map((p) => `${r.sex}|${p}|${dayMonthUnordered(r.birthDate)}`),
  // catches a changed or badly mistyped surname; unordered day/month so that swaps still meet
  'sex+birthDateUnordered': (r) => [`${r.sex}|${r.birthDate.slice(0, 4)}|${dayMonthUnordered(r.birthDate)}`],
  // the same, narrowed by the initial of any given name (order-free) to keep blocks small at scale
  'sex+birthDateUnordered+givenInitial': (r) => [...new Set(r.given.map((g) => g[0]))].map((i) => `${r.sex}|${r.birthDate.slice(0, 4)}|${dayMonthUnordered(r.birthDate)}|${i}`),
  'phoneticGivenName+birthDate': (r) => r.given.slice(0, 1).map((g) => `${soundex2(g)}|${r.birthDate}`),
};

/** Candidate pairs (i < j) as sorted unique codes i * n + j. */
export function candidatePairs(records: Prepared[], rules: string[], maxBlockSize: number): { pairs: Float64Array; skippedBlocks: number } {
  const n = records.length;
  let buf = new Float64Array(1 << 20), len = 0;
  let skippedBlocks = 0;
  for (const rule of rules) {
    const keyOf = BLOCKING_RULES[rule];
    if (!keyOf) throw new Error(`unknown blocking rule ${rule}`);
    const blocks = new Map<string, number[]>();
    for (let i = 0; i < n; i++) for (const k of keyOf(records[i])) {
      const b = blocks.get(k);
      if (b) { if (b[b.length - 1] !== i) b.push(i); } else blocks.set(k, [i]);
    }
    for (const b of blocks.values()) {
      if (b.length < 2) continue;
      if (b.length > maxBlockSize) { skippedBlocks++; continue; }
      const need = len + (b.length * (b.length - 1)) / 2;
      if (need > buf.length) { const nb = new Float64Array(Math.max(need, buf.length * 2)); nb.set(buf.subarray(0, len)); buf = nb; }
      for (let x = 0; x < b.length; x++) for (let y = x + 1; y < b.length; y++) buf[len++] = b[x] * n + b[y];
    }
  }
  const sorted = buf.subarray(0, len).sort();
  let u = 0;
  for (let k = 0; k < len; k++) if (k === 0 || sorted[k] !== sorted[k - 1]) sorted[u++] = sorted[k];
  return { pairs: sorted.slice(0, u), skippedBlocks };
}
